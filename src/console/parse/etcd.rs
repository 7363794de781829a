//! etcdctl 3.4's commands: argument rules and texts as in `etcdctl/ctlv3/command/*.go`,
//! turning words into the store's request types the way clientv3's op options do.
//!
//! Contract: called after flags are split and validated; checks run in etcdctl's order so
//! that the first error matches the one etcdctl prints.

use super::flags::Split;
use super::lex::{go_parse_int, go_parse_uint_hex, Token};
use super::{txn, ParseError};
use crate::console::command::{Command, SnapshotRestoreOptions};
use crate::store::{DeleteRangeRequest, PutRequest, RangeRequest, SortOrder, SortTarget};

fn err(msg: &str) -> ParseError {
    ParseError::new(format!("Error: {msg}"))
}

fn err_at(msg: String, tok: &Token) -> ParseError {
    ParseError::at(format!("Error: {msg}"), tok.col)
}

pub(crate) use crate::store::prefix_range_end;

pub(crate) fn build(path: &str, sp: &Split) -> Result<Command, ParseError> {
    let args = &sp.args;
    let one = |msg: &str| -> Result<&Token, ParseError> {
        match args.as_slice() {
            [a] => Ok(a),
            _ => Err(err(msg)),
        }
    };
    Ok(match path {
        "put" => Command::Put(put(sp)?),
        "get" => {
            let range = get(sp)?;
            Command::Get { range, print_value_only: sp.bool("print-value-only") }
        }
        "del" => Command::Del(del(sp)?),
        "txn" => {
            if args.is_empty() {
                Command::TxnStdin { interactive: sp.bool("interactive") }
            } else {
                Command::Txn(txn::one_line(args)?)
            }
        }
        "watch" => watch(sp)?,
        "compact" | "compaction" => {
            let a = one("compaction command needs 1 argument")?;
            let revision = go_parse_int(&a.text, 10).map_err(|e| err_at(e, a))?;
            Command::Compact { revision, physical: sp.bool("physical") }
        }
        "defrag" => {
            Command::Defrag { cluster: sp.bool("cluster"), data_dir: sp.value("data-dir").filter(|s| !s.is_empty()) }
        }
        "version" => Command::Version,
        "lease grant" => {
            let a = one("lease grant command needs TTL argument")?;
            let ttl_secs = go_parse_int(&a.text, 10).map_err(|e| err_at(format!("bad TTL ({e})"), a))?;
            Command::LeaseGrant { ttl_secs }
        }
        "lease revoke" => Command::LeaseRevoke { id: lease_arg(one("lease revoke command needs 1 argument")?)? },
        "lease keep-alive" => Command::LeaseKeepAlive {
            id: lease_arg(one("lease keep-alive command needs lease ID as argument")?)?,
            once: sp.bool("once"),
        },
        "lease timetolive" => Command::LeaseTimeToLive {
            id: lease_arg(one("lease timetolive command needs lease ID as argument")?)?,
            keys: sp.bool("keys"),
        },
        "lease list" => Command::LeaseList,
        "alarm list" => Command::AlarmList,
        "alarm disarm" => Command::AlarmDisarm,
        "member list" => Command::MemberList,
        "member add" => {
            if args.is_empty() {
                return Err(err("member name not provided"));
            }
            if args.len() > 1 {
                return Err(err("too many arguments"));
            }
            // etcdctl insists on --peer-urls; the lab knows every node's address, so
            // only an explicitly empty value is refused.
            let peer_urls = match sp.value("peer-urls") {
                None => Vec::new(),
                Some(s) if s.is_empty() => return Err(err("member peer urls not provided")),
                Some(s) => peer_urls(&s)?,
            };
            Command::MemberAdd { name: args[0].text.clone(), peer_urls, learner: sp.bool("learner") }
        }
        "member promote" => Command::MemberPromote { id: member_arg(one("member ID is not provided")?)? },
        "member remove" => Command::MemberRemove { id: member_arg(one("member ID is not provided")?)? },
        "member update" => {
            // `memberUpdateCommandFunc`: the id, then `--peer-urls`.
            let id = member_arg(one("member ID is not provided")?)?;
            let peer_urls = match sp.value("peer-urls") {
                Some(s) if !s.is_empty() => peer_urls(&s)?,
                _ => return Err(err("member peer urls not provided")),
            };
            Command::MemberUpdate { id, peer_urls }
        }
        "endpoint status" => Command::EndpointStatus { cluster: sp.bool("cluster") },
        "endpoint hashkv" => Command::EndpointHashKv { cluster: sp.bool("cluster"), revision: sp.int64("rev") },
        "lock" => {
            let Some(name) = args.first() else {
                return Err(err("lock takes a lock name argument and an optional command to execute"));
            };
            if args.len() > 1 {
                return Err(err_at(
                    "the lab runs no programs: `lock NAME COMMAND...` needs a shell; hold the lock with `lock NAME` and stop it with `cancel`".into(),
                    &args[1],
                ));
            }
            let ttl = sp.int64("ttl");
            // etcdctl's `--ttl` defaults to 10 s (`lockTTL`).
            Command::Lock { name: name.text.clone(), ttl_secs: if sp.last("ttl").is_some() { ttl } else { 10 } }
        }
        "elect" => {
            if args.is_empty() || args.len() > 2 {
                return Err(err("elect takes one election name argument and an optional proposal argument"));
            }
            let proposal = args.get(1).map(|t| t.text.clone());
            match (&proposal, sp.bool("listen")) {
                (None, false) => return Err(err("no proposal argument but -l not set")),
                (Some(_), true) => return Err(err("proposal given but -l is set")),
                _ => {}
            }
            Command::Elect { name: args[0].text.clone(), proposal }
        }
        "move-leader" => {
            let [a] = args.as_slice() else {
                return Err(err("move-leader command needs 1 argument"));
            };
            let target = go_parse_uint_hex(&a.text).map_err(|e| err_at(e, a))?;
            Command::MoveLeader { target }
        }
        "check perf" => {
            // `newCheckPerfCommand`: the load's aliases, then etcdctl's profile for it.
            let load = sp.value("load").unwrap_or_else(|| "s".to_string());
            let (rate, clients) = match load.as_str() {
                "s" | "small" => (150, 50),
                "m" | "medium" => (1000, 200),
                "l" | "large" => (8000, 500),
                "xl" | "xLarge" => (15000, 1000),
                other => return Err(err(&format!("unknown load option {other}"))),
            };
            Command::CheckPerf {
                rate,
                clients,
                prefix: sp.value("prefix").unwrap_or_else(|| "/etcdctl-check-perf/".to_string()),
                auto_compact: sp.bool("auto-compact"),
                auto_defrag: sp.bool("auto-defrag"),
            }
        }
        "endpoint health" => Command::EndpointHealth { cluster: sp.bool("cluster") },
        "snapshot save" => Command::SnapshotSave { file: one("snapshot save expects one argument")?.text.clone() },
        "snapshot status" => {
            Command::SnapshotStatus { file: one("snapshot status requires exactly one argument")?.text.clone() }
        }
        "snapshot restore" => Command::SnapshotRestore {
            file: one("snapshot restore requires exactly one argument")?.text.clone(),
            options: SnapshotRestoreOptions {
                name: sp.value("name"),
                data_dir: sp.value("data-dir"),
                wal_dir: sp.value("wal-dir"),
                initial_cluster: sp.value("initial-cluster"),
                initial_cluster_token: sp.value("initial-cluster-token"),
                initial_advertise_peer_urls: sp.value("initial-advertise-peer-urls"),
                skip_hash_check: sp.bool("skip-hash-check"),
            },
        },
        other => return Err(err(&format!("unknown command {other:?} for \"etcdctl\""))),
    })
}

/// `types.NewURLs`, which etcdctl's member commands go through: each URL trimmed, with an
/// http(s) or unix(s) scheme, a `host:port`, and no path.
fn peer_urls(list: &str) -> Result<Vec<String>, ParseError> {
    let mut out = Vec::new();
    for raw in list.split(',') {
        let u = raw.trim();
        let (scheme, rest) = u.split_once("://").unwrap_or(("", u));
        if !matches!(scheme, "http" | "https" | "unix" | "unixs") {
            return Err(err(&format!("URL scheme must be http, https, unix, or unixs: {u}")));
        }
        let (host, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        let has_port = host.rsplit_once(':').is_some_and(|(h, _)| !h.contains(':') || h.starts_with('['));
        if !has_port {
            return Err(err(&format!("URL address does not have the form \"host:port\": {u}")));
        }
        if !path.is_empty() {
            return Err(err(&format!("URL must not contain a path: {u}")));
        }
        out.push(u.to_string());
    }
    Ok(out)
}

/// etcdctl parses lease ids with `ParseInt(s, 16, 64)`, so ids above i64::MAX are
/// refused exactly as etcdctl refuses them.
fn lease_arg(tok: &Token) -> Result<i64, ParseError> {
    go_parse_int(&tok.text, 16).map_err(|e| err_at(format!("bad lease ID arg ({e}), expecting ID in Hex"), tok))
}

fn member_arg(tok: &Token) -> Result<u64, ParseError> {
    go_parse_uint_hex(&tok.text).map_err(|e| err_at(format!("bad member ID arg ({e}), expecting ID in Hex"), tok))
}

/// `getPutOp`. Without a value argument etcdctl would read stdin; the console has none.
pub(crate) fn put(sp: &Split) -> Result<PutRequest, ParseError> {
    let args = &sp.args;
    let needs = "put command needs 1 argument and input from stdin or 2 arguments";
    if args.is_empty() {
        return Err(err(needs));
    }
    let ignore_value = sp.bool("ignore-value");
    if ignore_value && args.len() > 1 {
        return Err(err("put command needs only 1 argument when 'ignore-value' is set"));
    }
    let value = if ignore_value {
        Vec::new()
    } else {
        match args.get(1) {
            Some(v) => v.text.clone().into_bytes(),
            None => return Err(err(needs)),
        }
    };
    let lease_text = sp.value("lease").unwrap_or_else(|| "0".to_string());
    let lease = go_parse_int(&lease_text, 16).map_err(|e| {
        let col = sp.last("lease").map(|s| s.col);
        ParseError { message: format!("Error: bad lease ID ({e}), expecting ID in Hex"), column: col }
    })?;
    Ok(PutRequest {
        key: args[0].text.clone().into(),
        value: value.into(),
        lease,
        prev_kv: sp.bool("prev-kv"),
        ignore_value,
        ignore_lease: sp.bool("ignore-lease"),
    })
}

const BOTH_RANGE_FLAGS: &str = "`--prefix` and `--from-key` cannot be set at the same time, choose one";
const TOO_MANY_FOR_RANGE_FLAGS: &str =
    "too many arguments, only accept one argument when `--prefix` or `--from-key` is set";

/// `getGetOp`, then clientv3's option semantics.
pub(crate) fn get(sp: &Split) -> Result<RangeRequest, ParseError> {
    let args = &sp.args;
    if args.is_empty() {
        return Err(err("get command needs one argument as key and an optional argument as range_end"));
    }
    let (prefix, from_key) = (sp.bool("prefix"), sp.bool("from-key"));
    if prefix && from_key {
        return Err(err(BOTH_RANGE_FLAGS));
    }
    let consistency = sp.value("consistency").unwrap_or_else(|| "l".to_string());
    let serializable = match consistency.as_str() {
        "s" => true,
        "l" => false,
        other => return Err(err(&format!("unknown consistency flag {other:?}"))),
    };
    let mut req = RangeRequest {
        key: args[0].text.clone().into_bytes(),
        serializable,
        keys_only: sp.bool("keys-only"),
        limit: sp.int64("limit"),
        revision: sp.int64("rev").max(0),
        ..RangeRequest::default()
    };
    if let Some(end) = args.get(1) {
        if prefix || from_key {
            return Err(err(TOO_MANY_FOR_RANGE_FLAGS));
        }
        req.range_end = end.text.clone().into_bytes();
    }
    let order_text = sp.value("order").unwrap_or_default();
    req.sort_order = match go_upper(&order_text).as_str() {
        "ASCEND" => SortOrder::Ascend,
        "DESCEND" => SortOrder::Descend,
        "" => SortOrder::None,
        _ => return Err(err(&format!("bad sort order {order_text}"))),
    };
    let target_text = sp.value("sort-by").unwrap_or_default();
    req.sort_target = match go_upper(&target_text).as_str() {
        "CREATE" => SortTarget::Create,
        "KEY" | "" => SortTarget::Key,
        "MODIFY" => SortTarget::Mod,
        "VALUE" => SortTarget::Value,
        "VERSION" => SortTarget::Version,
        _ => return Err(err(&format!("bad sort target {target_text}"))),
    };
    // clientv3's WithSort: the server already returns keys ascending.
    if req.sort_target == SortTarget::Key && req.sort_order == SortOrder::Ascend {
        req.sort_order = SortOrder::None;
    }
    (req.key, req.range_end) = apply_range_flags(req.key, req.range_end, prefix, from_key);
    Ok(req)
}

/// `--prefix` / `--from-key` as etcdctl maps them (an empty key means every key).
/// etcdctl's `strings.ToUpper` on a flag value that must then equal an ASCII word: Go maps
/// each letter on its own, and only two letters outside ASCII have an ASCII upper case
/// (ı and ſ); any other stays outside ASCII, so the value matches no word either way. Not
/// `str::to_uppercase`, which also makes `ﬁ` "FI" (Go leaves it) and brings core's
/// Unicode case tables into the site.
fn go_upper(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'ı' => 'I',
            'ſ' => 'S',
            c => c.to_ascii_uppercase(),
        })
        .collect()
}

fn apply_range_flags(key: Vec<u8>, end: Vec<u8>, prefix: bool, from_key: bool) -> (Vec<u8>, Vec<u8>) {
    if (prefix || from_key) && key.is_empty() {
        (vec![0], vec![0])
    } else if prefix {
        let end = prefix_range_end(&key);
        (key, end)
    } else if from_key {
        (key, vec![0])
    } else {
        (key, end)
    }
}

/// `getDelOp`.
pub(crate) fn del(sp: &Split) -> Result<DeleteRangeRequest, ParseError> {
    let args = &sp.args;
    if args.is_empty() || args.len() > 2 {
        return Err(err("del command needs one argument as key and an optional argument as range_end"));
    }
    let (prefix, from_key) = (sp.bool("prefix"), sp.bool("from-key"));
    if prefix && from_key {
        return Err(err(BOTH_RANGE_FLAGS));
    }
    let mut end = Vec::new();
    if let Some(e) = args.get(1) {
        if prefix || from_key {
            return Err(err(TOO_MANY_FOR_RANGE_FLAGS));
        }
        end = e.text.clone().into_bytes();
    }
    let (key, range_end) = apply_range_flags(args[0].text.clone().into_bytes(), end, prefix, from_key);
    Ok(DeleteRangeRequest { key, range_end, prev_kv: sp.bool("prev-kv") })
}

/// `watchCommandFunc` / `getWatchChan`; words after the range end are ignored, as there.
fn watch(sp: &Split) -> Result<Command, ParseError> {
    if sp.bool("interactive") {
        return Err(err("watch --interactive is not supported in the lab"));
    }
    let args = &sp.args;
    let Some(key) = args.first() else {
        return Err(err("bad number of arguments"));
    };
    let prefix = sp.bool("prefix");
    let mut range_end = Vec::new();
    if args.len() == 2 {
        if prefix {
            return Err(err("`range_end` and `--prefix` are mutually exclusive"));
        }
        range_end = args[1].text.clone().into_bytes();
    }
    let (key, range_end) = apply_range_flags(key.text.clone().into_bytes(), range_end, prefix, false);
    Ok(Command::Watch { key, range_end, start_revision: sp.int64("rev"), prev_kv: sp.bool("prev-kv") })
}

//! `help`: what the console understands, in etcdctl's words plus the lab's own commands.
//!
//! Contract: plain text, one screen per topic; unknown topics get etcdctl's answer.

const GENERAL: &str = "\
etcd commands (as etcdctl 3.4; global flags: --endpoints=nK|http://nK:2379|127.0.0.1:2379,
  -w simple|json|table, --command-timeout=5s; --cacert, --cert, --key, --dial-timeout, --user,
  --hex, --debug and the rest are accepted):
  put <key> <value> [--lease=<id>] [--prev-kv]
  get <key> [range_end] [--prefix] [--from-key] [--rev=N] [--keys-only] [--limit=N]
      [--print-value-only] [--consistency=l|s] [--order=ASCEND|DESCEND] [--sort-by=KEY|...]
  del <key> [range_end] [--prefix] [--from-key] [--prev-kv]
  txn [-i]   (then compares, a blank line, success ops, a blank line, failure ops, a blank line)
  txn '<compare>'... then <op>... [else <op>...]      one-line form, e.g.
      txn 'mod(\"x\") > \"0\"' then 'put x 10' else 'put x 0'
  watch <key> [range_end] [--prefix] [--rev=N] [--prev-kv]
  lease grant <ttl> | revoke <id> | keep-alive [--once] <id> | timetolive <id> [--keys] | list
  lock <name> [--ttl=10]          holds the lock until cancel (a second lock waits)
  elect <name> <proposal> | elect -l <name>      campaign, or observe the leader
  compact|compaction <rev> [--physical]      defrag [--cluster]      alarm list | disarm
  member list | add <name> [--learner] | promote <id> | remove <id> | update <id> --peer-urls=<urls>
  move-leader <member-id>         the leader among --endpoints hands over leadership
  endpoint status [--cluster] | health [--cluster] | hashkv [--cluster] [--rev=N]
  check perf [--load=s|m|l|xl] [--prefix=/etcdctl-check-perf/] [--auto-compact] [--auto-defrag]
  snapshot save <file> | restore <file> | status <file>
  snapshot restore <file> --name nK --initial-cluster n1=http://n1:2380,... --initial-advertise-peer-urls http://nK:2380
      [--initial-cluster-token T] [--data-dir D]   one member's data dir (without these flags: the whole lab cluster)
  version

shell: NAME=value before etcdctl sets its environment for that line (ETCDCTL_API=2|3,
  ETCDCTL_ENDPOINTS, ETCDCTL_WRITE_OUT, any ETCDCTL_<FLAG>); export NAME=value and
  unset NAME keep it for the lines after. The word etcdctl itself is optional.

lab commands:
  kill <node>|leader   restart <node>   start <node> [--data-dir=D] (from a restored data dir)
  partition n1,n2 n3,n4,n5   isolate <node>   cut n1->n2 | n1<->n2   restore n1->n2   heal
  drop <msg-id> | drop n1->n2 25%   delay <msg-id> 200ms | delay n1->n2 50ms   duplicate <msg-id>
  latency <base> [jitter]   disk <node> 200ms (every fsync takes that long; 0 = fast)
  tick [N]   run <duration>   step [N]
  campaign <node>   transfer <node>
  status   leader   trace-hash
  history   the clients' operations so far, judged for linearizability
  cancel [stream]   Ctrl-C for a watch, keep-alive, lock or elect (all of them without an id)
  lab <command>   the same as <command>, e.g. \"lab history\"

kube (a kube-apiserver client: /registry/<resource>/<ns>/<name> keys, resourceVersion = mod_revision):
  kube create pod|configmap|deployment [ns/]name [--image=nginx] [--replicas=N] [--from-literal=k=v]
  kube get <resource> [[ns/]name] [-n ns | -A] [-o json|yaml] [-w] [--resource-version=N]
  kube set image <resource> [ns/]name <image> [--resource-version=N]
  kube label <resource> [ns/]name key=value [--resource-version=N]
  kube delete <resource> [ns/]name [--resource-version=N]
  kube compact     one round of kube-apiserver's compactor (compacts to the previous round's revision)
  kube compactor 5m|off   that compactor every interval of simulated time (--etcd-compaction-interval)
  kube informer <resource> [-n ns | -A] [--resource-version=N]   list, watch, relist on 410 Gone
";

/// What `etcdctl <path> --help` prints after a flag of `path` (`--prefix` of `get`: "Get
/// keys with matching prefix"), etcdctl 3.4's words; the lab's own flags in its words.
/// `None` for a flag the command does not have.
pub fn flag_help(path: &str, long: &str) -> Option<String> {
    let own = match (path, long) {
        ("put", "lease") => "lease ID (in hexadecimal) to attach to the key",
        ("put", "prev-kv") => "return the previous key-value pair before modification",
        ("put", "ignore-value") => "updates the key using its current value",
        ("put", "ignore-lease") => "updates the key using its current lease",
        ("get", "consistency") => "Linearizable(l) or Serializable(s)",
        ("get", "from-key") => "Get keys that are greater than or equal to the given key using byte compare",
        ("get", "keys-only") => "Get only the keys",
        ("get", "limit") => "Maximum number of results",
        ("get", "order") => "Order of results; ASCEND or DESCEND (ASCEND by default)",
        ("get", "prefix") => "Get keys with matching prefix",
        ("get", "print-value-only") => "Only write values when using the \"simple\" output format",
        ("get", "rev") => "Specify the kv revision",
        ("get", "sort-by") => "Sort target; CREATE, KEY, MODIFY, VALUE, or VERSION",
        ("del", "from-key") => "delete keys that are greater than or equal to the given key using byte compare",
        ("del", "prefix") => "delete keys with matching prefix",
        ("del", "prev-kv") => "return deleted key-value pairs",
        ("txn", "interactive") => "Input transaction in interactive mode",
        ("watch", "interactive") => "Interactive mode",
        ("watch", "prefix") => "Watch on a prefix if prefix is set",
        ("watch", "prev-kv") => "get the previous key-value pair before the event happens",
        ("watch", "rev") => "Revision to start watching",
        ("compact" | "compaction", "physical") => {
            "'true' to wait for compaction to physically remove all old revisions"
        }
        ("defrag", "cluster") | ("endpoint status" | "endpoint health" | "endpoint hashkv", "cluster") => {
            "use all endpoints from the cluster member list"
        }
        ("defrag", "data-dir") => "Optional. If present, defragments a data directory not in use by etcd.",
        ("endpoint hashkv", "rev") => "maximum revision to hash (default: all revisions)",
        ("lease keep-alive", "once") => "Resets the keep-alive time to its original value and exits immediately",
        ("lease timetolive", "keys") => "Get keys attached to this lease",
        ("member add", "learner") => "indicates if the new member is raft learner",
        ("member add", "peer-urls") => "comma separated peer URLs for the new member.",
        ("member update", "peer-urls") => "comma separated peer URLs for the updated member.",
        ("lock", "ttl") => "timeout for session",
        ("elect", "listen") => "observation mode",
        ("check perf", "auto-compact") => "Compact storage with last revision after test is finished.",
        ("check perf", "auto-defrag") => "Defragment storage after test is finished.",
        ("check perf", "load") => {
            "The performance check's workload model. Accepted workloads: s(small), m(medium), l(large), xl(xLarge)"
        }
        ("check perf", "prefix") => "The prefix for writing the performance check's keys.",
        ("snapshot restore", "data-dir") => "Path to the data directory",
        ("snapshot restore", "initial-advertise-peer-urls") => {
            "List of this member's peer URLs to advertise to the rest of the cluster"
        }
        ("snapshot restore", "initial-cluster") => "Initial cluster configuration for restore bootstrap",
        ("snapshot restore", "initial-cluster-token") => {
            "Initial cluster token for the etcd cluster during restore bootstrap"
        }
        ("snapshot restore", "name") => "Human-readable name for this member",
        ("snapshot restore", "skip-hash-check") => {
            "Ignore snapshot integrity hash value (required if copied from data directory)"
        }
        ("snapshot restore", "wal-dir") => "Path to the WAL directory (use --data-dir if none given)",
        ("start", "data-dir") => "the member's data dir, as snapshot restore --data-dir wrote it (the lab's flag)",
        _ => "",
    };
    if !own.is_empty() {
        return Some(own.to_string());
    }
    let global = match long {
        "cacert" => "verify certificates of TLS-enabled secure servers using this CA bundle",
        "cert" => "identify secure client using this TLS certificate file",
        "command-timeout" => "timeout for short running command (excluding dial timeout)",
        "debug" => "enable client-side debug logging",
        "dial-timeout" => "dial timeout for client connections",
        "discovery-srv" => "domain name to query for SRV records describing cluster endpoints",
        "discovery-srv-name" => "service name to query when using DNS discovery",
        "endpoints" => "gRPC endpoints",
        "hex" => "print byte strings as hex encoded strings",
        "insecure-discovery" => "accept insecure SRV records describing cluster endpoints",
        "insecure-skip-tls-verify" => {
            "skip server certificate verification (CAUTION: this option should be enabled only for testing purposes)"
        }
        "insecure-transport" => "disable transport security for client connections",
        "keepalive-time" => "keepalive time for client connections",
        "keepalive-timeout" => "keepalive timeout for client connections",
        "key" => "identify secure client using this TLS key file",
        "password" => "password for authentication (if this option is used, --user option shouldn't include password)",
        "user" => "username[:password] for authentication (prompt if password is not supplied)",
        "write-out" => "set the output format (fields, json, protobuf, simple, table)",
        // cobra's own, named after the command.
        "help" => {
            return Some(format!("help for {}", path.rsplit(' ').next().filter(|c| !c.is_empty()).unwrap_or("etcdctl")))
        }
        _ => return None,
    };
    Some(global.to_string())
}

/// The usage line `help` shows for an etcd command (`put` gives `put <key> <value>
/// [--lease=<id>] [--prev-kv]`; `lease grant` gives `lease grant <ttl>`), a lab command's
/// usage as its errors print it, or `None` for a word that is neither.
pub fn usage(path: &str) -> Option<String> {
    if let Some(lab) = crate::console::parse::lab_usage(path) {
        return Some(lab.to_string());
    }
    let mut words = path.split(' ');
    let first = words.next().filter(|w| !w.is_empty())?;
    let sub = words.next();
    // The etcd part of the help lists commands side by side, three spaces or more apart.
    let etcd = GENERAL.split("\nshell:").next().unwrap_or_default();
    let piece = etcd
        .lines()
        .skip(1)
        .flat_map(|l| l.split("   "))
        .map(str::trim)
        .find(|seg| seg.split(' ').next().is_some_and(|w| w.split('|').any(|name| name == first)))?;
    let Some(sub) = sub else { return Some(piece.to_string()) };
    // A group's line: "lease grant <ttl> | revoke <id> | ...".
    let rest = piece.strip_prefix(first)?.trim_start();
    let one = rest.split(" | ").find(|alt| alt.split(' ').next() == Some(sub))?;
    Some(format!("{first} {one}"))
}

pub fn help(topic: Option<&str>) -> String {
    match topic {
        None => GENERAL.to_string(),
        Some(t) => {
            let lines: Vec<&str> = GENERAL.lines().filter(|l| l.trim_start().starts_with(t)).collect();
            if lines.is_empty() {
                format!("Unknown help topic [`{t}`]\n")
            } else {
                lines.join("\n") + "\n"
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::console::parse::{command_paths, completions};

    #[test]
    fn flags_and_usage_lines_are_etcdctls_words() {
        assert_eq!(flag_help("get", "prefix").as_deref(), Some("Get keys with matching prefix"));
        assert_eq!(flag_help("del", "prefix").as_deref(), Some("delete keys with matching prefix"));
        assert_eq!(
            flag_help("get", "write-out").as_deref(),
            Some("set the output format (fields, json, protobuf, simple, table)")
        );
        assert_eq!(flag_help("member add", "help").as_deref(), Some("help for add"));
        assert_eq!(flag_help("put", "nope"), None);
        assert_eq!(usage("put").as_deref(), Some("put <key> <value> [--lease=<id>] [--prev-kv]"));
        assert_eq!(usage("compaction").as_deref(), Some("compact|compaction <rev> [--physical]"));
        assert_eq!(usage("defrag").as_deref(), Some("defrag [--cluster]"));
        assert_eq!(usage("lease grant").as_deref(), Some("lease grant <ttl>"));
        assert_eq!(usage("endpoint hashkv").as_deref(), Some("endpoint hashkv [--cluster] [--rev=N]"));
        assert_eq!(usage("alarm disarm").as_deref(), Some("alarm disarm"));
        assert_eq!(usage("kill").as_deref(), Some("kill <node>, e.g. \"kill n2\" or \"kill leader\""));
        assert_eq!(usage("nope"), None);
    }

    #[test]
    fn help_and_completion_cover_every_command_and_flag() {
        for (path, flags) in command_paths() {
            let first = path.split(' ').next().unwrap_or_default();
            let shown = GENERAL.lines().any(|l| {
                let l = l.trim_start();
                let words: Vec<&str> = l.split(|c: char| c.is_whitespace() || c == '|').collect();
                words.contains(&first) && path.split(' ').all(|w| words.contains(&w))
            });
            assert!(shown, "help does not show {path:?}");
            let words: Vec<&str> = path.split(' ').collect();
            let (head, last) = words.split_at(words.len() - 1);
            let prefix = if head.is_empty() { String::new() } else { format!("{} ", head.join(" ")) };
            assert!(
                completions(&prefix).contains(&format!("{prefix}{}", last[0])),
                "completion does not offer {path:?}"
            );
            for f in flags {
                let offered = completions(&format!("{path} --"));
                assert!(
                    offered.iter().any(|c| c == &format!("{path} --{f}") || c == &format!("{path} --{f}=")),
                    "completion does not offer --{f} for {path:?}: {offered:?}"
                );
            }
        }
        // Every flag has its one-line help, as etcdctl prints it under OPTIONS.
        for (path, flags) in command_paths() {
            for f in flags.iter().chain(["endpoints", "write-out", "hex", "help"].iter()) {
                assert!(flag_help(&path, f).is_some_and(|h| !h.is_empty()), "no help for {path} --{f}");
            }
            assert!(usage(&path).is_some(), "no usage line for {path:?}");
        }
        // The global flags, on any command.
        let offered = completions("get x --");
        for f in ["cacert", "cert", "key", "dial-timeout", "insecure-skip-tls-verify", "user", "hex", "debug"] {
            assert!(offered.iter().any(|c| c.starts_with(&format!("get x --{f}"))), "no --{f}");
        }
    }
}

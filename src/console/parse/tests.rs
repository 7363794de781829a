//! Exact parse results and exact error texts. Texts marked "etcdctl" were produced by
//! etcdctl 3.4.23 for the same arguments.

use super::*;
use crate::console::command::{LabCommand, Link, NodeRef, SnapshotRestoreOptions};
use crate::store::*;
use proptest::prelude::*;

fn cmd(line: &str) -> Command {
    match parse_line(line) {
        Ok(l) => l.command,
        Err(e) => panic!("{line:?} failed: {e}"),
    }
}

fn error(line: &str) -> String {
    match parse_line(line) {
        Ok(l) => panic!("{line:?} parsed as {l:?}"),
        Err(e) => e.message,
    }
}

fn lab(line: &str) -> LabCommand {
    match cmd(line) {
        Command::Lab(l) => l,
        other => panic!("{line:?} is not a lab command: {other:?}"),
    }
}

fn range(line: &str) -> RangeRequest {
    match cmd(line) {
        Command::Get { range, .. } => range,
        other => panic!("{other:?}"),
    }
}

fn b(s: &str) -> Vec<u8> {
    s.as_bytes().to_vec()
}

#[test]
fn nothing_and_etcdctl_prefix() {
    assert_eq!(cmd(""), Command::Nothing);
    assert_eq!(cmd("   "), Command::Nothing);
    assert_eq!(cmd("# put x 1"), Command::Nothing);
    assert_eq!(cmd("etcdctl version"), Command::Version);
    assert_eq!(cmd("version extra"), Command::Version);
}

#[test]
fn put_forms() {
    assert_eq!(
        cmd("put x 1"),
        Command::Put(PutRequest { key: b("x").into(), value: b("1").into(), ..Default::default() })
    );
    assert_eq!(
        cmd("etcdctl put x \"hello world\" --lease=2040a201a10e1315 --prev-kv"),
        Command::Put(PutRequest {
            key: b("x").into(),
            value: b("hello world").into(),
            lease: 0x2040a201a10e1315,
            prev_kv: true,
            ..Default::default()
        })
    );
    assert_eq!(
        cmd("put -- -key -val"),
        Command::Put(PutRequest { key: b("-key").into(), value: b("-val").into(), ..Default::default() })
    );
    assert_eq!(
        cmd("put x --ignore-value --ignore-lease"),
        Command::Put(PutRequest { key: b("x").into(), ignore_value: true, ignore_lease: true, ..Default::default() })
    );
    // etcdctl ignores words after the value.
    assert_eq!(
        cmd("put k 'it''s' extra"),
        Command::Put(PutRequest { key: b("k").into(), value: b("its").into(), ..Default::default() })
    );
}

#[test]
fn put_errors_match_etcdctl() {
    let needs = "Error: put command needs 1 argument and input from stdin or 2 arguments";
    assert_eq!(error("put"), needs);
    assert_eq!(error("put x"), needs);
    assert_eq!(error("put x y --ignore-value"), "Error: put command needs only 1 argument when 'ignore-value' is set");
    assert_eq!(
        error("put x y --lease=zz"),
        "Error: bad lease ID (strconv.ParseInt: parsing \"zz\": invalid syntax), expecting ID in Hex"
    );
    assert_eq!(
        error("put x y --lease=ffffffffffffffff"),
        "Error: bad lease ID (strconv.ParseInt: parsing \"ffffffffffffffff\": value out of range), expecting ID in Hex"
    );
    assert_eq!(error("put x y --foo"), "Error: unknown flag: --foo");
    assert_eq!(error("put x y --lease"), "Error: flag needs an argument: --lease");
}

#[test]
fn get_flags() {
    assert_eq!(range("get x").key, b("x"));
    let r = range("get a c --rev=5 --limit 10 --keys-only --consistency=s");
    assert_eq!(
        r,
        RangeRequest {
            key: b("a"),
            range_end: b("c"),
            limit: 10,
            revision: 5,
            serializable: true,
            keys_only: true,
            ..Default::default()
        }
    );
    let r = range("get x --order=descend --sort-by=version");
    assert_eq!((r.sort_order, r.sort_target), (SortOrder::Descend, SortTarget::Version));
    // clientv3 drops ASCEND when sorting by key: the server's order already is.
    let r = range("get x --order=ASCEND --sort-by=KEY");
    assert_eq!((r.sort_order, r.sort_target), (SortOrder::None, SortTarget::Key));
    let r = range("get x --order=ascend --sort-by=modify");
    assert_eq!((r.sort_order, r.sort_target), (SortOrder::Ascend, SortTarget::Mod));
    assert_eq!(range("get x --rev=0x10").revision, 16);
    assert!(matches!(cmd("get x --print-value-only"), Command::Get { print_value_only: true, .. }));
    assert_eq!(range("get x --prefix=true").range_end, b("y"));
    assert_eq!(range("get x --prefix=false").range_end, b(""));
}

#[test]
fn prefix_and_from_key_ranges() {
    assert_eq!(range("get foo --prefix").range_end, b("fop"));
    assert_eq!(etcd::prefix_range_end(&[b'a', 0xff]), vec![b'b']);
    assert_eq!(etcd::prefix_range_end(&[b'a', 0xfe, 0xff, 0xff]), vec![b'a', 0xff]);
    assert_eq!(etcd::prefix_range_end(&[0xff, 0xff]), vec![0]);
    assert_eq!(etcd::prefix_range_end(&[]), vec![0]);
    let all = range("get '' --prefix");
    assert_eq!((all.key, all.range_end), (vec![0], vec![0]));
    let all = range("get \"\" --from-key");
    assert_eq!((all.key, all.range_end), (vec![0], vec![0]));
    let from = range("get b --from-key");
    assert_eq!((from.key, from.range_end), (b("b"), vec![0]));
}

#[test]
fn get_errors_match_etcdctl() {
    assert_eq!(error("get"), "Error: get command needs one argument as key and an optional argument as range_end");
    assert_eq!(
        error("get x --prefix --from-key"),
        "Error: `--prefix` and `--from-key` cannot be set at the same time, choose one"
    );
    assert_eq!(
        error("get x --prefix false"),
        "Error: too many arguments, only accept one argument when `--prefix` or `--from-key` is set"
    );
    assert_eq!(
        error("get x --rev=abc"),
        "Error: invalid argument \"abc\" for \"--rev\" flag: strconv.ParseInt: parsing \"abc\": invalid syntax"
    );
    assert_eq!(
        error("get --prefix=3 x"),
        "Error: invalid argument \"3\" for \"--prefix\" flag: strconv.ParseBool: parsing \"3\": invalid syntax"
    );
    assert_eq!(error("get x --order=foo"), "Error: bad sort order foo");
    assert_eq!(error("get x --sort-by=foo"), "Error: bad sort target foo");
    // Go's strings.ToUpper maps ı and ſ to I and S, and leaves the ligature ﬁ alone.
    let r = range("get x --order=aſcend --sort-by=modıfy");
    assert_eq!((r.sort_order, r.sort_target), (SortOrder::Ascend, SortTarget::Mod));
    assert_eq!(error("get x --sort-by=modiﬁy"), "Error: bad sort target modiﬁy");
    assert_eq!(error("get x --consistency=q"), "Error: unknown consistency flag \"q\"");
    assert_eq!(error("get x --consistency=S"), "Error: unknown consistency flag \"S\"");
    // etcdctl 3.4 has no --count-only (3.5 added it).
    assert_eq!(error("get x --count-only"), "Error: unknown flag: --count-only");
    assert_eq!(error("get -x k"), "Error: unknown shorthand flag: 'x' in -x");
    assert_eq!(error("get x --rev"), "Error: flag needs an argument: --rev");
    assert_eq!(error("get x -w"), "Error: flag needs an argument: 'w' in -w");
    let e = parse_line("get x --bogus").unwrap_err();
    assert_eq!(e.column, Some(7));
}

#[test]
fn del_forms_and_errors() {
    assert_eq!(
        cmd("del a --prefix --prev-kv"),
        Command::Del(DeleteRangeRequest { key: b("a"), range_end: b("b"), prev_kv: true })
    );
    assert_eq!(cmd("del a z"), Command::Del(DeleteRangeRequest { key: b("a"), range_end: b("z"), prev_kv: false }));
    assert_eq!(
        cmd("del '' --from-key"),
        Command::Del(DeleteRangeRequest { key: vec![0], range_end: vec![0], prev_kv: false })
    );
    let needs = "Error: del command needs one argument as key and an optional argument as range_end";
    assert_eq!(error("del"), needs);
    assert_eq!(error("del a b c"), needs);
    assert_eq!(error("delete x"), "Error: unknown command \"delete\" for \"etcdctl\"");
}

#[test]
fn globals_anywhere() {
    let l = parse_line("--endpoints=n1,n2 get x -w json --command-timeout=1.5s").unwrap();
    assert_eq!(l.globals.endpoints, vec!["n1", "n2"]);
    assert_eq!(l.globals.write_out, OutputFormat::Json);
    assert_eq!(l.globals.command_timeout_ms, Some(1500));
    let l = parse_line("get --endpoints n3 x --write-out=table").unwrap();
    assert_eq!(l.globals.endpoints, vec!["n3"]);
    assert_eq!(l.globals.write_out, OutputFormat::Table);
    assert_eq!(range("get --endpoints n3 x").key, b("x"));
    let l = parse_line("get -wjson x --endpoints=n1 --endpoints=n2").unwrap();
    assert_eq!(l.globals.write_out, OutputFormat::Json);
    assert_eq!(l.globals.endpoints, vec!["n1", "n2"]);
    assert_eq!(error("-w foo get x"), "Error: unsupported output format");
    assert_eq!(
        error("--command-timeout=abc get x"),
        "Error: invalid argument \"abc\" for \"--command-timeout\" flag: time: invalid duration \"abc\""
    );
    assert_eq!(
        error("--command-timeout=5 get x"),
        "Error: invalid argument \"5\" for \"--command-timeout\" flag: time: missing unit in duration \"5\""
    );
    // etcdctl checks the output format only when printing, after argument checks.
    assert_eq!(
        error("-w foo get"),
        "Error: get command needs one argument as key and an optional argument as range_end"
    );
}

#[test]
fn unknown_commands_and_help() {
    assert_eq!(error("frob"), "Error: unknown command \"frob\" for \"etcdctl\"");
    assert_eq!(error("gett x"), "Error: unknown command \"gett\" for \"etcdctl\"");
    assert_eq!(cmd("lease"), Command::Help { topic: Some("lease".into()) });
    assert_eq!(cmd("lease frob"), Command::Help { topic: Some("lease".into()) });
    assert_eq!(cmd("get --help"), Command::Help { topic: Some("get".into()) });
    assert_eq!(cmd("lease grant -h"), Command::Help { topic: Some("lease grant".into()) });
    assert_eq!(cmd("help"), Command::Help { topic: None });
    assert_eq!(cmd("help member add"), Command::Help { topic: Some("member add".into()) });
    assert_eq!(cmd("help partition"), Command::Help { topic: Some("partition".into()) });
    assert_eq!(error("help frob"), "Unknown help topic [`frob`]");
    assert_eq!(cmd("-w json"), Command::Help { topic: None });
}

#[test]
fn watch_forms() {
    assert_eq!(
        cmd("watch svc --prefix --prev-kv --rev=3"),
        Command::Watch { key: b("svc"), range_end: b("svd"), start_revision: 3, prev_kv: true }
    );
    assert_eq!(cmd("watch a b c"), Command::Watch { key: b("a"), range_end: b(""), start_revision: 0, prev_kv: false });
    assert_eq!(error("watch"), "Error: bad number of arguments");
    assert_eq!(error("watch a --prefix b"), "Error: `range_end` and `--prefix` are mutually exclusive");
}

#[test]
fn lease_commands() {
    assert_eq!(cmd("lease grant 100"), Command::LeaseGrant { ttl_secs: 100 });
    assert_eq!(cmd("lease revoke 2040a201a10e1315"), Command::LeaseRevoke { id: 0x2040a201a10e1315 });
    assert_eq!(cmd("lease keep-alive --once 694d"), Command::LeaseKeepAlive { id: 0x694d, once: true });
    assert_eq!(cmd("lease timetolive 694d --keys"), Command::LeaseTimeToLive { id: 0x694d, keys: true });
    assert_eq!(cmd("lease list"), Command::LeaseList);
    assert_eq!(error("lease grant"), "Error: lease grant command needs TTL argument");
    assert_eq!(error("lease grant abc"), "Error: bad TTL (strconv.ParseInt: parsing \"abc\": invalid syntax)");
    assert_eq!(error("lease grant -5"), "Error: unknown shorthand flag: '5' in -5");
    assert_eq!(error("lease revoke"), "Error: lease revoke command needs 1 argument");
    assert_eq!(
        error("lease revoke zz"),
        "Error: bad lease ID arg (strconv.ParseInt: parsing \"zz\": invalid syntax), expecting ID in Hex"
    );
    assert_eq!(error("lease keep-alive"), "Error: lease keep-alive command needs lease ID as argument");
    assert_eq!(error("lease timetolive"), "Error: lease timetolive command needs lease ID as argument");
}

#[test]
fn admin_commands() {
    assert_eq!(cmd("compact 3"), Command::Compact { revision: 3, physical: false });
    assert_eq!(cmd("compaction 7 --physical"), Command::Compact { revision: 7, physical: true });
    assert_eq!(error("compact"), "Error: compaction command needs 1 argument");
    assert_eq!(error("compact abc"), "Error: strconv.ParseInt: parsing \"abc\": invalid syntax");
    assert_eq!(cmd("defrag --cluster"), Command::Defrag { cluster: true, data_dir: None });
    assert_eq!(cmd("alarm list"), Command::AlarmList);
    assert_eq!(cmd("alarm disarm"), Command::AlarmDisarm);
    assert_eq!(cmd("endpoint status --cluster -w table"), Command::EndpointStatus { cluster: true });
    assert_eq!(cmd("endpoint health"), Command::EndpointHealth { cluster: false });
    assert_eq!(cmd("member list -w table"), Command::MemberList);
    assert_eq!(
        cmd("member add d --learner --peer-urls=http://n4:2380"),
        Command::MemberAdd { name: "d".into(), peer_urls: vec!["http://n4:2380".into()], learner: true }
    );
    assert_eq!(cmd("member add n4"), Command::MemberAdd { name: "n4".into(), peer_urls: vec![], learner: false });
    assert_eq!(cmd("member promote 3cb3978bb6979c2a"), Command::MemberPromote { id: 0x3cb3978bb6979c2a });
    assert_eq!(cmd("member remove ffffffffffffffff"), Command::MemberRemove { id: u64::MAX });
    assert_eq!(error("member add"), "Error: member name not provided");
    assert_eq!(error("member add a b"), "Error: too many arguments");
    assert_eq!(error("member add x --peer-urls="), "Error: member peer urls not provided");
    assert_eq!(error("member remove"), "Error: member ID is not provided");
    assert_eq!(error("member remove 1 2"), "Error: member ID is not provided");
    assert_eq!(
        error("member promote zz"),
        "Error: bad member ID arg (strconv.ParseUint: parsing \"zz\": invalid syntax), expecting ID in Hex"
    );
    // etcdctl (types.NewURLs, before anything is sent).
    assert_eq!(error("member update 1 --peer-urls=x"), "Error: URL scheme must be http, https, unix, or unixs: x");
    assert_eq!(
        error("member update 1 --peer-urls=http://127.0.0.1"),
        "Error: URL address does not have the form \"host:port\": http://127.0.0.1"
    );
    assert_eq!(error("member update a b --peer-urls=http://n2:2380"), "Error: member ID is not provided");
    assert_eq!(error("member update 1 --peer-urls="), "Error: member peer urls not provided");
    assert_eq!(
        cmd("member update C0234BDA4E532FE --peer-urls=http://n2:2390,http://localhost:2390"),
        Command::MemberUpdate {
            id: 0xc0234bda4e532fe,
            peer_urls: vec!["http://n2:2390".into(), "http://localhost:2390".into()]
        }
    );
    assert_eq!(cmd("snapshot save s.db"), Command::SnapshotSave { file: "s.db".into() });
    assert_eq!(cmd("snapshot status s.db"), Command::SnapshotStatus { file: "s.db".into() });
    assert_eq!(
        cmd("snapshot restore s.db --name n1 --data-dir=/d"),
        Command::SnapshotRestore {
            file: "s.db".into(),
            options: SnapshotRestoreOptions {
                name: Some("n1".into()),
                data_dir: Some("/d".into()),
                ..Default::default()
            }
        }
    );
    assert_eq!(error("snapshot save"), "Error: snapshot save expects one argument");
    assert_eq!(error("snapshot status"), "Error: snapshot status requires exactly one argument");
    assert_eq!(error("snapshot restore"), "Error: snapshot restore requires exactly one argument");
}

fn mod_gt(key: &str, rev: i64) -> Compare {
    Compare { result: CompareResult::Greater, target: CompareTarget::Mod(rev), key: b(key), range_end: vec![] }
}

fn put_op(k: &str, v: &str) -> RequestOp {
    RequestOp::Put(PutRequest { key: b(k).into(), value: b(v).into(), ..Default::default() })
}

fn get_op(k: &str) -> RequestOp {
    RequestOp::Range(RangeRequest { key: b(k), ..Default::default() })
}

#[test]
fn txn_stdin_body() {
    assert_eq!(cmd("txn"), Command::TxnStdin { interactive: false });
    assert_eq!(cmd("txn -i"), Command::TxnStdin { interactive: true });
    assert_eq!(cmd("txn --interactive -w json"), Command::TxnStdin { interactive: true });
    let body = ["mod(\"x\") > \"0\"", "", "put x 10", "get x", "", "put x 0", ""];
    let want = TxnRequest {
        compare: vec![mod_gt("x", 0)],
        success: vec![put_op("x", "10"), get_op("x")],
        failure: vec![put_op("x", "0")],
    };
    assert_eq!(parse_txn_body(&body).unwrap(), want);
    // Missing trailing blank lines end the sections.
    assert_eq!(parse_txn_body(&body[..6]).unwrap(), want);
    assert_eq!(
        parse_txn_body(&["  m(\"x\")  >  \"0\"  ", "", "  put   x 10  ", "", ""]).unwrap(),
        TxnRequest { compare: vec![mod_gt("x", 0)], success: vec![put_op("x", "10")], failure: vec![] }
    );

    let mut builder = TxnBuilder::new();
    assert_eq!(builder.prompt(), Some("compares:"));
    assert_eq!(builder.push_line("version(\"nokey\") = \"0\"").unwrap(), None);
    assert_eq!(builder.push_line("").unwrap(), None);
    assert_eq!(builder.prompt(), Some("success requests (get, put, del):"));
    assert_eq!(builder.push_line("put lock a").unwrap(), None);
    assert_eq!(builder.push_line("").unwrap(), None);
    let done = builder.push_line("").unwrap().unwrap();
    assert_eq!(done.compare[0].target, CompareTarget::Version(0));
    assert_eq!(done.compare[0].result, CompareResult::Equal);
    assert!(builder.is_complete());
}

#[test]
fn txn_compares() {
    let c = txn::parse_compare("value(\"k\") != \"v 1\"").unwrap();
    assert_eq!((c.target, c.result), (CompareTarget::Value(b("v 1")), CompareResult::NotEqual));
    let c = txn::parse_compare("create(\"k\") < \"5\"").unwrap();
    assert_eq!(c.target, CompareTarget::Create(5));
    let c = txn::parse_compare("lease(\"k\") = \"694d\"").unwrap();
    assert_eq!((c.target, c.key), (CompareTarget::Lease(0x694d), b("k")));
    let c = txn::parse_compare("val(\"a\\\"b\\x00\") = `raw`").unwrap();
    assert_eq!((c.key, c.target), (b("a\"b\0"), CompareTarget::Value(b("raw"))));
    // etcdctl texts:
    let e = |l: &str| txn::parse_compare(l).unwrap_err().message;
    assert_eq!(e("mod(x) > \"0\""), "Error: malformed comparison: mod(x) > \"0\"; got mod(\"\")  \"\"");
    assert_eq!(e("mod(\"x\")>\"0\""), "Error: malformed comparison: mod(\"x\")>\"0\"; got mod(\"x\")  \"\"");
    assert_eq!(e("mod(\"x\") > 0"), "Error: malformed comparison: mod(\"x\") > 0; got mod(\"x\") > \"\"");
    assert_eq!(e("mod(\"x\") > \"a\""), "Error: invalid txn compare request: mod(\"x\") > \"a\"");
    assert_eq!(e("foo(\"x\") > \"0\""), "Error: malformed comparison: foo(\"x\") > \"0\" (unknown target foo)");
    assert_eq!(e("modx > 0"), "Error: malformed comparison: modx > 0");
    // etcdctl 3.4 panics here; we explain.
    assert_eq!(
        e("value(\"x\") == \"1\""),
        "Error: malformed comparison: value(\"x\") == \"1\" (unknown operator \"==\"; use =, !=, > or <)"
    );
}

#[test]
fn txn_op_errors_match_etcdctl() {
    let e = |l: &str| parse_txn_body(&["", l, "", ""]).unwrap_err().message;
    assert_eq!(e("put x"), "Error: put command needs 1 argument and input from stdin or 2 arguments");
    assert_eq!(e("frob x y"), "Error: invalid txn request: frob x y");
    assert_eq!(e("get"), "Error: invalid txn compare request: get");
    assert_eq!(e("get x --foo"), "Error: invalid txn request: get x --foo");
    assert_eq!(e("get x -w json"), "Error: invalid txn request: get x -w json");
    assert_eq!(
        e("put x y --lease=zz"),
        "Error: bad lease ID (strconv.ParseInt: parsing \"zz\": invalid syntax), expecting ID in Hex"
    );
    let ok = parse_txn_body(&["", "del x --prefix", "get 'a b'", "", ""]).unwrap();
    assert_eq!(
        ok.success,
        vec![
            RequestOp::DeleteRange(DeleteRangeRequest { key: b("x"), range_end: b("y"), prev_kv: false }),
            get_op("a b"),
        ]
    );
}

#[test]
fn txn_one_line() {
    let want = TxnRequest {
        compare: vec![mod_gt("x", 0)],
        success: vec![put_op("x", "10"), get_op("x")],
        failure: vec![put_op("x", "0")],
    };
    assert_eq!(cmd(r#"txn 'mod("x") > "0"' then 'put x 10' 'get x' else 'put x 0'"#), Command::Txn(want.clone()));
    assert_eq!(cmd(r#"txn 'mod("x") > "0"' then put x 10 get x else put x 0"#), Command::Txn(want));
    assert_eq!(
        cmd("txn then del x --prefix -w json"),
        Command::Txn(TxnRequest {
            compare: vec![],
            success: vec![RequestOp::DeleteRange(DeleteRangeRequest {
                key: b("x"),
                range_end: b("y"),
                prev_kv: false
            })],
            failure: vec![],
        })
    );
    assert_eq!(
        error(r#"txn 'mod("x") > "0"' 'put x 1'"#),
        r#"Error: a one-line txn needs "then", e.g. txn 'mod("x") > "0"' then 'put x 10' else 'put x 0'"#
    );
    assert_eq!(
        error(r#"txn mod("x") > "0" then put x 1"#),
        r#"Error: quote each txn comparison as one word, e.g. txn 'mod("x") > "0"' then 'put x 10' else 'put x 0'"#
    );
    assert_eq!(error("txn then x 1"), "Error: a txn op starts with put, get or del, got \"x\"");
    assert!(error("txn then put x 1 then put y 2").starts_with("Error: unexpected \"then\" in txn"));
    assert_eq!(error("txn then put x"), "Error: put command needs 1 argument and input from stdin or 2 arguments");
}

#[test]
fn quoting() {
    assert_eq!(range(r#"get "a b""#).key, b("a b"));
    assert_eq!(range(r#"get 'a"b'"#).key, b("a\"b"));
    assert_eq!(range(r#"get "a\"b\\c\d""#).key, b("a\"b\\c\\d"));
    assert_eq!(range(r"get a\ b").key, b("a b"));
    assert_eq!(range(r#"get pre"fix"ed"#).key, b("prefixed"));
    let e = parse_line("put x 'oops").unwrap_err();
    assert_eq!(e.message, "Error: unterminated quote (') starting at column 7");
    assert_eq!(e.column, Some(7));
}

fn n(i: u64) -> NodeRef {
    NodeRef::Id(i)
}

#[test]
fn lab_nodes_and_links() {
    assert_eq!(lab("kill n2"), LabCommand::Kill(n(2)));
    assert_eq!(lab("kill leader"), LabCommand::Kill(NodeRef::Leader));
    assert_eq!(lab("restart n9"), LabCommand::Restart(n(9)));
    assert_eq!(lab("start n1"), LabCommand::Start(n(1)));
    assert_eq!(lab("isolate leader"), LabCommand::Isolate(NodeRef::Leader));
    assert_eq!(lab("campaign n3"), LabCommand::Campaign(n(3)));
    assert_eq!(lab("transfer n3"), LabCommand::Transfer(n(3)));
    assert_eq!(error("kill n12"), "Error: unknown node \"n12\": nodes are n1 to n9");
    assert_eq!(error("kill n0"), "Error: unknown node \"n0\": nodes are n1 to n9");
    assert_eq!(error("kill n01"), "Error: unknown node \"n01\": nodes are n1 to n9");
    assert_eq!(error("kill"), "Error: kill needs an argument; usage: kill <node>, e.g. \"kill n2\" or \"kill leader\"");
    assert_eq!(
        error("kill n1 n2"),
        "Error: kill takes one argument; usage: kill <node>, e.g. \"kill n2\" or \"kill leader\""
    );
    let one = |a, b| Link { from: n(a), to: n(b), both_ways: false };
    let both = |a, b| Link { from: n(a), to: n(b), both_ways: true };
    assert_eq!(lab("cut n1->n2"), LabCommand::Cut(one(1, 2)));
    assert_eq!(lab("cut n1<-n2"), LabCommand::Cut(one(2, 1)));
    assert_eq!(lab("cut n1<->n2"), LabCommand::Cut(both(1, 2)));
    assert_eq!(lab("cut n1-n2"), LabCommand::Cut(both(1, 2)));
    assert_eq!(lab("restore n3->n1"), LabCommand::Restore(one(3, 1)));
    assert_eq!(error("cut n1>n2"), "Error: bad link \"n1>n2\": write n1->n2 (one way) or n1<->n2 (both ways)");
    assert_eq!(error("cut n1->n1"), "Error: a link joins two different nodes, got \"n1->n1\"");
    assert_eq!(error("cut n1->n10"), "Error: unknown node \"n10\": nodes are n1 to n9");
    assert_eq!(lab("heal"), LabCommand::Heal);
    assert_eq!(error("heal now"), "Error: heal takes no arguments; usage: heal");
}

#[test]
fn lab_partitions() {
    assert_eq!(lab("partition n1,n2 n3,n4,n5"), LabCommand::Partition(vec![vec![n(1), n(2)], vec![n(3), n(4), n(5)]]));
    assert_eq!(
        error("partition n1,n2"),
        "Error: partition needs at least two groups, e.g. \"partition n1,n2 n3,n4,n5\""
    );
    assert_eq!(error("partition"), "Error: partition needs at least two groups, e.g. \"partition n1,n2 n3,n4,n5\"");
    assert_eq!(
        error("partition n1,n2 n2,n3"),
        "Error: n2 appears twice in the partition; each node belongs to one group"
    );
    assert_eq!(
        error("partition n1,,n2 n3"),
        "Error: empty node name in partition group \"n1,,n2\": separate nodes with single commas, e.g. \"n1,n2\""
    );
    assert_eq!(error("partition n1 n3,x"), "Error: unknown node \"x\": nodes are n1 to n9");
}

#[test]
fn lab_messages_and_time() {
    assert_eq!(lab("drop 12"), LabCommand::DropMessage { id: 12 });
    assert_eq!(lab("drop #12"), LabCommand::DropMessage { id: 12 });
    assert_eq!(
        lab("drop n1->n2 25%"),
        LabCommand::DropLink { link: Link { from: n(1), to: n(2), both_ways: false }, probability_ppm: 250_000 }
    );
    assert_eq!(
        lab("drop n1<->n2 12.5%"),
        LabCommand::DropLink { link: Link { from: n(1), to: n(2), both_ways: true }, probability_ppm: 125_000 }
    );
    assert_eq!(
        lab("drop n1->n2 100%"),
        LabCommand::DropLink { link: Link { from: n(1), to: n(2), both_ways: false }, probability_ppm: 1_000_000 }
    );
    assert_eq!(
        error("drop n1->n2 150%"),
        "Error: bad drop probability \"150%\": write a percentage from 0% to 100%, e.g. \"25%\""
    );
    assert_eq!(lab("delay 7 300ms"), LabCommand::DelayMessage { id: 7, delay_ms: 300 });
    assert_eq!(
        lab("delay n2->n3 1.5s"),
        LabCommand::DelayLink { link: Link { from: n(2), to: n(3), both_ways: false }, delay_ms: 1500 }
    );
    assert_eq!(lab("duplicate m4"), LabCommand::Duplicate { id: 4 });
    assert_eq!(lab("latency 10ms 5"), LabCommand::Latency { base_ms: 10, jitter_ms: 5 });
    assert_eq!(lab("latency 1m"), LabCommand::Latency { base_ms: 60_000, jitter_ms: 0 });
    assert_eq!(lab("tick"), LabCommand::Tick(1));
    assert_eq!(lab("tick 10"), LabCommand::Tick(10));
    assert_eq!(lab("step"), LabCommand::Step(1));
    assert_eq!(lab("run 5s"), LabCommand::Run { duration_ms: 5000 });
    assert_eq!(lab("run 1m30s"), LabCommand::Run { duration_ms: 90_000 });
    assert_eq!(lab("run 250"), LabCommand::Run { duration_ms: 250 });
    assert_eq!(
        error("run 5x"),
        "Error: bad duration \"5x\": unknown unit \"x\" in duration \"5x\"; write e.g. \"500ms\", \"1.5s\" or \"2m\" (a bare number is ms)"
    );
    assert_eq!(
        error("run 1.5"),
        "Error: bad duration \"1.5\": the lab counts whole milliseconds; write e.g. \"500ms\", \"1.5s\" or \"2m\" (a bare number is ms)"
    );
    assert_eq!(error("run"), "Error: run needs an argument; usage: run <duration>, e.g. \"run 1.5s\" or \"run 500ms\"");
    assert_eq!(error("tick x"), "Error: tick needs a whole number, got \"x\"; usage: tick [count], e.g. \"tick 10\"");
    assert_eq!(lab("status"), LabCommand::Status);
    assert_eq!(lab("leader"), LabCommand::Leader);
    assert_eq!(lab("trace-hash"), LabCommand::TraceHash);
    assert_eq!(lab("history"), LabCommand::History);
    assert_eq!(lab("lab history"), LabCommand::History);
    assert_eq!(lab("lab kill n2"), LabCommand::Kill(NodeRef::Id(2)));
    assert_eq!(error("history x"), "Error: history takes no arguments; usage: history");
    assert_eq!(error("lab get x"), "Error: unknown command \"lab\" for \"etcdctl\"");
}

#[test]
fn completion_candidates() {
    assert_eq!(completions("le"), vec!["leader", "lease"]);
    assert_eq!(completions("lease t"), vec!["lease timetolive"]);
    assert_eq!(completions("get x --pre"), vec!["get x --prefix"]);
    assert_eq!(completions("get x --re"), vec!["get x --rev="]);
    assert!(completions("").contains(&"partition".to_string()));
    assert!(completions("member ").contains(&"member add".to_string()));
}

proptest! {
    #[test]
    fn arbitrary_text_never_panics(line in ".{0,80}") {
        if let Err(e) = parse_line(&line) {
            prop_assert!(!e.message.is_empty());
            prop_assert!(!e.message.contains('\n'));
        }
        let _ = completions(&line);
        let lines: Vec<&str> = line.split('|').collect();
        if let Err(e) = parse_txn_body(&lines) {
            prop_assert!(!e.message.is_empty());
        }
    }

    #[test]
    fn vocabulary_sequences_never_panic(words in prop::collection::vec(prop::sample::select(crate::console::vocabulary::WORDS), 0..8)) {
        let line = words.join(" ");
        if let Err(e) = parse_line(&line) {
            prop_assert!(!e.message.is_empty());
            prop_assert!(!e.message.contains('\n'));
        }
        let _ = completions(&line);
    }
}

#[test]
fn command_lines_as_notes_hold_them() {
    // Leading assignments are the command's environment; `etcdctl` is optional.
    let l = parse_line("ETCDCTL_API=3 etcdctl member list -w table").unwrap();
    assert_eq!((l.command, l.globals.write_out), (Command::MemberList, OutputFormat::Table));
    let l = parse_line("ETCDCTL_ENDPOINTS=http://n2:2379,n3 ETCDCTL_WRITE_OUT=json get x").unwrap();
    assert_eq!(l.globals.endpoints, vec!["http://n2:2379".to_string(), "n3".to_string()]);
    assert_eq!(l.globals.write_out, OutputFormat::Json);
    // Exported variables count as well; the line's own assignment wins over them.
    let exported = vec![("ETCDCTL_WRITE_OUT".to_string(), "table".to_string())];
    assert_eq!(parse_line_with("endpoint status", &exported).unwrap().globals.write_out, OutputFormat::Table);
    assert_eq!(
        parse_line_with("ETCDCTL_WRITE_OUT=json endpoint status", &exported).unwrap().globals.write_out,
        OutputFormat::Json
    );
    // etcdctl 3.4.23: a flag that shadows its variable is fatal.
    let exported = vec![("ETCDCTL_ENDPOINTS".to_string(), "n2".to_string())];
    assert_eq!(
        parse_line_with("get x --endpoints=n1", &exported).unwrap_err().message,
        "C | pkg/flags: conflicting environment variable \"ETCDCTL_ENDPOINTS\" is shadowed by corresponding command-line flag (either unset environment variable or disable flag)"
    );
    // etcdctl 3.4.23's main: unset, empty or 3 is v3; 2 is the v2 client; else refused.
    assert_eq!(parse_line("ETCDCTL_API= get x").unwrap().command, cmd("get x"));
    assert_eq!(
        parse_line("ETCDCTL_API=2 etcdctl ls /").unwrap().command,
        Command::V2 { args: vec!["ls".into(), "/".into()] }
    );
    assert_eq!(error("ETCDCTL_API=3.4 etcdctl get x"), "unsupported API version 3.4");
    assert_eq!(
        error("ETCDCTL_COMMAND_TIMEOUT=soon get x"),
        "Error: invalid argument \"soon\" for \"--command-timeout\" flag: time: invalid duration \"soon\""
    );
    // Shell words around etcdctl.
    assert_eq!(
        cmd("export ETCDCTL_API=3 ETCDCTL_ENDPOINTS=n2"),
        Command::Export(vec![("ETCDCTL_API".into(), "3".into()), ("ETCDCTL_ENDPOINTS".into(), "n2".into())])
    );
    assert_eq!(cmd("unset ETCDCTL_API"), Command::Unset(vec!["ETCDCTL_API".into()]));
    assert_eq!(cmd("ETCDCTL_API=3"), Command::ShellAssign(vec![("ETCDCTL_API".into(), "3".into())]));
    // Every global flag of etcdctl 3.4; the TLS ones and https:// mark the line for the note.
    let l = parse_line(
        "etcdctl --endpoints=https://127.0.0.1:2379 --cacert=/c --cert=/a --key=/k --dial-timeout=3s --keepalive-time=2s --keepalive-timeout=6s --insecure-transport=false --insecure-skip-tls-verify --insecure-discovery --discovery-srv-name=x --user=root:pw --password=pw --hex --debug endpoint health",
    )
    .unwrap();
    assert_eq!(l.command, Command::EndpointHealth { cluster: false });
    assert!(l.globals.tls && l.globals.hex);
    assert!(!parse_line("get x --endpoints=http://n1:2379").unwrap().globals.tls);
    // v2's TLS flags are v2's: etcdctl v3 does not know them.
    assert_eq!(error("get x --ca-file=/c"), "Error: unknown flag: --ca-file");
}

#[test]
fn lock_elect_move_leader_hashkv_and_check_perf() {
    // Texts from etcdctl 3.4.23.
    assert_eq!(cmd("lock mylock"), Command::Lock { name: "mylock".into(), ttl_secs: 10 });
    assert_eq!(cmd("lock --ttl=30 mylock"), Command::Lock { name: "mylock".into(), ttl_secs: 30 });
    assert_eq!(error("lock"), "Error: lock takes a lock name argument and an optional command to execute");
    assert_eq!(cmd("elect e1 p1"), Command::Elect { name: "e1".into(), proposal: Some("p1".into()) });
    assert_eq!(cmd("elect -l e1"), Command::Elect { name: "e1".into(), proposal: None });
    assert_eq!(error("elect"), "Error: elect takes one election name argument and an optional proposal argument");
    assert_eq!(
        error("elect e1 p1 p2"),
        "Error: elect takes one election name argument and an optional proposal argument"
    );
    assert_eq!(error("elect e1"), "Error: no proposal argument but -l not set");
    assert_eq!(error("elect -l e1 p1"), "Error: proposal given but -l is set");
    assert_eq!(error("elect --ttl=5 e1 p1"), "Error: unknown flag: --ttl");
    assert_eq!(cmd("move-leader 611C8D2CC8ACB42D"), Command::MoveLeader { target: 0x611c8d2cc8acb42d });
    assert_eq!(error("move-leader"), "Error: move-leader command needs 1 argument");
    assert_eq!(error("move-leader 1 2"), "Error: move-leader command needs 1 argument");
    assert_eq!(error("move-leader 0x1"), "Error: strconv.ParseUint: parsing \"0x1\": invalid syntax");
    assert_eq!(cmd("endpoint hashkv --rev=5 foo"), Command::EndpointHashKv { cluster: false, revision: 5 });
    assert_eq!(
        error("endpoint hashkv --rev=abc"),
        "Error: invalid argument \"abc\" for \"--rev\" flag: strconv.ParseInt: parsing \"abc\": invalid syntax"
    );
    let perf = |rate, clients| Command::CheckPerf {
        rate,
        clients,
        prefix: "/etcdctl-check-perf/".into(),
        auto_compact: false,
        auto_defrag: false,
    };
    assert_eq!(cmd("check perf"), perf(150, 50));
    assert_eq!(cmd("check perf --load=medium"), perf(1000, 200));
    assert_eq!(cmd("check perf --load=xLarge"), perf(15000, 1000));
    assert_eq!(error("check perf --load=bogus"), "Error: unknown load option bogus");
    assert_eq!(error("user add root"), "Error: the lab has no authentication (user, role and auth are not simulated)");
}

#[test]
fn kube_lines_have_kubectls_flags_not_etcdctls() {
    use crate::kube::{KubeCommand, KubeOutput, Resource, Target};
    let l = parse_line("kube get pods -n kube-system -w").unwrap();
    assert_eq!(
        l.command,
        Command::Lab(LabCommand::Kube(KubeCommand::Get {
            res: Resource::Pods,
            target: Target::Namespace("kube-system".into()),
            output: KubeOutput::Table,
            watch: true,
            resource_version: None,
        }))
    );
    assert_eq!(l.globals, Globals::default(), "-w is kubectl's --watch here, not etcdctl's -w");
    assert!(matches!(
        parse_line("lab kube compact").unwrap().command,
        Command::Lab(LabCommand::Kube(KubeCommand::Compact))
    ));
    let e = parse_line("kube get pods -o xml").unwrap_err();
    assert!(e.message.starts_with("Error: kube get: output format \"xml\""), "{}", e.message);
    assert!(crate::console::parse::completions("kube ").contains(&"kube informer".to_string()));
}

//! Golden runs: what a saved share link, a saved Run JSON and a built-in lesson mean must
//! not change by accident.
//!
//! The share link's postcard body is positional: an `Action` travels as its variant's index,
//! so reordering the enum (or inserting a variant anywhere but at the end) silently changes
//! what every link already shared means. `tests/testdata/golden/` holds, for every variant
//! of `engine::Action`, a small run that uses it, as a share link (`<Variant>.link`) and as
//! Run JSON (`<Variant>.json`), with the trace hash its replay must reach (`hashes.txt`);
//! `variants.txt` fixes the variants' order; `v1-kill.link` is a format-version-1 link (the
//! config layout before version 2); `lessons.txt` holds the trace hash each built-in
//! lesson reaches when played headless. A test here fails when any of them changes, and when
//! a variant has no golden run (`kind` below lists every variant, so a new one does not
//! compile until it is given a name and a scenario).
//!
//! Only a deliberate change may rewrite these files (see the contract in
//! `src/lab/share.rs`): `RAFTLAB_REWRITE=1 cargo test --test golden` rewrites them from
//! what the lab does now. A changed trace hash of a run whose actions are unchanged means
//! the engine now plays old links differently; say so in the commit.

use std::collections::BTreeMap;
use std::path::PathBuf;

use raftlab::console::session::Session;
use raftlab::engine::{Action, ClusterConfig, Run, TraceMode};
use raftlab::lab::share;
use raftlab::lesson::{self, index, run};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/testdata/golden")
}

fn rewrite() -> bool {
    std::env::var("RAFTLAB_REWRITE").is_ok_and(|v| v == "1")
}

fn read(name: &str) -> String {
    let path = dir().join(name);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (RAFTLAB_REWRITE=1 cargo test --test golden writes it)", path.display()))
}

fn write(name: &str, text: &str) {
    let path = dir().join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
}

/// Every variant's name, as serde (and so postcard) sees it: its position in this list is
/// the number a share link stores.
fn kind(a: &Action) -> &'static str {
    // No wildcard: a new variant must be named here, and then needs a scenario and files.
    match a {
        Action::Kill(_) => "Kill",
        Action::Restart(_) => "Restart",
        Action::Partition(_) => "Partition",
        Action::Cut { .. } => "Cut",
        Action::Restore { .. } => "Restore",
        Action::Heal => "Heal",
        Action::DropMessage(_) => "DropMessage",
        Action::DeliverMessage(_) => "DeliverMessage",
        Action::DelayMessage { .. } => "DelayMessage",
        Action::DuplicateMessage(_) => "DuplicateMessage",
        Action::LinkDropRate { .. } => "LinkDropRate",
        Action::LinkDuplicateRate { .. } => "LinkDuplicateRate",
        Action::LinkDelay { .. } => "LinkDelay",
        Action::SetLatency { .. } => "SetLatency",
        Action::Tick(_) => "Tick",
        Action::Advance(_) => "Advance",
        Action::Step => "Step",
        Action::Campaign(_) => "Campaign",
        Action::TransferLeader(_) => "TransferLeader",
        Action::Client { .. } => "Client",
        Action::AwaitReply { .. } => "AwaitReply",
        Action::RestoreSnapshot { .. } => "RestoreSnapshot",
        Action::RestoreSnapshotWithToken { .. } => "RestoreSnapshotWithToken",
        Action::DiskDelay { .. } => "DiskDelay",
        Action::RestoreMember { .. } => "RestoreMember",
        Action::StartFrom { .. } => "StartFrom",
        Action::KubeCompactor { .. } => "KubeCompactor",
    }
}

/// The variant names in declaration order, read from `Action`'s own `Deserialize` (which
/// hands its variant list to the deserializer), so the list cannot drift from the enum.
fn variants() -> &'static [&'static str] {
    use serde::de::{value::Error, Error as _, Visitor};
    struct Probe<'a>(&'a mut &'static [&'static str]);
    impl<'de> serde::Deserializer<'de> for Probe<'_> {
        type Error = Error;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Error> {
            Err(Error::custom("not an enum"))
        }
        fn deserialize_enum<V: Visitor<'de>>(
            self,
            _: &'static str,
            variants: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Error> {
            *self.0 = variants;
            Err(Error::custom("probed"))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            option unit unit_struct newtype_struct seq tuple tuple_struct map struct identifier
            ignored_any
        }
    }
    let mut names: &'static [&'static str] = &[];
    let _ = <Action as serde::Deserialize>::deserialize(Probe(&mut names));
    assert!(!names.is_empty(), "Action is deserialized as an enum");
    names
}

/// One in-flight message's id, stepping the cluster until there is one.
fn in_flight(s: &mut Session) -> u64 {
    for _ in 0..1_000 {
        if let Some(m) = s.cluster().in_flight().first() {
            return m.id;
        }
        s.apply(Action::Step).unwrap();
    }
    panic!("no message in flight after 1000 steps");
}

fn lines(s: &mut Session, lines: &[&str]) {
    for line in lines {
        let out = s.run_line(line);
        assert!(out.stderr.is_empty(), "{line}: {}\n{}", out.stderr, s.run_line("status").stdout);
    }
}

/// A short run that uses `variant` at least once, on 3 members, seed 7; built through the
/// console where it has a command, so the runs look like the ones learners share.
fn scenario(variant: &str) -> Run {
    let mut s = Session::new(ClusterConfig::with_nodes(3, 7)).unwrap();
    lines(&mut s, &["run 3s"]);
    let restore = "snapshot restore s.db --name n1 --initial-cluster n1=http://n1:2380,n2=http://n2:2380,n3=http://n3:2380 --initial-cluster-token t2 --initial-advertise-peer-urls http://n1:2380";
    match variant {
        "Kill" => lines(&mut s, &["kill leader", "run 3s", "put x 1 --endpoints=n2,n3"]),
        "Restart" => lines(&mut s, &["kill n2", "run 1s", "restart n2", "run 1s"]),
        "Partition" => lines(&mut s, &["partition n1 n2,n3", "run 3s", "put x 1 --endpoints=n2"]),
        "Cut" => lines(&mut s, &["cut n1<->n2", "run 3s"]),
        "Restore" => lines(&mut s, &["cut n1->n2", "run 3s", "restore n1->n2", "run 1s"]),
        "Heal" => lines(&mut s, &["isolate n1", "run 3s", "heal", "run 1s"]),
        "DropMessage" => {
            let id = in_flight(&mut s);
            lines(&mut s, &[&format!("drop {id}"), "run 1s"]);
        }
        "DeliverMessage" => {
            let id = in_flight(&mut s);
            s.apply(Action::DeliverMessage(id)).unwrap();
            lines(&mut s, &["run 1s"]);
        }
        "DelayMessage" => {
            let id = in_flight(&mut s);
            lines(&mut s, &[&format!("delay {id} 300ms"), "run 1s"]);
        }
        "DuplicateMessage" => {
            let id = in_flight(&mut s);
            lines(&mut s, &[&format!("duplicate {id}"), "run 1s"]);
        }
        "LinkDropRate" => lines(&mut s, &["drop n1<->n2 50%", "put x 1", "run 2s"]),
        "LinkDuplicateRate" => lines(&mut s, &["duplicate n1->n2 30%", "put x 1", "run 2s"]),
        "LinkDelay" => lines(&mut s, &["delay n1->n3 80ms", "put x 1", "run 1s"]),
        "SetLatency" => lines(&mut s, &["latency 20ms 5ms", "put x 1", "run 1s"]),
        "Tick" => lines(&mut s, &["tick 25"]),
        "Advance" => lines(&mut s, &["run 1.5s"]),
        "Step" => lines(&mut s, &["step 40"]),
        "Campaign" => lines(&mut s, &["campaign n3", "run 2s"]),
        "TransferLeader" => {
            let leader = s.cluster().leader().expect("a leader after 3s");
            let to = if leader == 3 { 2 } else { 3 };
            lines(&mut s, &[&format!("transfer n{to}"), "run 2s"]);
        }
        "Client" | "AwaitReply" => lines(&mut s, &["put x 1", "get x", "del x"]),
        "RestoreSnapshot" => lines(&mut s, &["put x 1", "snapshot save s.db", "snapshot restore s.db", "run 3s"]),
        "RestoreSnapshotWithToken" => lines(
            &mut s,
            &["put x 1", "snapshot save s.db", "snapshot restore s.db --initial-cluster-token t2", "run 3s"],
        ),
        "DiskDelay" => lines(&mut s, &["disk n2 300ms", "put x 1", "run 1s"]),
        "RestoreMember" | "StartFrom" => lines(
            &mut s,
            &[
                "put x 1",
                "snapshot save s.db",
                restore,
                &restore
                    .replace("n1 --initial-cluster n1", "n2 --initial-cluster n1")
                    .replace("peer-urls http://n1", "peer-urls http://n2"),
                &restore
                    .replace("n1 --initial-cluster n1", "n3 --initial-cluster n1")
                    .replace("peer-urls http://n1", "peer-urls http://n3"),
                "kill n1",
                "kill n2",
                "kill n3",
                "start n1 --data-dir=n1.etcd",
                "start n2 --data-dir=n2.etcd",
                "start n3 --data-dir=n3.etcd",
                "run 3s",
                "get x",
            ],
        ),
        "KubeCompactor" => {
            lines(&mut s, &["kube create configmap a", "kube compactor 5s", "kube label configmap a x=1", "run 12s"])
        }
        _ => panic!("no scenario for Action::{variant}: add one to tests/golden.rs"),
    }
    Run::of(s.cluster())
}

fn hash_of(run: &Run, what: &str) -> u64 {
    run.replay(TraceMode::HashOnly)
        .unwrap_or_else(|e| panic!("{what}: the golden run no longer replays: {e}"))
        .trace_hash()
}

fn parse_hashes(text: &str) -> BTreeMap<String, u64> {
    text.lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (name, hash) = l.split_once(' ').unwrap_or_else(|| panic!("bad hashes line {l:?}"));
            (name.to_string(), u64::from_str_radix(hash.trim(), 16).unwrap())
        })
        .collect()
}

fn render_hashes(header: &str, hashes: &BTreeMap<String, u64>) -> String {
    let mut out = format!("# {header}\n");
    for (name, h) in hashes {
        out.push_str(&format!("{name} {h:016x}\n"));
    }
    out
}

#[test]
fn the_action_variants_keep_their_order() {
    let now: String = variants().iter().enumerate().map(|(i, v)| format!("{i} {v}\n")).collect();
    if rewrite() {
        write("variants.txt", &now);
    }
    assert_eq!(
        now,
        read("variants.txt"),
        "Action's variants moved: postcard stores a variant by its position, so every share \
         link already made would now mean something else. Add new variants at the end."
    );
}

#[test]
fn every_action_variant_has_a_golden_link_and_run_that_replay_to_their_hash() {
    if rewrite() {
        let mut hashes = BTreeMap::new();
        for v in variants() {
            let run = scenario(v);
            write(&format!("actions/{v}.link"), &format!("{}\n", share::encode(&run)));
            write(&format!("actions/{v}.json"), &format!("{}\n", serde_json::to_string_pretty(&run).unwrap()));
            hashes.insert(v.to_string(), hash_of(&run, v));
        }
        write("hashes.txt", &render_hashes("Action variant -> trace hash of its golden run's replay", &hashes));
    }
    let hashes = parse_hashes(&read("hashes.txt"));
    assert_eq!(hashes.len(), variants().len(), "one hash per variant: {:?}", hashes.keys());
    for v in variants() {
        let link = read(&format!("actions/{v}.link"));
        let link = link.trim_end();
        let from_link = share::decode(link).unwrap_or_else(|e| panic!("{v}.link: {e}")).expect("a run");
        let from_json: Run =
            serde_json::from_str(&read(&format!("actions/{v}.json"))).unwrap_or_else(|e| panic!("{v}.json: {e}"));
        assert_eq!(from_link, from_json, "{v}: the link and the JSON hold the same run");
        assert_eq!(share::encode(&from_link), link, "{v}: the same run still encodes to the same link");
        assert!(
            from_link.actions.iter().any(|a| kind(a) == *v),
            "{v}: its golden run uses it ({:?})",
            from_link.actions.iter().map(kind).collect::<Vec<_>>()
        );
        assert_eq!(format!("{:016x}", hash_of(&from_link, v)), format!("{:016x}", hashes[*v]), "{v}: trace hash");
    }
}

/// The fixture `src/lab/share.rs` builds by hand: a version-1 link (3 members, seed 7, a
/// kill and a second of time), stored as text so that it is the exact link an old page made.
#[test]
fn a_version_1_link_still_replays_to_its_hash() {
    if rewrite() {
        #[derive(serde::Serialize)]
        struct V1 {
            config: [u64; 5],
            flags: [bool; 2],
            rest: [u64; 6],
            record: [bool; 2],
            actions: Vec<(u32, Action)>,
        }
        let d = ClusterConfig::default();
        let v1 = V1 {
            config: [3, 7, d.tick_ms, d.heartbeat_tick, d.election_tick],
            flags: [d.pre_vote, d.check_quorum],
            rest: [
                d.snapshot_count,
                d.snapshot_catchup_entries,
                d.quota_backend_bytes,
                d.latency_ms,
                d.jitter_ms,
                d.command_timeout_ms,
            ],
            record: [d.record_raft_log, d.record_raft_debug],
            actions: vec![(40, Action::Advance(50)), (1, Action::Kill(2)), (20, Action::Advance(50))],
        };
        let mut bytes = vec![1u8];
        bytes.extend(postcard::to_allocvec(&v1).unwrap());
        use base64::Engine as _;
        let link = format!("run={}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes));
        let run = share::decode(&link).unwrap().unwrap();
        write("v1-kill.link", &format!("{link}\n"));
        write("v1-kill.hash", &format!("{:016x}\n", hash_of(&run, "v1-kill")));
    }
    let link = read("v1-kill.link");
    assert!(link.starts_with("run=AQ"), "version byte 1");
    let run = share::decode(link.trim_end()).unwrap().expect("a run");
    assert_eq!(run.config, ClusterConfig::with_nodes(3, 7), "the version-2 settings at their defaults");
    assert_eq!(run.actions.len(), 61);
    assert_eq!(run.actions[40], Action::Kill(2));
    assert_eq!(format!("{:016x}\n", hash_of(&run, "v1-kill")), read("v1-kill.hash"));
}

#[test]
fn every_lesson_replays_to_its_recorded_hash() {
    let mut now = BTreeMap::new();
    for (path, text) in index::BUILTIN {
        let l = lesson::parse(path, text).unwrap_or_else(|e| panic!("{path}: {e:?}"));
        let r = run::run(&l).unwrap();
        now.insert(path.to_string(), r.trace_hash);
    }
    if rewrite() {
        write("lessons.txt", &render_hashes("lesson file -> trace hash after it is played headless", &now));
    }
    let golden = parse_hashes(&read("lessons.txt"));
    let changed: Vec<String> = now
        .iter()
        .filter(|(p, h)| golden.get(*p) != Some(h))
        .map(|(p, h)| format!("{p}: {h:016x}, recorded {:?}", golden.get(p).map(|g| format!("{g:016x}"))))
        .collect();
    assert!(
        changed.is_empty(),
        "lessons that now play differently (a lesson edited on purpose is recorded again with \
         RAFTLAB_REWRITE=1 cargo test --test golden; otherwise the engine changed what a \
         lesson does):\n{}",
        changed.join("\n")
    );
    assert_eq!(golden.len(), now.len(), "one recorded hash per lesson file");
}

//! No console input can panic the lab, and a line that does not parse changes nothing: the
//! trace hash before equals the hash after. Lines are drawn from the console's own
//! vocabulary (so many of them are valid and really act) mixed with arbitrary text.

use proptest::prelude::*;
use raftlab::console::parse::parse_line;
use raftlab::console::session::Session;
use raftlab::engine::ClusterConfig;

/// The console's vocabulary, shared with `raftlab fuzz-inputs`.
use raftlab::fuzz::inputs::WORDS;

fn line() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::collection::vec(prop::sample::select(WORDS), 1..6).prop_map(|w| w.join(" ")),
        1 => ".{0,40}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn console_lines_never_panic_and_bad_lines_change_nothing(lines in prop::collection::vec(line(), 1..25)) {
        let cfg = ClusterConfig { command_timeout_ms: 1_000, ..ClusterConfig::with_nodes(3, 9) };
        let mut s = Session::new(cfg).unwrap();
        for l in &lines {
            let before = s.cluster().trace_hash();
            let unparsable = !s.in_txn() && parse_line(l).is_err();
            let out = s.run_line(l);
            let _ = s.take_watch_output();
            if unparsable {
                prop_assert_eq!(s.cluster().trace_hash(), before, "line {:?} did not parse but changed the cluster", l);
                prop_assert!(out.stderr.starts_with("Error: ") || out.stderr.starts_with("Unknown help topic"), "{:?} -> {:?}", l, out);
            }
        }
    }
}

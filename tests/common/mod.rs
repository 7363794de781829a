//! Helpers shared by the console-driven integration tests: run a line, and spell what
//! etcdctl would print on stdout and stderr.

#![allow(dead_code)] // each test file uses its own subset

use raftlab::console::session::Session;

/// Runs one console line; returns (stdout, stderr).
pub fn line(s: &mut Session, l: &str) -> (String, String) {
    let o = s.run_line(l);
    (o.stdout, o.stderr)
}

/// Expected output on stdout only.
pub fn ok(out: &str) -> (String, String) {
    (out.to_string(), String::new())
}

/// Expected output on stderr only.
pub fn err(out: &str) -> (String, String) {
    (String::new(), out.to_string())
}

/// The clock as `run`/`tick` print it: `t=7s` or `t=4.111s`.
pub fn secs(ms: u64) -> String {
    if ms % 1000 == 0 {
        format!("{}s", ms / 1000)
    } else {
        format!("{}.{:03}s", ms / 1000, ms % 1000)
    }
}

//! `raftlab console`: lines from stdin (a pipe or a terminal), answers on stdout/stderr.
//!
//! Contract: each line goes to one `Session`; etcd's stdout and stderr are kept apart as
//! etcdctl keeps them. On a terminal a prompt shows the simulated time; piped input gets
//! no prompt, so transcripts stay exactly etcdctl's output.

use std::io::{BufRead, IsTerminal, Write};

use raftlab::console::session::Session;
use raftlab::engine::ClusterConfig;

pub fn run(nodes: u64, seed: u64, config: Option<std::path::PathBuf>) -> i32 {
    let mut cfg = match config {
        Some(path) => match std::fs::read_to_string(&path) {
            Ok(text) => match serde_json::from_str::<ClusterConfig>(&text) {
                Ok(c) => c,
                Err(e) => {
                    eprintln!("Error: {}:{}:{}: {e}", path.display(), e.line(), e.column());
                    return 2;
                }
            },
            Err(e) => {
                eprintln!("Error: {}: {e}", path.display());
                return 2;
            }
        },
        None => ClusterConfig::default(),
    };
    cfg.nodes = nodes;
    cfg.seed = seed;
    let mut session = match Session::new(cfg) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("Error: {e}");
            return 2;
        }
    };
    let interactive = std::io::stdin().is_terminal();
    if interactive {
        println!("Raft Lab console: {nodes} etcd members (n1..n{nodes}), seed {seed}. Type `help`; Ctrl-D quits.");
    }
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    loop {
        if interactive {
            let prompt = match session.prompt() {
                Some(p) if session.in_txn() => format!("{p} "),
                _ => format!("[t={:.1}s] $ ", session.cluster().now_ms() as f64 / 1000.0),
            };
            print!("{prompt}");
            let _ = std::io::stdout().flush();
        }
        let Some(Ok(line)) = lines.next() else { break };
        let out = session.run_line(&line);
        print!("{}", out.stdout);
        let _ = std::io::stdout().flush();
        eprint!("{}", out.stderr);
        eprint!("{}", out.note);
        print!("{}", session.take_watch_output());
        let _ = std::io::stdout().flush();
    }
    0
}

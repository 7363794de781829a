//! The watchdog that cleans up after `raftlab live` however it ends, SIGKILL included.
//!
//! Contract: `spawn` starts this same binary as `raftlab live-guard <pid>` in a process
//! group of its own (Ctrl-C in the terminal does not reach it), holding the read end of a
//! pipe whose write end only the live process has. When that process ends by any means,
//! the kernel closes the pipe. Meanwhile the pipe tells it each process group the run
//! starts and reaps (`+pgid`, `-pgid`, one per line). At the end it kills every group
//! still registered (members on loopback are in no namespace), takes the one-run lock (so
//! it never touches a later run's cluster), kills whatever still runs in the run's
//! namespaces, deletes them, removes the run's directories in the temp dir, and exits. A
//! clean exit of the live process has done all this already: the watchdog finds nothing.

use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};

use std::collections::BTreeSet;
use std::io::BufRead;

use crate::oracle::real::{clean_after_dead_run, kill_group, set_watchdog};

/// Starts the watchdog for this process.
pub fn spawn() -> Result<(), String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find raftlab itself: {e}"))?;
    let mut c = Command::new(exe);
    c.arg("live-guard")
        .arg(std::process::id().to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .process_group(0);
    let mut child = c.spawn().map_err(|e| format!("cannot start the watchdog: {e}"))?;
    // The write end must stay open exactly as long as this process lives: never closed.
    if let Some(w) = child.stdin.take() {
        set_watchdog(w);
    }
    std::mem::forget(child);
    Ok(())
}

/// The run directories a live process with this pid made (`Session::begin`'s).
fn run_dirs(pid: u32) -> Vec<std::path::PathBuf> {
    let suffix = format!("-{pid}");
    std::fs::read_dir(std::env::temp_dir())
        .map(|d| {
            d.flatten()
                .map(|e| e.path())
                .filter(|p| {
                    let n = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                    n.starts_with("raftlab-lesson-") && n.ends_with(&suffix)
                })
                .collect()
        })
        .unwrap_or_default()
}

/// `raftlab live-guard <pid>`: waits for the live process to end, then cleans up.
pub fn watch(pid: u32) -> i32 {
    let mut groups = BTreeSet::new();
    for line in std::io::stdin().lock().lines() {
        let Ok(line) = line else { break };
        match (line.get(..1), line.get(1..).and_then(|p| p.trim().parse::<i32>().ok())) {
            (Some("+"), Some(g)) if g > 1 => {
                groups.insert(g);
            }
            (Some("-"), Some(g)) => {
                groups.remove(&g);
            }
            _ => {}
        }
    }
    for g in groups {
        kill_group(g);
    }
    let cleaned = clean_after_dead_run();
    for d in run_dirs(pid) {
        let _ = std::fs::remove_dir_all(d);
    }
    match cleaned {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("raftlab live-guard: {e}");
            1
        }
    }
}

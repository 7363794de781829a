//! Cleanup on every exit path, and one real run at a time.
//!
//! Contract: every process group the real side starts is registered here until it has
//! been killed and reaped. `Session::begin` takes an exclusive lock, waiting for it if
//! another run holds it (two runs would share the namespace names and addresses), installs a Ctrl-C/SIGTERM handler once, and removes
//! what a crashed earlier run left behind. On Ctrl-C the handler kills every registered
//! group, deletes the namespaces and exits with 130; on a normal return or a panic the
//! owners' `Drop`s do the same work.

use std::collections::BTreeSet;
use std::fs::File;
use std::os::fd::AsRawFd;
use std::path::PathBuf;
use std::sync::{Mutex, Once};

use super::netns;

static GROUPS: Mutex<BTreeSet<i32>> = Mutex::new(BTreeSet::new());
/// The running scenario's directory, to say where its logs are if it is interrupted.
static RUN_DIR: Mutex<Option<PathBuf>> = Mutex::new(None);
static HANDLER: Once = Once::new();
/// Set by live mode, whose watchdog removes the run's directories after any exit.
static DIRS_GO: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// The run's directories are removed after an interrupt too (live mode's watchdog does
/// it), so the interrupt does not say they are kept.
pub fn dirs_are_removed() {
    DIRS_GO.store(true, std::sync::atomic::Ordering::Relaxed);
}
const LOCK_FILE: &str = "/run/lock/raftlab-oracle.lock";

/// The live mode's watchdog: told of every group as it is registered and unregistered,
/// so that it can kill what is left after this process dies by SIGKILL.
static WATCHDOG: Mutex<Option<std::process::ChildStdin>> = Mutex::new(None);

pub fn set_watchdog(pipe: std::process::ChildStdin) {
    if let Ok(mut w) = WATCHDOG.lock() {
        *w = Some(pipe);
    }
}

fn tell_watchdog(line: String) {
    use std::io::Write;
    if let Ok(mut w) = WATCHDOG.lock() {
        if let Some(p) = w.as_mut() {
            let _ = p.write_all(line.as_bytes());
        }
    }
}

pub fn register(pgid: i32) {
    if let Ok(mut g) = GROUPS.lock() {
        g.insert(pgid);
    }
    tell_watchdog(format!("+{pgid}\n"));
}

pub fn set_run_dir(dir: Option<PathBuf>) {
    if let Ok(mut d) = RUN_DIR.lock() {
        *d = dir;
    }
}

pub fn unregister(pgid: i32) {
    if let Ok(mut g) = GROUPS.lock() {
        g.remove(&pgid);
    }
    tell_watchdog(format!("-{pgid}\n"));
}

/// SIGKILLs a whole process group.
pub fn kill_group(pgid: i32) {
    // SAFETY: killpg(2) on a group this process created; no memory is shared.
    unsafe {
        libc::killpg(pgid, libc::SIGKILL);
    }
}

/// Sends `sig` to one process.
pub fn signal(pid: i32, sig: i32) {
    // SAFETY: kill(2) on a child of this process; no memory is shared.
    unsafe {
        libc::kill(pid, sig);
    }
}

fn on_interrupt() {
    let groups: Vec<i32> = GROUPS.lock().map(|g| g.iter().copied().collect()).unwrap_or_default();
    for g in groups {
        kill_group(g);
    }
    netns::remove_leftovers();
    let dir =
        RUN_DIR.lock().ok().and_then(|d| d.clone()).filter(|_| !DIRS_GO.load(std::sync::atomic::Ordering::Relaxed));
    match dir {
        Some(d) => eprintln!("oracle: interrupted; members killed, namespaces removed, logs kept in {}", d.display()),
        None => eprintln!("oracle: interrupted; members killed and namespaces removed"),
    }
    // `_exit`, not `exit`: this runs on the handler's thread while the others go on, and
    // `exit`'s atexit work can wait forever on a lock one of them holds (a live run was
    // seen stuck so after its cleanup). Everything worth keeping is already on disk.
    // SAFETY: _exit(2) ends the process at once; nothing after it runs.
    unsafe { libc::_exit(130) }
}

/// Held for the length of a real run.
pub struct RunLock {
    _file: File,
}

/// Takes the lock, installs the interrupt handler and clears leftovers of a crashed run.
pub fn begin() -> Result<RunLock, String> {
    let lock = lock()?;
    let mut installed = Ok(());
    HANDLER.call_once(|| {
        installed = ctrlc::set_handler(on_interrupt).map_err(|e| format!("cannot install the Ctrl-C handler: {e}"));
    });
    installed?;
    netns::remove_leftovers();
    Ok(lock)
}

/// Takes the one-run lock, waiting for another run to end; and removes what a run that
/// died left (the live mode's watchdog does this once its run has gone).
pub fn clean_after_dead_run() -> Result<(), String> {
    let _lock = lock()?;
    netns::remove_leftovers();
    Ok(())
}

/// Takes the one-run lock, waiting for another run to finish.
fn lock() -> Result<RunLock, String> {
    std::fs::create_dir_all("/run/lock").map_err(|e| format!("/run/lock: {e}"))?;
    // flock needs no write access: another user's lock file (root made it) still works.
    let file = File::open(LOCK_FILE)
        .or_else(|_| File::options().create(true).truncate(false).write(true).open(LOCK_FILE))
        .map_err(|e| format!("{LOCK_FILE}: {e}"))?;
    // SAFETY: flock(2) on a descriptor this function owns.
    let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
    if rc != 0 {
        // Another run (a lesson oracle beside a scenario recording, say) owns the
        // namespaces: wait for it rather than fail.
        eprintln!("oracle: waiting for another real run to finish ({LOCK_FILE})");
        // SAFETY: as above; this call blocks until the other holder closes its descriptor.
        let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) };
        if rc != 0 {
            return Err(format!("{LOCK_FILE}: cannot take the lock"));
        }
    }
    Ok(RunLock { _file: file })
}

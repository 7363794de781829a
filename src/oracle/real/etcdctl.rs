//! Running the real etcdctl in the client namespace: one-shot commands, and streams that
//! run until Ctrl-C.
//!
//! Contract: every etcdctl runs as `ip netns exec rl-c etcdctl …` with `ETCDCTL_API=3`,
//! in the scenario's directory (so `snapshot save s.db` lands there), in its own process
//! group registered with `guard` until it is reaped. A one-shot command that outlives its
//! timeout is killed and reported as timed out, never waited for forever. Output is read
//! on threads, so a chatty command cannot fill a pipe and stall; a stream's output so far
//! can be read while it runs (`Stream::peek`), and `stop` still returns all of it.

use std::io::{Read, Write};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::guard;
use super::netns::CLIENT_NS;

/// What one etcdctl printed and how it ended.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Captured {
    pub stdout: String,
    pub stderr: String,
    /// The exit status when it was not 0: `1`, or `signal 2`.
    pub exit: Option<String>,
    /// Seconds after which the harness killed it.
    pub timed_out: Option<u64>,
}

/// Leading `NAME=value` words are the command's environment, as a shell reads them.
fn command(dir: &Path, args: &[String]) -> Command {
    let n = args.iter().take_while(|w| crate::console::parse::is_assignment(w)).count();
    let mut c = if super::place::loopback() {
        Command::new("etcdctl")
    } else {
        let mut c = Command::new("ip");
        c.args(["netns", "exec", CLIENT_NS, "etcdctl"]);
        c
    };
    c.args(&args[n..]).env("ETCDCTL_API", "3").current_dir(dir);
    for a in &args[..n] {
        if let Some((name, value)) = a.split_once('=') {
            c.env(name, value);
        }
    }
    c.process_group(0);
    c
}

/// What a reader thread has read so far, shared with whoever peeks at it.
type Shared = Arc<Mutex<Vec<u8>>>;

/// Reads `r` to its end on a thread, appending to a buffer that can be read meanwhile.
fn reader(mut r: impl Read + Send + 'static) -> (JoinHandle<()>, Shared) {
    let buf: Shared = Arc::default();
    let sink = Arc::clone(&buf);
    let handle = std::thread::spawn(move || {
        let mut chunk = [0u8; 4096];
        loop {
            match r.read(&mut chunk) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if let Ok(mut b) = sink.lock() {
                        b.extend_from_slice(&chunk[..n]);
                    }
                }
            }
        }
    });
    (handle, buf)
}

fn text_of(buf: &Shared) -> String {
    buf.lock().map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default()
}

fn exit_words(status: std::process::ExitStatus) -> Option<String> {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(0), _) => None,
        (Some(c), _) => Some(c.to_string()),
        (None, Some(s)) => Some(format!("signal {s}")),
        (None, None) => Some("unknown".into()),
    }
}

/// A running etcdctl with its output readers.
struct Running {
    child: Child,
    pgid: i32,
    out: Option<(JoinHandle<()>, Shared)>,
    err: Option<(JoinHandle<()>, Shared)>,
}

impl Running {
    fn spawn(dir: &Path, args: &[String], stdin: Option<&str>) -> Result<Running, String> {
        let mut c = command(dir, args);
        c.stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = c.spawn().map_err(|e| format!("cannot run etcdctl: {e}"))?;
        let pgid = child.id() as i32;
        guard::register(pgid);
        if let (Some(text), Some(mut w)) = (stdin, child.stdin.take()) {
            // etcdctl reads its stdin to the end before it sends anything: write, then close.
            let _ = w.write_all(text.as_bytes());
        }
        let out = child.stdout.take().map(reader);
        let err = child.stderr.take().map(reader);
        Ok(Running { child, pgid, out, err })
    }

    /// Waits up to `timeout` for it to end by itself.
    fn wait(&mut self, timeout: Duration) -> Option<std::process::ExitStatus> {
        let start = Instant::now();
        loop {
            if let Ok(Some(st)) = self.child.try_wait() {
                return Some(st);
            }
            if start.elapsed() >= timeout {
                return None;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    fn finish(mut self, status: Option<std::process::ExitStatus>, timed_out: Option<u64>) -> Captured {
        let status = status.or_else(|| {
            guard::kill_group(self.pgid);
            self.child.wait().ok()
        });
        guard::unregister(self.pgid);
        let text = |h: Option<(JoinHandle<()>, Shared)>| match h {
            Some((handle, buf)) => {
                let _ = handle.join();
                text_of(&buf)
            }
            None => String::new(),
        };
        Captured {
            stdout: text(self.out.take()),
            stderr: text(self.err.take()),
            exit: if timed_out.is_some() { None } else { status.and_then(exit_words) },
            timed_out,
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            guard::kill_group(self.pgid);
            let _ = self.child.wait();
        }
        guard::unregister(self.pgid);
    }
}

/// Runs one etcdctl to its end (or until `timeout`, when it is killed).
pub fn run(dir: &Path, args: &[String], stdin: Option<&str>, timeout: Duration) -> Result<Captured, String> {
    let mut r = Running::spawn(dir, args, stdin)?;
    let status = r.wait(timeout);
    let timed_out = status.is_none().then_some(timeout.as_secs());
    Ok(r.finish(status, timed_out))
}

/// A background etcdctl (`watch`, `lease keep-alive`).
pub struct Stream {
    running: Running,
}

impl Stream {
    pub fn spawn(dir: &Path, args: &[String]) -> Result<Stream, String> {
        Ok(Stream { running: Running::spawn(dir, args, None)? })
    }

    /// Whether it already ended by itself (an error at start).
    pub fn ended(&mut self) -> bool {
        matches!(self.running.child.try_wait(), Ok(Some(_)))
    }

    /// What it has printed so far: (stdout, stderr).
    pub fn peek(&self) -> (String, String) {
        let read = |h: &Option<(JoinHandle<()>, Shared)>| h.as_ref().map(|(_, b)| text_of(b)).unwrap_or_default();
        (read(&self.running.out), read(&self.running.err))
    }

    /// What it has printed since the last `take` (stdout, stderr), forgotten here: a
    /// stream that runs for hours holds only what has not been read yet.
    pub fn take(&self) -> (String, String) {
        let take = |h: &Option<(JoinHandle<()>, Shared)>| {
            h.as_ref()
                .and_then(|(_, b)| {
                    b.lock().ok().map(|mut b| String::from_utf8_lossy(&std::mem::take(&mut *b)).into_owned())
                })
                .unwrap_or_default()
        };
        (take(&self.running.out), take(&self.running.err))
    }

    /// Ctrl-C, as a person ends a watch; what it printed over its whole life.
    pub fn stop(mut self) -> Captured {
        if !self.ended() {
            guard::signal(self.running.pgid, libc::SIGINT);
        }
        let status = self.running.wait(Duration::from_secs(5));
        self.running.finish(status, None)
    }
}

//! A real etcd cluster driven one command at a time, for a player that decides each next
//! step from what it sees (the lesson oracle), rather than from a fixed scenario.
//!
//! Contract: `Session::begin` checks the prerequisites, takes the one-run lock (waiting
//! for another run), builds the namespaces and starts the bootstrap members, and returns
//! at once: the members are starting, with no leader yet. Every method is one etcdctl
//! call or one fault. Dropping a `Session` on any path (an error, a panic) stops its
//! streams, kills its members and deletes its namespaces, in that order, then releases
//! the lock; Ctrl-C does the same through `guard`. `finish` removes the run's directory
//! after a good run and keeps it (member logs) otherwise.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

use super::cluster::RealCluster;
use super::etcdctl::{self, Captured, Stream};
use super::guard::{self, RunLock};
use super::ops::{self, Status, STEP_TIMEOUT};
use super::run::{prerequisites, RunError};

/// What a watcher of the real cluster (the live bridge's poller) needs to know that
/// etcdctl cannot tell it: which members exist, run, and which links are cut. Every
/// session publishes it after each change; only one real run exists at a time (`guard`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Shape {
    /// Bumped by every `Session::begin`: its namespaces are new ones.
    pub generation: u64,
    /// Members that have namespaces (bootstrap plus room for added ones); 0 when no
    /// session runs.
    pub nodes: u64,
    /// Members that have started at least once, and those running now.
    pub started: Vec<u64>,
    pub running: Vec<u64>,
    /// Peer links (a < b) that are cut.
    pub down: Vec<(u64, u64)>,
    /// When the members were started.
    pub since: Option<Instant>,
}

static SHAPE: Mutex<Shape> = Mutex::new(Shape {
    generation: 0,
    nodes: 0,
    started: Vec::new(),
    running: Vec::new(),
    down: Vec::new(),
    since: None,
});

/// The real cluster's shape as its session last published it.
pub fn shape() -> Shape {
    SHAPE.lock().map(|s| s.clone()).unwrap_or_default()
}

/// A stream and how much of its stdout and stderr has been handed out.
struct Live {
    stream: Stream,
    out: usize,
    err: usize,
}

pub struct Session {
    // Field order is drop order: streams, then members and network, then the lock.
    streams: Vec<Live>,
    cluster: RealCluster,
    _lock: RunLock,
    members: u64,
    /// The initial cluster each added member was given by `member add`.
    joins: BTreeMap<u64, String>,
    started: Instant,
    /// `etcd 3.4.23`.
    pub version: String,
}

/// New text in `s` past `*seen` bytes (on a char boundary), and moves `*seen` to its end.
fn fresh(s: &str, seen: &mut usize) -> String {
    let from = (*seen).min(s.len());
    let from = (0..=from).rev().find(|i| s.is_char_boundary(*i)).unwrap_or(0);
    *seen = s.len();
    s[from..].to_string()
}

impl Session {
    /// `members` bootstrap members, namespaces for `nodes` (members added later included),
    /// `flags` given to every member. `name` names the run's directory.
    pub fn begin(name: &str, members: u64, nodes: u64, flags: Vec<String>) -> Result<Session, RunError> {
        let plain = |message: String| RunError { message, kept: None };
        let version = prerequisites().map_err(plain)?;
        let lock = guard::begin().map_err(plain)?;
        let dir = std::env::temp_dir().join(format!("raftlab-lesson-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| plain(format!("{}: {e}", dir.display())))?;
        guard::set_run_dir(Some(dir.clone()));
        let kept = |message: String| RunError { message, kept: Some(dir.clone()) };
        let cluster = RealCluster::new(dir.clone(), nodes.max(members), members, flags).map_err(kept)?;
        let mut s = Session {
            streams: Vec::new(),
            cluster,
            _lock: lock,
            members,
            joins: BTreeMap::new(),
            started: Instant::now(),
            version,
        };
        s.cluster.boot().map_err(kept)?;
        s.started = Instant::now();
        if let Ok(mut sh) = SHAPE.lock() {
            sh.generation += 1;
        }
        s.publish();
        Ok(s)
    }

    /// Publishes this session's shape (`shape`).
    fn publish(&mut self) {
        self.cluster.reap();
        let nodes = self.cluster.nodes();
        let (started, running, down) = (self.cluster.started(), self.cluster.running(), self.cluster.down());
        if let Ok(mut s) = SHAPE.lock() {
            s.nodes = nodes;
            s.started = started;
            s.running = running;
            s.down = down;
            s.since = Some(self.started);
        }
    }

    /// Publishes the shape again: a member removed from the cluster exits by itself.
    pub fn refresh(&mut self) {
        self.publish();
    }

    /// Kills every member, deletes their data and boots a new cluster (the same ids):
    /// a fresh start, as `begin` made. Streams and added members' joins are gone.
    pub fn reboot(&mut self) -> Result<(), String> {
        self.streams.clear();
        self.joins.clear();
        self.cluster.reset()?;
        self.cluster.boot()?;
        self.started = Instant::now();
        self.publish();
        Ok(())
    }

    pub fn dir(&self) -> &Path {
        &self.cluster.dir
    }

    /// Milliseconds since the members were started.
    pub fn elapsed_ms(&self) -> u64 {
        self.started.elapsed().as_millis() as u64
    }

    pub fn running(&self) -> Vec<u64> {
        self.cluster.running()
    }

    pub fn is_running(&self, k: u64) -> bool {
        self.cluster.is_running(k)
    }

    /// One etcdctl run to its end; `args` name their endpoints with ports.
    pub fn etcdctl(&mut self, args: &[String], stdin: Option<&str>) -> Result<Captured, String> {
        etcdctl::run(self.dir(), args, stdin, STEP_TIMEOUT)
    }

    /// Remembers what `member add <name>` printed, for that member's first start.
    pub fn learn_join(&mut self, node: u64, stdout: &str) {
        let ic = stdout.lines().find_map(|l| l.strip_prefix("ETCD_INITIAL_CLUSTER=\"")?.strip_suffix('"'));
        if let Some(ic) = ic {
            self.joins.insert(node, ic.to_string());
        }
    }

    /// Starts a background etcdctl (`watch`, `lease keep-alive`).
    pub fn stream(&mut self, args: &[String]) -> Result<(), String> {
        let stream = Stream::spawn(self.dir(), args)?;
        self.streams.push(Live { stream, out: 0, err: 0 });
        Ok(())
    }

    pub fn streams(&self) -> usize {
        self.streams.len()
    }

    /// What the streams printed since the last call: (stdout, stderr), oldest stream first.
    pub fn stream_output(&mut self) -> (String, String) {
        let (mut out, mut err) = (String::new(), String::new());
        for l in &mut self.streams {
            let (o, e) = l.stream.peek();
            out.push_str(&fresh(&o, &mut l.out));
            err.push_str(&fresh(&e, &mut l.err));
        }
        (out, err)
    }

    /// What the streams printed since the last call, (stdout, stderr), read and forgotten:
    /// for a reader that never looks back (live mode), whose streams may run for hours.
    /// Not to be mixed with `stream_output` on the same session.
    pub fn drain_streams(&mut self) -> (String, String) {
        let (mut out, mut err) = (String::new(), String::new());
        for l in &mut self.streams {
            let (o, e) = l.stream.take();
            out.push_str(&o);
            err.push_str(&e);
        }
        (out, err)
    }

    /// Ctrl-C to every stream, newest first; what they printed since the last read.
    pub fn stop_streams(&mut self) -> (String, String) {
        let (mut out, mut err) = (String::new(), String::new());
        while let Some(mut l) = self.streams.pop() {
            let c = l.stream.stop();
            out.insert_str(0, &fresh(&c.stdout, &mut l.out));
            err.insert_str(0, &fresh(&c.stderr, &mut l.err));
        }
        (out, err)
    }

    pub fn kill(&mut self, k: u64) -> Result<(), String> {
        let r = self.cluster.kill(k);
        self.publish();
        r
    }

    pub fn restart(&mut self, k: u64) -> Result<(), String> {
        let r = self.cluster.restart(k);
        self.publish();
        r
    }

    /// An added member's first start, with the initial cluster its `member add` printed.
    pub fn start_added(&mut self, k: u64) -> Result<(), String> {
        let ic = self.joins.get(&k).cloned().ok_or_else(|| format!("n{k} was not added with member add"))?;
        let r = self.cluster.start_added(k, &ic);
        self.publish();
        r
    }

    /// `start nK --data-dir=D`: a stopped member starts from a restored data dir.
    pub fn start_from(&mut self, k: u64, dir: &str) -> Result<(), String> {
        let r = self.cluster.start_from(k, dir);
        self.publish();
        r
    }

    pub fn partition(&mut self, groups: &[Vec<u64>]) -> Result<(), String> {
        let r = self.cluster.net()?.partition(groups);
        self.publish();
        r
    }

    pub fn cut(&mut self, a: u64, b: u64) -> Result<(), String> {
        let r = self.cluster.net()?.cut(a, b);
        self.publish();
        r
    }

    pub fn mend(&mut self, a: u64, b: u64) -> Result<(), String> {
        let r = self.cluster.net()?.restore(a, b);
        self.publish();
        r
    }

    pub fn heal(&mut self) -> Result<(), String> {
        let r = self.cluster.net()?.heal();
        self.publish();
        r
    }

    /// `snapshot restore FILE` as an operator does it; the streams end with their members.
    pub fn restore(&mut self, file: &str) -> Result<Captured, String> {
        self.streams.clear();
        let r = ops::restore(&mut self.cluster, self.members, file);
        self.publish();
        r
    }

    /// `endpoint status` of every running member that answers.
    pub fn statuses(&self) -> Result<Vec<Status>, String> {
        ops::statuses(self.dir(), &self.running())
    }

    /// Ends the run: the directory is removed after a good run, else kept and returned.
    pub fn finish(self, ok: bool) -> Option<PathBuf> {
        let dir = self.dir().to_path_buf();
        drop(self);
        guard::set_run_dir(None);
        if ok {
            let _ = std::fs::remove_dir_all(&dir);
            None
        } else {
            Some(dir)
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        // The members and namespaces go with the fields that follow: nobody may look.
        if let Ok(mut s) = SHAPE.lock() {
            *s = Shape { generation: s.generation, ..Shape::default() };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fresh;

    #[test]
    fn fresh_text_is_handed_out_once() {
        let mut seen = 0;
        assert_eq!(fresh("PUT\nx\n", &mut seen), "PUT\nx\n");
        assert_eq!(fresh("PUT\nx\n", &mut seen), "");
        assert_eq!(fresh("PUT\nx\n1\n", &mut seen), "1\n");
    }
}

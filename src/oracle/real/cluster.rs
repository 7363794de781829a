//! The real etcd members: start, kill, restart, an added member's first start, and a
//! restore from a snapshot, each a process in its own namespace and process group.
//!
//! Contract: member K runs `etcd --name nK` in `rl-nK`, advertising `http://nK:2380` and
//! `http://nK:2379` and listening on 10.210.0.K, with `--initial-cluster-token
//! etcd-cluster`, so that its member id is what every run (and the lab) computes from
//! its peer URL. Its stdout and stderr go to `<dir>/nK.log`, kept across restarts.
//! `kill` SIGKILLs the member's process group and reaps it. Dropping the cluster kills
//! every member before the network goes.

use std::collections::BTreeMap;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use super::guard;
use super::netns::{member_ns, Network};
use super::place;

pub const TOKEN: &str = "etcd-cluster";

/// How a member joins when it starts for the first time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Join {
    /// One of the bootstrap members (`--initial-cluster-state new`).
    New,
    /// Added at run time: `--initial-cluster-state existing`, with the initial cluster
    /// `member add` printed.
    Existing { initial_cluster: String },
}

struct Proc {
    child: Child,
    pgid: i32,
}

pub struct RealCluster {
    /// The scenario's directory: data dirs, logs, snapshot files.
    pub dir: PathBuf,
    // Declared before `net`: members die before their namespaces go (see Drop too).
    running: BTreeMap<u64, Proc>,
    /// None on loopback (`place`): no network faults there.
    net: Option<Network>,
    /// The bootstrap members.
    members: u64,
    flags: Vec<String>,
    /// Every member that has started: its data dir and how it first joined.
    started: BTreeMap<u64, (PathBuf, Join)>,
    /// Restores so far; each gets fresh data dirs.
    restores: u32,
}

pub fn peer_url(k: u64) -> String {
    place::peer_url(k)
}

/// `n1=http://n1:2380,…` for members 1..=n.
pub fn initial_cluster(n: u64) -> String {
    (1..=n).map(|k| format!("n{k}={}", peer_url(k))).collect::<Vec<_>>().join(",")
}

impl RealCluster {
    /// Namespaces for `nodes` members (bootstrap plus any a scenario adds), none started.
    pub fn new(dir: PathBuf, nodes: u64, members: u64, flags: Vec<String>) -> Result<RealCluster, String> {
        let net = if place::loopback() {
            place::ports_free(nodes)?;
            None
        } else {
            Some(Network::create(nodes)?)
        };
        Ok(RealCluster { dir, running: BTreeMap::new(), net, members, flags, started: BTreeMap::new(), restores: 0 })
    }

    pub fn net(&mut self) -> Result<&mut Network, String> {
        self.net.as_mut().ok_or_else(|| {
            "the members run on loopback ports, which cannot be cut: network faults need network namespaces (root)"
                .to_string()
        })
    }

    pub fn is_running(&self, k: u64) -> bool {
        self.running.contains_key(&k)
    }

    pub fn has_started(&self, k: u64) -> bool {
        self.started.contains_key(&k)
    }

    pub fn running(&self) -> Vec<u64> {
        self.running.keys().copied().collect()
    }

    /// Members that have started at least once.
    pub fn started(&self) -> Vec<u64> {
        self.started.keys().copied().collect()
    }

    /// Members that have namespaces.
    pub fn nodes(&self) -> u64 {
        self.net.as_ref().map(Network::nodes).unwrap_or(9)
    }

    /// Peer links that are cut.
    pub fn down(&self) -> Vec<(u64, u64)> {
        self.net.as_ref().map(Network::down).unwrap_or_default()
    }

    /// Forgets the members whose etcd has exited by itself: a member removed from the
    /// cluster stops. The lab's live members leave removed ones out too, so `wait leader`
    /// and `follower` mean the same members on both sides.
    pub fn reap(&mut self) {
        let mut exited = Vec::new();
        for (k, p) in self.running.iter_mut() {
            if matches!(p.child.try_wait(), Ok(Some(_))) {
                exited.push(*k);
            }
        }
        for k in exited {
            if let Some(p) = self.running.remove(&k) {
                guard::unregister(p.pgid);
            }
        }
    }

    pub fn log(&self, k: u64) -> PathBuf {
        self.dir.join(format!("n{k}.log"))
    }

    /// Starts every bootstrap member on fresh data dirs.
    pub fn boot(&mut self) -> Result<(), String> {
        for k in 1..=self.members {
            let data = self.dir.join(format!("n{k}.etcd"));
            self.spawn(k, &data, &Join::New)?;
            self.started.insert(k, (data, Join::New));
        }
        Ok(())
    }

    fn spawn(&mut self, k: u64, data: &Path, join: &Join) -> Result<(), String> {
        let (listen_peer, listen_client) = place::listen(k);
        let (state, ic) = match join {
            Join::New => ("new", initial_cluster(self.members)),
            Join::Existing { initial_cluster } => ("existing", initial_cluster.clone()),
        };
        let log_path = self.log(k);
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log_path)
            .map_err(|e| format!("{}: {e}", log_path.display()))?;
        let err = log.try_clone().map_err(|e| format!("{}: {e}", log_path.display()))?;
        let mut c = if place::loopback() {
            Command::new("etcd")
        } else {
            let mut c = Command::new("ip");
            c.args(["netns", "exec", &member_ns(k), "etcd"]);
            c
        };
        c.args(["--name", &format!("n{k}")])
            .arg("--data-dir")
            .arg(data)
            .args(["--initial-advertise-peer-urls", &peer_url(k)])
            .args(["--advertise-client-urls", &place::client_url(k)])
            .args(["--listen-peer-urls", &listen_peer])
            .args(["--listen-client-urls", &listen_client])
            .args(["--initial-cluster", &ic, "--initial-cluster-token", TOKEN, "--initial-cluster-state", state])
            .args(["--logger", "zap"])
            .args(&self.flags)
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(err)
            .process_group(0);
        let child = c.spawn().map_err(|e| format!("cannot start etcd: {e}"))?;
        let pgid = child.id() as i32;
        guard::register(pgid);
        self.running.insert(k, Proc { child, pgid });
        Ok(())
    }

    /// SIGKILL, as a crash: the data dir stays.
    pub fn kill(&mut self, k: u64) -> Result<(), String> {
        let mut p = self.running.remove(&k).ok_or_else(|| format!("n{k} is not running"))?;
        guard::kill_group(p.pgid);
        let _ = p.child.wait();
        guard::unregister(p.pgid);
        Ok(())
    }

    /// Starts a killed member again from its data dir.
    pub fn restart(&mut self, k: u64) -> Result<(), String> {
        if self.is_running(k) {
            return Err(format!("n{k} is already running"));
        }
        let (data, join) = self.started.get(&k).cloned().ok_or_else(|| format!("n{k} has never started: use start"))?;
        self.spawn(k, &data, &join)
    }

    /// An added member's first start.
    pub fn start_added(&mut self, k: u64, initial_cluster: &str) -> Result<(), String> {
        if self.has_started(k) {
            return Err(format!("n{k} has started before: use restart"));
        }
        let data = self.dir.join(format!("n{k}.etcd"));
        let join = Join::Existing { initial_cluster: initial_cluster.to_string() };
        self.spawn(k, &data, &join)?;
        self.started.insert(k, (data, join));
        Ok(())
    }

    /// A stopped member starts from a data dir `etcdctl snapshot restore` made (relative to
    /// the scenario's directory). etcd ignores the `--initial-*` flags for a data dir that
    /// already holds a member, so it starts as that member of the restored cluster.
    pub fn start_from(&mut self, k: u64, dir: &str) -> Result<(), String> {
        if self.is_running(k) {
            return Err(format!("n{k} is running: stop it before it starts from {dir}"));
        }
        let data = self.dir.join(dir);
        if !data.is_dir() {
            return Err(format!("{}: no such data dir", data.display()));
        }
        self.spawn(k, &data, &Join::New)?;
        self.started.insert(k, (data, Join::New));
        Ok(())
    }

    /// Kills every member and deletes every data dir (logs stay): back to before `boot`.
    pub fn reset(&mut self) -> Result<(), String> {
        for k in self.running() {
            self.kill(k)?;
        }
        for (_, (data, _)) in std::mem::take(&mut self.started) {
            std::fs::remove_dir_all(&data).map_err(|e| format!("{}: {e}", data.display()))?;
        }
        Ok(())
    }

    /// What an operator does to restore: stop every member, `restore` builds each
    /// bootstrap member's new data dir (it is given the member and the dir), then all
    /// start on the new dirs as a new cluster. Members added at run time are gone.
    pub fn restore(&mut self, mut restore: impl FnMut(u64, &Path) -> Result<(), String>) -> Result<(), String> {
        for k in self.running() {
            self.kill(k)?;
        }
        self.restores += 1;
        self.started.clear();
        for k in 1..=self.members {
            let data = self.dir.join(format!("n{k}.restored{}.etcd", self.restores));
            restore(k, &data)?;
            self.started.insert(k, (data, Join::New));
        }
        for k in 1..=self.members {
            let (data, join) = self.started[&k].clone();
            self.spawn(k, &data, &join)?;
        }
        Ok(())
    }
}

impl Drop for RealCluster {
    fn drop(&mut self) {
        for k in self.running() {
            let _ = self.kill(k);
        }
    }
}

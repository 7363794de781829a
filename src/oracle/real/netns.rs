//! The real cluster's network: one Linux network namespace per member, one veth pair per
//! pair of members, and a client namespace with its own link to every member.
//!
//! Contract: `Network::create(n)` builds namespaces `rl-n1`…`rl-nN` and `rl-c`, with
//! member K at 10.210.0.K/32 on its `lo` and the client at 10.212.0.1; `/etc/netns/<ns>/hosts`
//! maps `nK` to 10.210.0.K in every namespace (so real member ids and URLs use the names the
//! lab uses). Peer links carry only member-to-member traffic; client links are never cut,
//! so a client next to a minority member is modelled exactly. `cut`/`restore`/`partition`/
//! `heal` change peer links only. Dropping the `Network` deletes every namespace and hosts
//! file it made; `remove_leftovers` does the same for a run that crashed.
//!
//! Only these addresses are used: 10.210.0.K (members) and 10.212.0.1 (the client).

use std::collections::BTreeSet;
use std::process::Command;

pub const CLIENT_NS: &str = "rl-c";
const CLIENT_ADDR: &str = "10.212.0.1";

pub fn member_ns(k: u64) -> String {
    format!("rl-n{k}")
}

pub fn member_addr(k: u64) -> String {
    format!("10.210.0.{k}")
}

/// Runs `ip` with `args`; an error carries ip's own message.
pub fn ip(args: &[&str]) -> Result<(), String> {
    let out = Command::new("ip").args(args).output().map_err(|e| format!("cannot run ip: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!("ip {}: {}", args.join(" "), String::from_utf8_lossy(&out.stderr).trim()))
    }
}

/// Names of the namespaces that exist now.
fn namespaces() -> Vec<String> {
    let out = Command::new("ip").args(["netns", "list"]).output();
    let text = out.map(|o| String::from_utf8_lossy(&o.stdout).into_owned()).unwrap_or_default();
    text.lines().filter_map(|l| l.split_whitespace().next()).map(str::to_string).collect()
}

/// Deletes one namespace after killing whatever still runs in it, and its hosts file.
fn delete_ns(name: &str) {
    let pids = Command::new("ip").args(["netns", "pids", name]).output();
    for pid in pids.map(|o| String::from_utf8_lossy(&o.stdout).into_owned()).unwrap_or_default().lines() {
        if let Ok(pid) = pid.trim().parse::<i32>() {
            // SAFETY: kill(2) with a pid read from ip; no memory is shared.
            unsafe {
                libc::kill(pid, libc::SIGKILL);
            }
        }
    }
    let _ = ip(&["netns", "del", name]);
    let _ = std::fs::remove_dir_all(format!("/etc/netns/{name}"));
}

/// Removes the namespaces (and hosts files) of an earlier run that did not clean up.
pub fn remove_leftovers() {
    for ns in namespaces().into_iter().filter(|n| n.starts_with("rl-")) {
        delete_ns(&ns);
    }
    if let Ok(dir) = std::fs::read_dir("/etc/netns") {
        for e in dir.flatten() {
            if e.file_name().to_string_lossy().starts_with("rl-") {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
}

/// The peer links that are up, and which namespaces exist.
pub struct Network {
    /// Live mode's taps on the peer links, stopped before the namespaces go.
    proxies: Option<super::tap::Proxies>,
    nodes: u64,
    /// Links (a < b) that are cut.
    down: BTreeSet<(u64, u64)>,
}

fn peer_dev(a: u64, b: u64) -> String {
    format!("p{a}{b}")
}

impl Network {
    /// Builds the namespaces for members 1..=nodes and the client.
    pub fn create(nodes: u64) -> Result<Network, String> {
        let mut net = Network { proxies: None, nodes, down: BTreeSet::new() };
        let hosts: String = std::iter::once("127.0.0.1 localhost\n".to_string())
            .chain((1..=nodes).map(|k| format!("{} n{k}\n", member_addr(k))))
            .collect();
        for ns in (1..=nodes).map(member_ns).chain(std::iter::once(CLIENT_NS.to_string())) {
            ip(&["netns", "add", &ns])?;
            ip(&["-n", &ns, "link", "set", "lo", "up"])?;
            let dir = format!("/etc/netns/{ns}");
            std::fs::create_dir_all(&dir).map_err(|e| format!("{dir}: {e}"))?;
            std::fs::write(format!("{dir}/hosts"), &hosts).map_err(|e| format!("{dir}/hosts: {e}"))?;
        }
        for k in 1..=nodes {
            let (ns, addr) = (member_ns(k), member_addr(k));
            ip(&["-n", &ns, "addr", "add", &format!("{addr}/32"), "dev", "lo"])?;
            let cdev = format!("c{k}");
            ip(&["link", "add", &cdev, "netns", CLIENT_NS, "type", "veth", "peer", "name", "c0", "netns", &ns])?;
            ip(&["-n", CLIENT_NS, "link", "set", &cdev, "up"])?;
            ip(&["-n", &ns, "link", "set", "c0", "up"])?;
            ip(&["-n", CLIENT_NS, "addr", "add", &format!("{CLIENT_ADDR}/32"), "dev", &cdev])?;
            ip(&["-n", CLIENT_NS, "route", "replace", &format!("{addr}/32"), "dev", &cdev, "src", CLIENT_ADDR])?;
            ip(&["-n", &ns, "route", "replace", &format!("{CLIENT_ADDR}/32"), "dev", "c0", "src", &addr])?;
        }
        for a in 1..=nodes {
            for b in a + 1..=nodes {
                let (da, db) = (peer_dev(a, b), peer_dev(b, a));
                ip(&[
                    "link",
                    "add",
                    &da,
                    "netns",
                    &member_ns(a),
                    "type",
                    "veth",
                    "peer",
                    "name",
                    &db,
                    "netns",
                    &member_ns(b),
                ])?;
                net.set(a, b, true)?;
            }
        }
        net.proxies = super::tap::start(nodes)?;
        Ok(net)
    }

    /// Sets both ends of the a–b link up or down. A link that goes down loses its routes,
    /// so bringing it up adds them back.
    fn set(&self, a: u64, b: u64, up: bool) -> Result<(), String> {
        let state = if up { "up" } else { "down" };
        for (x, y) in [(a, b), (b, a)] {
            ip(&["-n", &member_ns(x), "link", "set", &peer_dev(x, y), state])?;
        }
        if up {
            for (x, y) in [(a, b), (b, a)] {
                let route = format!("{}/32", member_addr(y));
                ip(&["-n", &member_ns(x), "route", "replace", &route, "dev", &peer_dev(x, y), "src", &member_addr(x)])?;
            }
        }
        Ok(())
    }

    fn known(&self, a: u64, b: u64) -> Result<(u64, u64), String> {
        if a == b || a == 0 || b == 0 || a > self.nodes || b > self.nodes {
            return Err(format!("no link n{a}<->n{b} in a network of {} members", self.nodes));
        }
        Ok((a.min(b), a.max(b)))
    }

    pub fn nodes(&self) -> u64 {
        self.nodes
    }

    pub fn down(&self) -> Vec<(u64, u64)> {
        self.down.iter().copied().collect()
    }

    pub fn cut(&mut self, a: u64, b: u64) -> Result<(), String> {
        let key = self.known(a, b)?;
        self.set(a, b, false)?;
        self.down.insert(key);
        Ok(())
    }

    pub fn restore(&mut self, a: u64, b: u64) -> Result<(), String> {
        let key = self.known(a, b)?;
        self.set(a, b, true)?;
        self.down.remove(&key);
        Ok(())
    }

    /// As the lab's partition: every link between two groups is cut, every other link
    /// is restored. Members in no group form one more group.
    pub fn partition(&mut self, groups: &[Vec<u64>]) -> Result<(), String> {
        let group_of = |k: u64| groups.iter().position(|g| g.contains(&k));
        for a in 1..=self.nodes {
            for b in a + 1..=self.nodes {
                let want_down = group_of(a) != group_of(b);
                let is_down = self.down.contains(&(a, b));
                match (want_down, is_down) {
                    (true, false) => self.cut(a, b)?,
                    (false, true) => self.restore(a, b)?,
                    _ => {}
                }
            }
        }
        Ok(())
    }

    pub fn heal(&mut self) -> Result<(), String> {
        for (a, b) in std::mem::take(&mut self.down) {
            self.set(a, b, true)?;
        }
        Ok(())
    }
}

impl Drop for Network {
    fn drop(&mut self) {
        drop(self.proxies.take());
        for ns in (1..=self.nodes).map(member_ns).chain(std::iter::once(CLIENT_NS.to_string())) {
            delete_ns(&ns);
        }
    }
}

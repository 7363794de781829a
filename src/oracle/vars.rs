//! The run-time values a scenario's `$lease` and `$member(nK)` stand for, learnt by each
//! side from its own etcdctl output.
//!
//! Contract: `learn` reads what a step printed (a lease grant, a member add, a member
//! list) and never fails: output it does not recognise teaches nothing. The readers here
//! are also what `mask` uses to find minted ids, so both agree on what an id looks like.

use std::collections::BTreeMap;

#[derive(Clone, Debug, Default)]
pub struct Vars {
    /// The last lease granted, in hex as etcdctl takes it.
    lease: Option<String>,
    /// Member ids in hex, by node number.
    members: BTreeMap<u64, String>,
}

impl Vars {
    /// Learns from one etcdctl step: `command` as run, `stdout` as printed.
    pub fn learn(&mut self, command: &str, stdout: &str) {
        let words: Vec<&str> = command.split_whitespace().collect();
        if words.starts_with(&["lease", "grant"]) {
            if let Some(id) = lease_granted(stdout) {
                self.lease = Some(format!("{id:x}"));
            }
        }
        if words.starts_with(&["member", "add"]) {
            let node = words.get(2).and_then(|n| n.strip_prefix('n')).and_then(|n| n.parse::<u64>().ok());
            if let (Some(node), Some(id)) = (node, member_added(stdout)) {
                self.members.insert(node, format!("{id:x}"));
            }
        }
        if words.starts_with(&["member", "list"]) {
            for (node, id) in member_list(stdout) {
                self.members.insert(node, format!("{id:x}"));
            }
        }
    }

    pub fn lease(&self) -> Result<String, String> {
        self.lease.clone().ok_or_else(|| "$lease: no lease has been granted yet".to_string())
    }

    /// The node whose member id is `id`.
    pub fn node_of(&self, id: u64) -> Option<u64> {
        self.members.iter().find(|(_, hex)| u64::from_str_radix(hex, 16).ok() == Some(id)).map(|(n, _)| *n)
    }

    pub fn member(&self, node: u64) -> Result<String, String> {
        self.members
            .get(&node)
            .cloned()
            .ok_or_else(|| format!("$member(n{node}): n{node}'s member id is not known here"))
    }
}

/// `lease 694d77aa9e38260f granted with TTL(10s)`, or `-w json`'s `"ID":7587863118340613647`.
pub fn lease_granted(stdout: &str) -> Option<u64> {
    if let Some(rest) = stdout.strip_prefix("lease ") {
        let hex = rest.split(' ').next()?;
        return u64::from_str_radix(hex, 16).ok();
    }
    json_number(stdout, "\"ID\":")
}

/// `Member bd1893c785b7656d added to cluster …` (etcdctl pads the id to 16 columns with
/// spaces), or `-w json`'s `"member":{"ID":…`.
pub fn member_added(stdout: &str) -> Option<u64> {
    if let Some(rest) = stdout.strip_prefix("Member ") {
        let hex = rest.trim_start().split(' ').next()?;
        return u64::from_str_radix(hex, 16).ok();
    }
    json_number(stdout, "\"member\":{\"ID\":")
}

/// Members by node number, from `member list` (simple or JSON): a member is nK when its
/// peer URL is `http://nK:2380`.
pub fn member_list(stdout: &str) -> Vec<(u64, u64)> {
    let node_of = |url: &str| url.strip_prefix("http://n")?.strip_suffix(":2380")?.parse::<u64>().ok();
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(stdout.trim()) {
        let members = v.get("members").and_then(|m| m.as_array()).cloned().unwrap_or_default();
        return members
            .iter()
            .filter_map(|m| {
                let id = m.get("ID")?.as_u64()?;
                let url = m.get("peerURLs")?.as_array()?.first()?.as_str()?;
                Some((node_of(url)?, id))
            })
            .collect();
    }
    stdout
        .lines()
        .filter_map(|l| {
            let fields: Vec<&str> = l.split(", ").collect();
            let id = u64::from_str_radix(fields.first()?, 16).ok()?;
            Some((node_of(fields.get(3)?)?, id))
        })
        .collect()
}

fn json_number(s: &str, key: &str) -> Option<u64> {
    let at = s.find(key)? + key.len();
    let digits: String = s[at..].chars().take_while(|c| c.is_ascii_digit()).collect();
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_learnt_from_etcdctl_output() {
        let mut v = Vars::default();
        assert_eq!(v.lease(), Err("$lease: no lease has been granted yet".to_string()));
        v.learn("lease grant 100", "lease 2040a201a10e1315 granted with TTL(100s)\n");
        assert_eq!(v.lease().as_deref(), Ok("2040a201a10e1315"));
        v.learn(
            "member add n4 --learner --peer-urls=http://n4:2380",
            "Member  3cb3978bb6979c2 added to cluster c295197d0bc1a05f\n",
        );
        assert_eq!(v.member(4).as_deref(), Ok("3cb3978bb6979c2"));
        v.learn("member list", "8e9e05c52164694d, started, n1, http://n1:2380, http://n1:2379, false\n");
        assert_eq!(v.member(1).as_deref(), Ok("8e9e05c52164694d"));
        v.learn("member list -w json", "{\"header\":{},\"members\":[{\"ID\":10276657743932975437,\"name\":\"n1\",\"peerURLs\":[\"http://n2:2380\"]}]}\n");
        assert_eq!(v.member(2).as_deref(), Ok("8e9e05c52164694d"));
    }
}

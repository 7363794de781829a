//! What both real players (scenarios and lessons) do the same way: endpoints with their
//! port, each member's `endpoint status`, and a restore from a snapshot file as an
//! operator does it.
//!
//! Contract: `with_ports` gives etcdctl the endpoints the console names (`n2` →
//! `n2:2379`, none → n1). `statuses` asks only the members given, with 1 s timeouts, and
//! returns what those that answered said (a member that does not answer is absent, never
//! an error). `restore` stops every member, restores each bootstrap member's data dir
//! with its own name and peer URL, and starts them all; the output returned is n1's.

use std::path::Path;
use std::time::Duration;

use super::cluster::{initial_cluster, peer_url, RealCluster, TOKEN};
use super::etcdctl::{self, Captured};

/// How long a one-shot etcdctl may run before the harness kills it (etcdctl's own
/// command timeout is 5 s; `check perf` loads for 60 s, then cleans up).
pub const STEP_TIMEOUT: Duration = Duration::from_secs(100);

/// `--endpoints=n1,n2` → `--endpoints=n1:2379,n2:2379`; no `--endpoints` → n1 (the
/// console's default endpoint), unless `ETCDCTL_ENDPOINTS` is assigned before the
/// command (etcdctl 3.4 refuses a flag that shadows its variable). Leading `NAME=value`
/// words stay in front, for `etcdctl::command` to pass as the environment.
pub fn with_ports(mut words: Vec<String>) -> Vec<String> {
    let n = words.iter().take_while(|w| crate::console::parse::is_assignment(w)).count();
    let assigned: Vec<String> = words.drain(..n).collect();
    let env_endpoints = assigned.iter().any(|a| a.starts_with("ETCDCTL_ENDPOINTS="));
    let v2 = assigned.iter().any(|a| a == "ETCDCTL_API=2");
    let mut words = with_ports_v3(words, env_endpoints || v2);
    words.splice(0..0, assigned);
    words
}

fn with_ports_v3(mut words: Vec<String>, no_default: bool) -> Vec<String> {
    let port = |list: &str| -> String {
        list.split(',')
            .map(|e| match e.strip_prefix('n').and_then(|k| k.parse::<u64>().ok()) {
                Some(k) if !e.contains(':') => super::place::client(k),
                _ if e.contains(':') => e.to_string(),
                _ => format!("{e}:2379"),
            })
            .collect::<Vec<_>>()
            .join(",")
    };
    if words.first().is_some_and(|w| w == "etcdctl") {
        words.remove(0);
    }
    let mut found = false;
    let mut i = 0;
    while i < words.len() {
        if let Some(list) = words[i].strip_prefix("--endpoints=") {
            words[i] = format!("--endpoints={}", port(list));
            found = true;
        } else if words[i] == "--endpoints" && i + 1 < words.len() {
            words[i + 1] = port(&words[i + 1]);
            found = true;
            i += 1;
        }
        i += 1;
    }
    if !found && !no_default {
        words.push(format!("--endpoints={}", super::place::client(1)));
    }
    words
}

/// One member's `endpoint status -w json`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Status {
    pub node: u64,
    pub member_id: u64,
    /// The leader's member id it reports; 0 when it knows none.
    pub leader: u64,
    pub term: u64,
    /// `raftIndex`: its commit index.
    pub index: u64,
    pub applied: u64,
    /// The store revision in the response header.
    pub revision: i64,
    pub is_learner: bool,
    pub errors: Vec<String>,
}

/// Parses `endpoint status -w json` (endpoints written `nK:2379`).
pub fn parse_statuses(json: &str) -> Vec<Status> {
    let v: serde_json::Value = serde_json::from_str(json.trim()).unwrap_or(serde_json::Value::Null);
    let mut out = Vec::new();
    for e in v.as_array().into_iter().flatten() {
        let node = e.get("Endpoint").and_then(|x| x.as_str()).and_then(super::place::node_of_endpoint);
        let Some(node) = node else { continue };
        let st = e.get("Status");
        let num = |k: &str| st.and_then(|s| s.get(k)).and_then(|x| x.as_u64()).unwrap_or(0);
        let header = |k: &str| st.and_then(|s| s.get("header")).and_then(|h| h.get(k));
        out.push(Status {
            node,
            member_id: header("member_id").and_then(|x| x.as_u64()).unwrap_or(0),
            leader: num("leader"),
            term: num("raftTerm"),
            index: num("raftIndex"),
            applied: num("raftAppliedIndex"),
            revision: header("revision").and_then(|x| x.as_i64()).unwrap_or(0),
            is_learner: st.and_then(|s| s.get("isLearner")).and_then(|x| x.as_bool()).unwrap_or(false),
            errors: st
                .and_then(|s| s.get("errors"))
                .and_then(|x| x.as_array())
                .map(|a| a.iter().filter_map(|x| x.as_str().map(String::from)).collect())
                .unwrap_or_default(),
        });
    }
    out
}

/// `endpoint status` of each member in `nodes` (running ones only: the caller knows).
pub fn statuses(dir: &Path, nodes: &[u64]) -> Result<Vec<Status>, String> {
    if nodes.is_empty() {
        return Ok(Vec::new());
    }
    let eps: Vec<String> = nodes.iter().map(|k| super::place::client(*k)).collect();
    let args: Vec<String> = vec![
        "endpoint".into(),
        "status".into(),
        "-w".into(),
        "json".into(),
        format!("--endpoints={}", eps.join(",")),
        "--command-timeout=1s".into(),
        "--dial-timeout=1s".into(),
    ];
    let c = etcdctl::run(dir, &args, None, STEP_TIMEOUT)?;
    Ok(parse_statuses(&c.stdout))
}

/// `snapshot restore FILE`, as an operator restores a cluster of `members` bootstrap
/// members: what etcdctl printed for n1.
pub fn restore(cluster: &mut RealCluster, members: u64, file: &str) -> Result<Captured, String> {
    let ic = initial_cluster(members);
    let dir = cluster.dir.clone();
    let mut first = None;
    cluster.restore(|k, data| {
        let args: Vec<String> = vec![
            "snapshot".into(),
            "restore".into(),
            file.to_string(),
            "--name".into(),
            format!("n{k}"),
            "--initial-cluster".into(),
            ic.clone(),
            "--initial-cluster-token".into(),
            TOKEN.into(),
            "--initial-advertise-peer-urls".into(),
            peer_url(k),
            "--data-dir".into(),
            data.display().to_string(),
        ];
        let c = etcdctl::run(&dir, &args, None, STEP_TIMEOUT)?;
        if c.exit.is_some() && k != 1 {
            return Err(format!("snapshot restore for n{k} failed: {}", c.stderr.trim()));
        }
        if k == 1 {
            first = Some(c);
        }
        Ok(())
    })?;
    Ok(first.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_get_the_client_port_and_n1_is_the_default() {
        let w = |s: &str| s.split(' ').map(String::from).collect::<Vec<_>>();
        assert_eq!(with_ports(w("get x")), w("get x --endpoints=n1:2379"));
        assert_eq!(with_ports(w("etcdctl get x --endpoints=n1,n3")), w("get x --endpoints=n1:2379,n3:2379"));
        assert_eq!(with_ports(w("--endpoints n2 put x 1")), w("--endpoints n2:2379 put x 1"));
        assert_eq!(
            with_ports(w("ETCDCTL_API=3 etcdctl member list")),
            w("ETCDCTL_API=3 member list --endpoints=n1:2379")
        );
        assert_eq!(
            with_ports(w("ETCDCTL_ENDPOINTS=http://n2:2379 etcdctl endpoint status")),
            w("ETCDCTL_ENDPOINTS=http://n2:2379 endpoint status")
        );
    }

    #[test]
    fn statuses_are_read_from_etcdctl_json() {
        // The shape etcdctl 3.4.23 prints (tests/oracle/etcd/status-boot.txt), with a learner.
        let json = r#"[{"Endpoint":"n1:2379","Status":{"header":{"cluster_id":1,"member_id":6071132823457310584,"revision":4,"raft_term":2},"version":"3.4.23","dbSize":20480,"leader":6071132823457310584,"raftIndex":9,"raftTerm":2,"raftAppliedIndex":9,"dbSizeInUse":16384}},{"Endpoint":"n4:2379","Status":{"header":{"member_id":7},"leader":0,"raftTerm":3,"isLearner":true,"errors":["etcdserver: no leader"]}}]"#;
        let s = parse_statuses(json);
        assert_eq!(s.len(), 2);
        assert_eq!(
            (s[0].node, s[0].leader, s[0].term, s[0].index, s[0].applied, s[0].revision),
            (1, 6071132823457310584, 2, 9, 9, 4)
        );
        assert!(!s[0].is_learner && s[0].errors.is_empty());
        assert_eq!((s[1].node, s[1].leader, s[1].term, s[1].is_learner), (4, 0, 3, true));
        assert_eq!(s[1].errors, vec!["etcdserver: no leader".to_string()]);
        assert!(parse_statuses("Error: context deadline exceeded").is_empty());
    }
}

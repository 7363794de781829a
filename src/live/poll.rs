//! The state stream: ten times a second, every started member's `maintenance/status`
//! through its JSON gateway (its errors carry the alarms), the member list from one that
//! answers, and the selected member's keys (a serializable range: no read touches raft), as one `LiveState` in the lab's `ClusterView` shape.
//!
//! Contract: the poller runs on its own thread inside the client namespace (`rl-c`),
//! entering it again whenever a new session made new namespaces (`Shape::generation`);
//! a thread's network namespace is its own, so the rest of the process stays outside (on
//! loopback it stays where it is).
//! Members are asked at once, each on a scoped thread, with a 150 ms limit: one that does
//! not answer is shown as it last was (or as a follower that knows no leader), one that
//! is not running is dead. It never spawns a process. `view` is pure and tested.

use std::collections::BTreeMap;
use std::fs::File;
use std::net::SocketAddr;
use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::engine::ids::{member_id, peer_url, CLUSTER_TOKEN};
use crate::engine::{ClusterConfig, ClusterView, LinkView, NodeView, Role};
use crate::oracle::real::{place, shape, Shape, Status, CLIENT_NS};
use crate::store::KeyValue;

use super::gateway;
use super::hub::Hub;
use super::messages::Messages;
use super::protocol::{LiveEvent, LiveState, MemberRow};

/// How often the state is sent.
pub const PERIOD: Duration = Duration::from_millis(100);
/// How long one member may take to answer one request.
const ASK: Duration = Duration::from_millis(150);

/// What the page picked and what the bridge is doing, shared with the request side.
#[derive(Default)]
pub struct Shared {
    pub selected: AtomicU64,
    pub busy: Mutex<Option<String>>,
    pub stop: AtomicBool,
    /// The last state sent, for a page that connects between two polls.
    pub last: Mutex<Option<LiveState>>,
}

/// Enters the client namespace on this thread.
fn enter_client_ns() -> Result<(), String> {
    let path = format!("/var/run/netns/{CLIENT_NS}");
    let f = File::open(&path).map_err(|e| format!("{path}: {e}"))?;
    // SAFETY: setns(2) on a descriptor this function owns; it changes this thread only.
    let rc = unsafe { libc::setns(f.as_raw_fd(), libc::CLONE_NEWNET) };
    if rc != 0 {
        return Err(format!("setns {path}: {}", std::io::Error::last_os_error()));
    }
    Ok(())
}

fn addr(k: u64) -> SocketAddr {
    place::socket(k)
}

/// One poll's readings.
#[derive(Clone, Debug, Default)]
pub struct Reading {
    pub statuses: BTreeMap<u64, Status>,
    pub members: Option<Vec<MemberRow>>,
    pub alarms: Vec<String>,
    /// The selected member's keys, how many it has, and its revision.
    pub keys: Option<(u64, Vec<KeyValue>, u64)>,
}

fn read(sh: &Shape, selected: u64) -> Reading {
    let mut r = Reading::default();
    let asked: Vec<(u64, Option<Status>)> = std::thread::scope(|s| {
        let handles: Vec<_> = sh
            .running
            .iter()
            .map(|&k| {
                s.spawn(move || {
                    let st = gateway::post(addr(k), "/v3/maintenance/status", "{}", ASK).ok();
                    (k, st.as_deref().and_then(gateway::parse_status))
                })
            })
            .collect();
        handles.into_iter().filter_map(|h| h.join().ok()).collect()
    });
    // Alarms come with every status (its errors): an `alarm list` would be a raft
    // proposal, and ten a second would fill the log the learner is watching.
    for (_, st) in asked.iter() {
        for e in st.iter().flat_map(|s| &s.errors) {
            if e.starts_with("memberID:") && !r.alarms.contains(e) {
                r.alarms.push(e.clone());
            }
        }
    }
    for (k, st) in asked {
        if let Some(st) = st {
            r.statuses.insert(k, st);
        }
    }
    // The member list and alarms from the leader if it answered, else any member.
    let leader = r.statuses.iter().find(|(_, s)| s.leader != 0 && s.leader == s.member_id).map(|(k, _)| *k);
    let ask = leader.or_else(|| r.statuses.keys().next().copied());
    if let Some(k) = ask {
        r.members =
            gateway::post(addr(k), "/v3/cluster/member/list", "{}", ASK).ok().and_then(|j| gateway::parse_members(&j));
    }
    if selected != 0 && r.statuses.contains_key(&selected) {
        if let Ok(j) = gateway::post(addr(selected), "/v3/kv/range", &gateway::range_all_body(), ASK) {
            r.keys = gateway::parse_range(&j).map(|(kvs, count, _)| (selected, kvs, count));
        }
    }
    r
}

/// The node a peer URL `http://nK:2380` names.
fn node_of_url(url: &str) -> Option<u64> {
    url.strip_prefix("http://n")?.strip_suffix(":2380")?.parse().ok()
}

/// The cluster in the lab's view shape. `previous` keeps a member that missed one poll
/// as it was.
pub fn view(sh: &Shape, r: &Reading, previous: Option<&ClusterView>, members: u64, elapsed_ms: u64) -> ClusterView {
    let mut nodes: Vec<u64> = sh.started.clone();
    for m in r.members.iter().flatten() {
        if let Some(k) = m.peer_urls.iter().find_map(|u| node_of_url(u)) {
            nodes.push(k);
        }
    }
    nodes.sort_unstable();
    nodes.dedup();
    let leader_member = r
        .statuses
        .values()
        .filter(|s| s.leader != 0 && s.leader == s.member_id)
        .max_by_key(|s| s.term)
        .map(|s| s.member_id);
    let mut leader = None;
    let node_views: Vec<NodeView> = nodes
        .iter()
        .map(|&k| {
            let running = sh.running.contains(&k);
            let before = previous.and_then(|p| p.nodes.iter().find(|n| n.id == k));
            let mut v = NodeView {
                id: k,
                name: format!("n{k}"),
                member_id: member_id(&[peer_url(k)], CLUSTER_TOKEN, None),
                alive: running,
                removed: false,
                role: Role::Dead,
                term: before.map(|b| b.term).unwrap_or(0),
                vote: 0,
                leader: 0,
                election_elapsed: 0,
                election_timeout: 0,
                first_index: 0,
                last_index: before.map(|b| b.last_index).unwrap_or(0),
                persisted: before.map(|b| b.persisted).unwrap_or(0),
                committed: before.map(|b| b.committed).unwrap_or(0),
                applied: before.map(|b| b.applied).unwrap_or(0),
                snapshot_index: 0,
                revision: 0,
                kvs: Vec::new(),
                key_count: 0,
                disk_delay_ms: 0,
                fsync_until_ms: None,
            };
            if !running {
                return v;
            }
            match r.statuses.get(&k) {
                Some(s) => {
                    v.member_id = s.member_id;
                    v.term = s.term;
                    // etcd shows its commit index (RAFT INDEX), not its last entry: the
                    // page draws the log as far as etcdctl can see it.
                    v.committed = s.index;
                    v.last_index = s.index;
                    v.persisted = s.index;
                    v.applied = s.applied;
                    v.revision = s.revision;
                    v.role = if s.is_learner {
                        Role::Learner
                    } else if Some(s.member_id) == leader_member && s.leader == s.member_id {
                        leader = Some(k);
                        Role::Leader
                    } else {
                        Role::Follower
                    };
                    v.leader = r
                        .statuses
                        .iter()
                        .find(|(_, o)| o.member_id == s.leader && s.leader != 0)
                        .map(|(n, _)| *n)
                        .unwrap_or(0);
                }
                None => {
                    // Running but silent: starting, or serving no client yet.
                    v.role = before
                        .map(|b| if b.role == Role::Dead { Role::Follower } else { b.role })
                        .unwrap_or(Role::Follower);
                    if v.role == Role::Leader {
                        v.role = Role::Follower;
                    }
                    v.revision = before.map(|b| b.revision).unwrap_or(0);
                }
            }
            if let Some((who, kvs, count)) = &r.keys {
                if *who == k {
                    v.kvs = kvs.clone();
                    v.key_count = *count;
                }
            }
            v
        })
        .collect();
    let mut links = Vec::new();
    for &a in &nodes {
        for &b in &nodes {
            if a != b {
                let cut = sh.down.contains(&(a.min(b), a.max(b)));
                links.push(LinkView { from: a, to: b, cut, drop_ppm: 0, dup_ppm: 0, extra_ms: 0 });
            }
        }
    }
    ClusterView {
        now_ms: elapsed_ms,
        cluster_id: 0,
        config: ClusterConfig { nodes: members, ..ClusterConfig::default() },
        leader,
        nodes: node_views,
        in_flight: Vec::new(),
        links,
        latency_ms: 0,
        jitter_ms: 0,
        trace_hash: 0,
    }
}

/// Polls until `shared.stop`, sending each state to the hub.
pub fn run(shared: Arc<Shared>, hub: Arc<Hub>, members: u64, messages: Option<Messages>) {
    let mut entered = 0;
    let mut seq = 0;
    let mut previous: Option<ClusterView> = None;
    while !shared.stop.load(Ordering::Relaxed) {
        let t = Instant::now();
        let sh = shape();
        if sh.nodes > 0 && sh.generation != entered && place::loopback() {
            // Loopback members are reached from where the process already is.
            entered = sh.generation;
        }
        if sh.nodes > 0 && sh.generation != entered {
            match enter_client_ns() {
                Ok(()) => entered = sh.generation,
                Err(e) => eprintln!("live: {e}"),
            }
        }
        if sh.nodes > 0 && sh.generation == entered {
            let once = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                poll_once(&shared, &hub, &sh, members, messages.as_ref(), &mut seq, &mut previous)
            }));
            if once.is_err() {
                // One bad reading must not end the stream: say so, and poll again.
                eprintln!("live: one poll of the cluster failed; polling on");
            }
        } else if let Some(busy) = shared.busy.lock().ok().and_then(|b| b.clone()) {
            // Between two clusters (a lesson boots its own): no member to show, but the
            // page hears what the bridge is doing.
            seq += 1;
            let empty = view(&sh, &Reading::default(), None, 0, 0);
            let state = LiveState {
                seq,
                elapsed_ms: 0,
                view: empty,
                members: Vec::new(),
                alarms: Vec::new(),
                keys_of: 0,
                busy: Some(busy),
            };
            hub.send(&LiveEvent::State(state));
        }
        std::thread::sleep(PERIOD.saturating_sub(t.elapsed()));
    }
}

/// One poll: read the members, send the state.
fn poll_once(
    shared: &Shared,
    hub: &Hub,
    sh: &Shape,
    members: u64,
    messages: Option<&Messages>,
    seq: &mut u64,
    previous: &mut Option<ClusterView>,
) {
    let selected = shared.selected.load(Ordering::Relaxed);
    let reading = read(sh, selected);
    let elapsed_ms = sh.since.map(|s| s.elapsed().as_millis() as u64).unwrap_or(0);
    let shown = members.max(sh.started.len() as u64).min(sh.nodes);
    let mut v = view(sh, &reading, previous.as_ref(), shown, elapsed_ms);
    if let (Some(m), Some(since)) = (messages, sh.since) {
        v.in_flight = m.in_flight(since);
    }
    *seq += 1;
    let state = LiveState {
        seq: *seq,
        elapsed_ms,
        view: v.clone(),
        members: reading.members.clone().unwrap_or_default(),
        alarms: reading.alarms.clone(),
        keys_of: reading.keys.as_ref().map(|k| k.0).unwrap_or(0),
        busy: shared.busy.lock().ok().and_then(|b| b.clone()),
    };
    *previous = Some(v);
    if let Ok(mut last) = shared.last.lock() {
        *last = Some(state.clone());
    }
    hub.send(&LiveEvent::State(state));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Members 1 to 3 started, `running` of them running, `down` links cut.
    fn shape_of(nodes: u64, running: &[u64], down: &[(u64, u64)]) -> Shape {
        Shape {
            generation: 1,
            nodes,
            started: vec![1, 2, 3],
            running: running.to_vec(),
            down: down.to_vec(),
            since: None,
        }
    }

    fn status(member_id: u64, leader: u64, term: u64, index: u64) -> Status {
        Status { member_id, leader, term, index, applied: index, revision: 3, ..Default::default() }
    }

    #[test]
    fn the_view_shows_roles_terms_and_cut_links_as_etcd_reported_them() {
        let sh = shape_of(3, &[1, 2], &[(1, 3)]);
        let mut r = Reading::default();
        r.statuses.insert(1, status(11, 22, 3, 9));
        r.statuses.insert(2, status(22, 22, 3, 9));
        r.keys = Some((
            2,
            vec![KeyValue {
                key: b"x".to_vec(),
                value: b"1".to_vec(),
                create_revision: 2,
                mod_revision: 2,
                version: 1,
                lease: 0,
            }],
            1,
        ));
        let v = view(&sh, &r, None, 3, 1234);
        assert_eq!(v.leader, Some(2));
        let roles: Vec<Role> = v.nodes.iter().map(|n| n.role).collect();
        assert_eq!(roles, vec![Role::Follower, Role::Leader, Role::Dead]);
        assert_eq!((v.nodes[0].leader, v.nodes[0].term, v.nodes[0].committed), (2, 3, 9));
        assert_eq!(v.nodes[1].kvs.len(), 1);
        assert!(v.nodes[0].kvs.is_empty());
        assert!(!v.nodes[2].alive);
        let cut: Vec<(u64, u64)> = v.links.iter().filter(|l| l.cut).map(|l| (l.from, l.to)).collect();
        assert_eq!(cut, vec![(1, 3), (3, 1)]);
        assert!(v.in_flight.is_empty());
        assert_eq!(v.now_ms, 1234);
    }

    #[test]
    fn a_silent_member_keeps_its_last_term_and_is_never_a_leader() {
        let sh = shape_of(3, &[1, 2, 3], &[]);
        let mut r = Reading::default();
        r.statuses.insert(1, status(11, 11, 4, 9));
        r.statuses.insert(2, status(22, 11, 4, 9));
        r.statuses.insert(3, status(33, 11, 4, 9));
        let first = view(&sh, &r, None, 3, 0);
        r.statuses.remove(&1);
        let second = view(&sh, &r, Some(&first), 3, 100);
        assert_eq!((second.nodes[0].role, second.nodes[0].term), (Role::Follower, 4));
        assert_eq!(second.leader, None);
    }

    #[test]
    fn an_added_member_shows_from_the_member_list_before_it_starts() {
        let sh = shape_of(9, &[1, 2, 3], &[]);
        let r = Reading {
            members: Some(vec![MemberRow {
                id: "ff".into(),
                name: "".into(),
                peer_urls: vec!["http://n4:2380".into()],
                client_urls: vec![],
                is_learner: true,
            }]),
            ..Default::default()
        };
        let v = view(&sh, &r, None, 3, 0);
        assert_eq!(v.nodes.iter().map(|n| n.id).collect::<Vec<_>>(), vec![1, 2, 3, 4]);
        assert_eq!((v.nodes[3].alive, v.nodes[3].role), (false, Role::Dead));
    }
}

//! A lesson's conditions judged on a real cluster: which clauses etcdctl can observe at
//! all, and their values in a `View` the runner gathered with etcdctl.
//!
//! Contract: pure. `observable` is static: a clause about raft state etcdctl never shows
//! (`vote`, `persisted`, `last-index`, `snapshot-index`, a candidate or pre-candidate
//! role) is lab-only. `judge` evaluates the other clauses and never panics; a clause whose
//! value the real cluster cannot give right now (a member that does not answer, a dead
//! member's raft state, the text of a lab word) is `Unknown`, which is neither held nor
//! failed. A real role is what `endpoint status` shows: leader, learner, follower (it
//! names another member as its leader), dead, or leaderless (a follower that knows no
//! leader, or a candidate: etcdctl cannot tell them apart). Texts compare as printed, or
//! else after the oracle's masks (`mask.rs`) on both sides.

use crate::engine::Role;
use crate::lesson::cond::{Clause, Cond, Expr, Func, Op};
use crate::lesson::NodeName;
use crate::oracle::real::Status;

pub use super::view::{cells, Text, View};

/// A function's name as conditions write it.
fn fname(f: Func) -> &'static str {
    match f {
        Func::Term => "term",
        Func::Vote => "vote",
        Func::Committed => "committed",
        Func::Applied => "applied",
        Func::Persisted => "persisted",
        Func::LastIndex => "last-index",
        Func::SnapshotIndex => "snapshot-index",
        Func::Revision => "revision",
        Func::Keys => "keys",
        Func::Role => "role",
        Func::Alive => "alive",
        Func::LeaderOf => "leader-of",
        Func::Disk => "disk",
        Func::Log => "log",
    }
}

/// Why a clause is not checked on real etcd, or `None` if it is.
pub fn lab_only(c: &Clause) -> Option<String> {
    for e in [&c.lhs, &c.rhs] {
        match e {
            Expr::Call(f @ (Func::Vote | Func::Persisted | Func::LastIndex | Func::SnapshotIndex), _) => {
                return Some(format!("{}() is raft state etcdctl does not show", fname(*f)))
            }
            Expr::Call(Func::Disk, _) => return Some("disk() is the lab's simulated disk".into()),
            Expr::Entry(..) => return Some("a log entry is raft state etcdctl does not show".into()),
            Expr::Call(Func::Log, _) => {
                return Some("log() is the lab's trace; a real member logs to its own stderr".into())
            }
            Expr::Role(r @ (Role::Candidate | Role::PreCandidate)) => {
                return Some(format!("etcdctl cannot tell a {} from a follower that knows no leader", r.word()))
            }
            _ => {}
        }
    }
    None
}

/// A clause's result on the real cluster.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Judged {
    /// Whether it holds, with the real values seen.
    Known(bool, String),
    /// The real cluster cannot give its value now, and why.
    Unknown(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum RealRole {
    Leader,
    Follower,
    Learner,
    Dead,
    Leaderless,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Val {
    Int(i64),
    Str(Option<String>),
    Node(Option<u64>),
    Role(RealRole),
    WantRole(Role),
    Bool(bool),
    Text(Text),
}

fn show(v: &Val) -> String {
    match v {
        Val::Int(n) => n.to_string(),
        Val::Str(Some(s)) => format!("{s:?}"),
        Val::Str(None) | Val::Node(None) => "none".into(),
        Val::Node(Some(id)) => format!("n{id}"),
        Val::Role(RealRole::Leaderless) => "follower or candidate (it names no leader)".into(),
        Val::Role(r) => format!("{r:?}").to_lowercase(),
        Val::WantRole(r) => r.word().into(),
        Val::Bool(b) => b.to_string(),
        Val::Text(t) => format!("{:?}", t.raw),
    }
}

/// A failure that makes the clause false (as in the lab), or a value real etcd cannot give.
enum Miss {
    False(String),
    Unknown(String),
}

fn status<'a>(view: &'a View, id: u64, what: &str) -> Result<&'a Status, Miss> {
    if !view.running.contains(&id) {
        return Err(Miss::Unknown(format!("n{id} is down: only the lab reads {what} from a dead member's disk")));
    }
    let s = view.statuses.get(&id).ok_or_else(|| {
        Miss::Unknown(format!(
            "n{id} did not answer endpoint status (etcd serves clients only once it has had a leader)"
        ))
    })?;
    if view.instant && view.fresh.contains(&id) {
        return Err(just_started(id));
    }
    Ok(s)
}

fn just_started(id: u64) -> Miss {
    Miss::Unknown(format!(
        "n{id} had just started: an etcd member serves no client until it has joined through a leader, \
         so etcdctl cannot see it at this instant"
    ))
}

fn value(view: &View, e: &Expr) -> Result<Val, Miss> {
    let node = |n: NodeName| match (n, view.known_leader()) {
        (NodeName::Leader, Err(why)) => Err(Miss::Unknown(why)),
        _ => view.resolve(n).map_err(Miss::False),
    };
    let some = |n: NodeName| node(n)?.ok_or_else(|| Miss::False(format!("{n} names no node")));
    Ok(match e {
        Expr::Int(n) => Val::Int(*n),
        Expr::Str(s) => Val::Str(Some(s.clone())),
        Expr::Node(NodeName::Leader) => Val::Node(view.known_leader().map_err(Miss::Unknown)?),
        Expr::Node(n) => Val::Node(node(*n)?),
        Expr::Role(r) => Val::WantRole(*r),
        Expr::Bool(b) => Val::Bool(*b),
        Expr::Now => Val::Int(view.now_ms as i64),
        Expr::Reply => Val::Text(view.reply.clone().ok_or_else(|| Miss::Unknown("the reply is a lab word's".into()))?),
        Expr::Output => Val::Text(
            view.output.clone().ok_or_else(|| Miss::Unknown("only lab words printed in this step so far".into()))?,
        ),
        Expr::Voters | Expr::Learners => match &view.members {
            Some(Ok((v, l))) => Val::Int(if matches!(e, Expr::Voters) { *v } else { *l }),
            Some(Err(why)) => return Err(Miss::Unknown(why.clone())),
            None => return Err(Miss::Unknown("member list was not asked".into())),
        },
        Expr::Entry(..) => return Err(Miss::Unknown("a log entry is raft state etcdctl does not show".into())),
        Expr::Get(n, key) => {
            let id = some(*n)?;
            match view.gets.get(&(id, key.clone())) {
                _ if !view.running.contains(&id) => {
                    return Err(Miss::False(format!("n{id} is dead, so its store cannot be read")))
                }
                _ if view.instant && view.fresh.contains(&id) => return Err(just_started(id)),
                Some(Ok(v)) => Val::Str(v.clone()),
                Some(Err(why)) => return Err(Miss::Unknown(why.clone())),
                None => return Err(Miss::Unknown(format!("n{id} get {key} was not asked"))),
            }
        }
        Expr::Call(f, n) => {
            let id = some(*n)?;
            match f {
                Func::Alive => Val::Bool(view.running.contains(&id)),
                Func::Role if !view.running.contains(&id) => Val::Role(RealRole::Dead),
                Func::Role => {
                    let s = status(view, id, "a role")?;
                    Val::Role(if s.is_learner {
                        RealRole::Learner
                    } else if s.leader == 0 {
                        RealRole::Leaderless
                    } else if s.leader == s.member_id {
                        RealRole::Leader
                    } else {
                        RealRole::Follower
                    })
                }
                Func::Term => {
                    let s = status(view, id, "the term")?;
                    // etcd's RAFT TERM is the term of the last applied entry (EtcdServer.Term),
                    // which is raft's term only once the member follows a leader of that term.
                    if s.leader == 0 {
                        return Err(Miss::Unknown(format!(
                            "n{id} names no leader, and endpoint status shows the term of its last applied entry, \
                             not the term it is in"
                        )));
                    }
                    Val::Int(s.term as i64)
                }
                Func::Committed => Val::Int(status(view, id, "the commit index")?.index as i64),
                Func::Applied => Val::Int(status(view, id, "the applied index")?.applied as i64),
                Func::Revision | Func::Keys if !view.running.contains(&id) => {
                    return Err(Miss::False(format!("n{id} is dead, so its store cannot be read")))
                }
                Func::Revision => Val::Int(status(view, id, "the revision")?.revision),
                Func::Keys if view.instant && view.fresh.contains(&id) => return Err(just_started(id)),
                Func::Keys => match view.keys.get(&id) {
                    Some(Ok(n)) => Val::Int(*n),
                    Some(Err(why)) => return Err(Miss::Unknown(why.clone())),
                    None => return Err(Miss::Unknown(format!("keys(n{id}) was not asked"))),
                },
                Func::LeaderOf => {
                    let lead = status(view, id, "its leader")?.leader;
                    match lead {
                        0 => Val::Node(None),
                        l => Val::Node(Some(*view.ids.get(&l).ok_or_else(|| {
                            Miss::Unknown(format!("n{id} names leader {l:x}, a member id this run does not know"))
                        })?)),
                    }
                }
                Func::Vote | Func::Persisted | Func::LastIndex | Func::SnapshotIndex | Func::Disk | Func::Log => {
                    return Err(Miss::Unknown(format!("{}() is lab-only", fname(*f))))
                }
            }
        }
    })
}

fn compare(l: &Val, op: Op, r: &Val, mask: &dyn Fn(&Text, &str) -> String) -> bool {
    match (l, r) {
        (Val::Text(t), Val::Str(Some(lit))) | (Val::Str(Some(lit)), Val::Text(t)) => {
            let m = mask(t, lit);
            let equal = t.raw.trim_end() == lit || t.masked.trim_end() == m.trim_end();
            return match op {
                Op::Eq => equal,
                Op::Ne => !equal,
                Op::Contains => {
                    t.raw.contains(lit.as_str())
                        || t.masked.contains(m.as_str())
                        || cells(&t.masked).contains(&cells(&m))
                }
                _ => false,
            };
        }
        (Val::Role(real), Val::WantRole(want)) | (Val::WantRole(want), Val::Role(real)) => {
            let same = matches!(
                (real, want),
                (RealRole::Leader, Role::Leader)
                    | (RealRole::Follower, Role::Follower)
                    | (RealRole::Learner, Role::Learner)
                    | (RealRole::Dead, Role::Dead)
            );
            return match op {
                Op::Eq => same,
                Op::Ne => !same,
                _ => false,
            };
        }
        _ => {}
    }
    let (l, r) = match (l, r) {
        (Val::Str(s), Val::Node(None)) => (Val::Str(s.clone()), Val::Str(None)),
        (Val::Node(None), Val::Str(s)) => (Val::Str(None), Val::Str(s.clone())),
        _ => (l.clone(), r.clone()),
    };
    match (op, &l, &r) {
        (Op::Eq, _, _) => l == r,
        (Op::Ne, _, _) => l != r,
        (Op::Contains, Val::Str(Some(a)), Val::Str(Some(b))) => a.contains(b.as_str()),
        (Op::Lt, Val::Int(a), Val::Int(b)) => a < b,
        (Op::Le, Val::Int(a), Val::Int(b)) => a <= b,
        (Op::Gt, Val::Int(a), Val::Int(b)) => a > b,
        (Op::Ge, Val::Int(a), Val::Int(b)) => a >= b,
        _ => false,
    }
}

fn describe(e: &Expr) -> Option<String> {
    Some(match e {
        Expr::Call(f, n) => format!("{}({n})", fname(*f)),
        Expr::Get(n, k) => format!("{n} get {k}"),
        Expr::Entry(n, i) => format!("{n} entry {i}"),
        Expr::Node(n) => n.to_string(),
        Expr::Reply => "reply".into(),
        Expr::Output => "output".into(),
        Expr::Now => "now".into(),
        Expr::Voters => "voters".into(),
        Expr::Learners => "learners".into(),
        Expr::Int(_) | Expr::Str(_) | Expr::Role(_) | Expr::Bool(_) => return None,
    })
}

/// One clause on the real cluster; `mask(printed, expected)` masks an expected text as the
/// lab printed it, with the masks `printed` (the real text it is compared with) got.
pub fn judge(c: &Clause, view: &View, mask: &dyn Fn(&Text, &str) -> String) -> Judged {
    let (l, r) = match (value(view, &c.lhs), value(view, &c.rhs)) {
        (Ok(l), Ok(r)) => (l, r),
        (Err(Miss::Unknown(why)), _) | (_, Err(Miss::Unknown(why))) => return Judged::Unknown(why),
        (Err(Miss::False(why)), _) | (_, Err(Miss::False(why))) => return Judged::Known(false, why),
    };
    if let (Val::Role(RealRole::Leaderless), Val::WantRole(Role::Follower))
    | (Val::WantRole(Role::Follower), Val::Role(RealRole::Leaderless)) = (&l, &r)
    {
        return Judged::Unknown(
            "it names no leader: a follower that knows none, or a candidate, which etcdctl cannot tell apart".into(),
        );
    }
    let mut seen = Vec::new();
    for (e, v) in [(&c.lhs, &l), (&c.rhs, &r)] {
        if let Some(name) = describe(e) {
            if name != show(v) {
                seen.push(format!("{name} = {}", show(v)));
            }
        }
    }
    Judged::Known(compare(&l, c.op, &r, mask), seen.join(", "))
}

/// What a condition needs read beyond `endpoint status`: member list, gets, key counts.
pub fn needs(cond: &Cond) -> (bool, Vec<(NodeName, String)>, Vec<NodeName>) {
    let mut members = false;
    let mut gets = Vec::new();
    let mut keys = Vec::new();
    for c in cond.clauses.iter().filter(|c| lab_only(c).is_none()) {
        for e in [&c.lhs, &c.rhs] {
            match e {
                Expr::Voters | Expr::Learners => members = true,
                Expr::Get(n, k) => gets.push((*n, k.clone())),
                Expr::Call(Func::Keys, n) => keys.push(*n),
                _ => {}
            }
        }
    }
    (members, gets, keys)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lesson::cond::parse;

    fn st(node: u64, leader_node: u64, term: u64) -> Status {
        Status {
            node,
            member_id: node * 100,
            leader: leader_node * 100,
            term,
            index: 9,
            applied: 9,
            revision: 2,
            ..Default::default()
        }
    }

    fn view() -> View {
        let mut v =
            View { running: [1, 2, 3].into(), ids: [(100, 1), (200, 2), (300, 3)].into(), ..Default::default() };
        for s in [st(1, 2, 2), st(2, 2, 2), st(3, 0, 4)] {
            v.statuses.insert(s.node, s);
        }
        v.gets.insert((1, "x".into()), Ok(Some("1".into())));
        v.gets.insert((3, "x".into()), Ok(None));
        v
    }

    fn one(text: &str, v: &View) -> Judged {
        let c = parse(text).unwrap();
        judge(&c.clauses[0], v, &|_, t| t.replace("AAA", "<lease1>"))
    }

    #[test]
    fn raft_state_etcdctl_cannot_see_is_lab_only() {
        for lab in [
            "vote(n1) == n2",
            "persisted(n1) == 3",
            "last-index(n1) > committed(n1)",
            "snapshot-index(n2) == 0",
            "role(n3) == candidate",
            "role(n3) != pre-candidate",
        ] {
            assert!(lab_only(&parse(lab).unwrap().clauses[0]).is_some(), "{lab}");
        }
        for real in [
            "role(n3) == follower",
            "term(leader) == 2",
            "leader-of(n1) == leader",
            "n1 get x == 1",
            "voters == 3",
            "reply == \"OK\"",
            "now > 900",
            "alive(n2) == false",
        ] {
            assert!(lab_only(&parse(real).unwrap().clauses[0]).is_none(), "{real}");
        }
    }

    #[test]
    fn clauses_read_the_view() {
        let v = view();
        assert_eq!(v.leader(), Some(2));
        assert_eq!(v.follower(), Some(1));
        assert_eq!(one("leader == n2", &v), Judged::Known(true, "leader = n2".into()));
        assert!(matches!(one("term(leader) == 2", &v), Judged::Known(true, _)));
        assert!(matches!(one("role(n1) == follower", &v), Judged::Known(true, _)));
        assert!(matches!(one("role(n2) == leader", &v), Judged::Known(true, _)));
        // n3 names no leader: a follower without one, or a candidate.
        assert!(matches!(one("role(n3) == follower", &v), Judged::Unknown(d) if d.contains("names no leader")));
        assert!(matches!(one("role(n3) != leader", &v), Judged::Known(true, _)));
        // Its RAFT TERM is its last applied entry's, not the term it campaigns in.
        assert!(matches!(one("term(n3) == 4", &v), Judged::Unknown(d) if d.contains("last applied entry")));
        assert!(matches!(one("term(n1) == 2", &v), Judged::Known(true, _)));
        // An expect sees a member that has just started only once it serves: not its instant.
        let mut fresh = v.clone();
        fresh.fresh.insert(1);
        assert!(matches!(one("term(n1) == 2", &fresh), Judged::Known(true, _)));
        fresh.instant = true;
        assert!(matches!(one("term(n1) == 2", &fresh), Judged::Unknown(d) if d.contains("just started")));
        assert!(matches!(one("n1 get x == 1", &fresh), Judged::Unknown(d) if d.contains("just started")));
        assert!(matches!(one("leader-of(n1) == leader", &v), Judged::Known(true, _)));
        assert!(matches!(one("leader-of(n3) == none", &v), Judged::Known(true, _)));
        assert!(matches!(one("n1 get x == 1", &v), Judged::Known(true, _)));
        assert!(matches!(one("n3 get x == none", &v), Judged::Known(true, _)));
        assert!(matches!(one("voters == 3", &v), Judged::Unknown(_)));
        let mut dead = v.clone();
        dead.running.remove(&3);
        assert!(matches!(one("alive(n3) == false", &dead), Judged::Known(true, _)));
        assert!(matches!(one("role(n3) == dead", &dead), Judged::Known(true, _)));
        assert!(matches!(one("term(n3) == 4", &dead), Judged::Unknown(w) if w.contains("dead member's disk")));
        assert!(matches!(one("n3 get x == none", &dead), Judged::Known(false, _)));
        let mut none = v.clone();
        none.statuses.values_mut().for_each(|s| s.leader = 0);
        assert_eq!(one("term(leader) == 2", &none), Judged::Known(false, "there is no leader right now".into()));
        assert!(matches!(one("leader == none", &none), Judged::Known(true, _)));
        let mut silent = v.clone();
        silent.statuses.clear();
        assert!(matches!(one("term(n1) == 1", &silent), Judged::Unknown(w) if w.contains("did not answer")));
        // Nobody says it leads, but n1 did not answer: it might be the leader.
        assert!(matches!(one("leader == none", &silent), Judged::Unknown(w) if w.contains("n1 did not answer")));
        assert!(matches!(one("term(leader) == 2", &silent), Judged::Unknown(_)));
    }

    #[test]
    fn texts_compare_as_printed_or_masked() {
        let mut v = view();
        assert!(matches!(one("reply == \"OK\"", &v), Judged::Unknown(_)));
        let table = "+---------+-------+\n| ENDPOINT | IS LEADER |\n|  n2:2379 |     false |\n+---------+\n";
        v.reply = Some(Text {
            line: "endpoint status".into(),
            raw: "lease ZZZ granted".into(),
            masked: "lease <lease1> granted".into(),
            after_defrag: false,
        });
        assert!(matches!(one("reply == \"lease AAA granted\"", &v), Judged::Known(true, _)));
        assert!(matches!(one("reply contains \"AAA\"", &v), Judged::Known(true, _)));
        assert!(matches!(one("reply != \"lease AAA granted\"", &v), Judged::Known(false, _)));
        v.output = Some(Text { line: String::new(), raw: table.into(), masked: table.into(), after_defrag: false });
        assert!(matches!(one("output contains \"|     false |\"", &v), Judged::Known(true, _)));
        assert!(matches!(one("output contains \"| false |\"", &v), Judged::Known(true, _)));
        assert!(matches!(one("output contains \"| true |\"", &v), Judged::Known(false, _)));
    }
}

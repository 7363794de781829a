//! Evaluating a condition against a running cluster.
//!
//! Contract: `eval` never panics and never changes the cluster. A name that cannot resolve
//! now (no leader, a dead node's store) makes the condition false and says why, so a check
//! goes red rather than crashing; otherwise `Outcome::detail` lists the values it saw.

use crate::engine::{Cluster, NodeId, NodeView, Role};

use super::cond::{Cond, Expr, Func, Op};
use super::error::EvalError;
use super::model::NodeName;

/// What a condition can see while a lesson runs.
pub trait Scope {
    fn cluster(&self) -> &Cluster;
    /// `Ok(None)` for `none`; an error when the name cannot resolve now (no leader yet).
    fn resolve(&self, name: NodeName) -> Result<Option<NodeId>, EvalError>;
    /// The last finished console line's output.
    fn reply(&self) -> &str;
    /// Everything the console printed during this step, stream lines included.
    fn output(&self) -> &str;
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Val {
    Int(i64),
    Str(Option<String>),
    Node(Option<NodeId>),
    Role(Role),
    Bool(bool),
}

fn show(v: &Val) -> String {
    match v {
        Val::Int(n) => n.to_string(),
        Val::Str(Some(s)) => format!("{s:?}"),
        Val::Str(None) | Val::Node(None) => "none".into(),
        Val::Node(Some(id)) => format!("n{id}"),
        Val::Role(r) => r.word().into(),
        Val::Bool(b) => b.to_string(),
    }
}

fn describe(e: &Expr) -> String {
    match e {
        Expr::Call(f, n) => format!("{}({n})", f.name()),
        Expr::Get(n, k) => format!("{n} get {k}"),
        Expr::Entry(n, i) => format!("{n} entry {i}"),
        Expr::Node(n) => n.to_string(),
        Expr::Reply => "reply".into(),
        Expr::Output => "output".into(),
        Expr::Now => "now".into(),
        Expr::Voters => "voters".into(),
        Expr::Learners => "learners".into(),
        Expr::Int(_) | Expr::Str(_) | Expr::Role(_) | Expr::Bool(_) => String::new(),
    }
}

fn view_of(scope: &dyn Scope, name: NodeName) -> Result<NodeView, EvalError> {
    let id = scope.resolve(name)?.ok_or(EvalError::NamesNoNode(name))?;
    scope.cluster().node_view_limited(id, 0).ok_or(EvalError::NotMember(id))
}

fn value(scope: &dyn Scope, e: &Expr) -> Result<Val, EvalError> {
    Ok(match e {
        Expr::Int(n) => Val::Int(*n),
        Expr::Str(s) => Val::Str(Some(s.clone())),
        Expr::Node(NodeName::None) => Val::Node(None),
        // `leader == none` asks that there is no leader: not an error.
        Expr::Node(NodeName::Leader) => Val::Node(scope.cluster().leader()),
        Expr::Node(n) => Val::Node(scope.resolve(*n)?),
        Expr::Role(r) => Val::Role(*r),
        Expr::Bool(b) => Val::Bool(*b),
        Expr::Reply => Val::Str(Some(scope.reply().trim_end().to_string())),
        Expr::Output => Val::Str(Some(scope.output().to_string())),
        Expr::Now => Val::Int(scope.cluster().now_ms() as i64),
        Expr::Voters | Expr::Learners => {
            let (voters, learners) = scope.cluster().membership().ok_or(EvalError::AllDown)?;
            let n = if matches!(e, Expr::Learners) { learners.len() } else { voters.len() };
            Val::Int(n as i64)
        }
        Expr::Entry(n, index) => {
            let v = view_of(scope, *n)?;
            let e = scope.cluster().log_entries(v.id, *index, *index);
            Val::Str(e.first().map(|e| format!("term {}: {}", e.term, e.summary)))
        }
        Expr::Get(n, key) => {
            let v = view_of(scope, *n)?;
            if !v.alive {
                return Err(EvalError::Dead(v.id));
            }
            let value = scope.cluster().local_value(v.id, key.as_bytes()).ok_or(EvalError::NoStore(v.id))?;
            Val::Str(value.map(|b| String::from_utf8_lossy(&b).into_owned()))
        }
        Expr::Call(f, n) => {
            let v = view_of(scope, *n)?;
            let int = |x: u64| Val::Int(x as i64);
            match f {
                Func::Alive => Val::Bool(v.alive),
                Func::Role => Val::Role(v.role),
                Func::Term => int(v.term),
                Func::Vote => Val::Node((v.vote != 0).then_some(v.vote)),
                Func::LeaderOf => Val::Node((v.leader != 0).then_some(v.leader)),
                Func::Committed => int(v.committed),
                Func::Applied => int(v.applied),
                Func::Persisted => int(v.persisted),
                Func::LastIndex => int(v.last_index),
                Func::SnapshotIndex => int(v.snapshot_index),
                Func::Disk => int(v.disk_delay_ms),
                Func::Log => Val::Str(Some(scope.cluster().warnings_of(v.id).join("\n"))),
                Func::Revision if !v.alive => return Err(EvalError::Dead(v.id)),
                Func::Revision => Val::Int(v.revision),
                Func::Keys if !v.alive => return Err(EvalError::Dead(v.id)),
                Func::Keys => int(v.key_count),
            }
        }
    })
}

/// The outcome of evaluating a condition: whether it holds, and the values it saw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub holds: bool,
    /// `leader = n2, term(n2) = 3`, or why it could not be evaluated.
    pub detail: String,
}

pub fn eval(cond: &Cond, scope: &dyn Scope) -> Outcome {
    let mut seen = Vec::new();
    let mut holds = true;
    for c in &cond.clauses {
        let (l, r) = match (value(scope, &c.lhs), value(scope, &c.rhs)) {
            (Ok(l), Ok(r)) => (l, r),
            (Err(e), _) | (_, Err(e)) => return Outcome { holds: false, detail: e.to_string() },
        };
        for (e, v) in [(&c.lhs, &l), (&c.rhs, &r)] {
            let name = describe(e);
            if !name.is_empty() && name != show(v) {
                seen.push(format!("{name} = {}", show(v)));
            }
        }
        holds &= compare(&l, c.op, &r);
    }
    Outcome { holds, detail: seen.join(", ") }
}

fn compare(l: &Val, op: Op, r: &Val) -> bool {
    // `none` on the text side means "absent".
    let (l, r) = match (l, r) {
        (Val::Str(s), Val::Node(None)) => (Val::Str(s.clone()), Val::Str(None)),
        (Val::Node(None), Val::Str(s)) => (Val::Str(None), Val::Str(s.clone())),
        _ => (l.clone(), r.clone()),
    };
    match op {
        Op::Eq => l == r,
        Op::Ne => l != r,
        Op::Contains => match (&l, &r) {
            (Val::Str(Some(a)), Val::Str(Some(b))) => a.contains(b.as_str()),
            _ => false,
        },
        Op::Lt | Op::Le | Op::Gt | Op::Ge => match (&l, &r) {
            (Val::Int(a), Val::Int(b)) => match op {
                Op::Lt => a < b,
                Op::Le => a <= b,
                Op::Gt => a > b,
                _ => a >= b,
            },
            _ => false,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Action, ClusterConfig};

    /// A scope that knows node ids and the current leader, nothing symbolic.
    struct Ids<'a>(&'a Cluster);

    impl Scope for Ids<'_> {
        fn cluster(&self) -> &Cluster {
            self.0
        }
        fn resolve(&self, name: NodeName) -> Result<Option<NodeId>, EvalError> {
            match name {
                NodeName::Id(id) => Ok(Some(id)),
                NodeName::Leader => self.0.leader().map(Some).ok_or(EvalError::NoLeader),
                _ => Ok(None),
            }
        }
        fn reply(&self) -> &str {
            ""
        }
        fn output(&self) -> &str {
            ""
        }
    }

    #[test]
    fn values_that_cannot_be_read_are_variants_with_the_checks_text() {
        let mut c = Cluster::new(ClusterConfig::with_nodes(3, 1)).unwrap();
        c.apply(Action::Kill(2)).unwrap();
        let read = |e: Expr| value(&Ids(&c), &e).unwrap_err();
        let e = read(Expr::Get(NodeName::Id(2), "x".into()));
        assert_eq!((e.clone(), e.to_string()), (EvalError::Dead(2), "n2 is dead, so its store cannot be read".into()));
        let e = read(Expr::Call(Func::Term, NodeName::None));
        assert_eq!((e.clone(), e.to_string()), (EvalError::NamesNoNode(NodeName::None), "none names no node".into()));
        let e = read(Expr::Call(Func::Term, NodeName::Id(7)));
        assert_eq!((e.clone(), e.to_string()), (EvalError::NotMember(7), "n7 is not a member".into()));
        // At time 0 nobody leads: the condition is false and says why.
        let cond = super::super::cond::parse("term(leader) == 1").unwrap();
        assert_eq!(eval(&cond, &Ids(&c)), Outcome { holds: false, detail: "there is no leader right now".into() });
    }
}

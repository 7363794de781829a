//! Conditions: the small language of `expect`, `wait until` and `goal:` lines.
//!
//! Contract: `parse` either returns a condition whose every comparison is well typed (a
//! role is compared with a role word, a count with a number, a node with a node) or an
//! error naming the 1-based column of the offending word and what was expected there.
//! `eval` (in `eval.rs`) gives its value in a running cluster.
//!
//! Grammar (see lessons/README.md):
//! ```text
//! cond   := clause ("and" clause)*
//! clause := expr op expr | expr "contains" expr
//! op     := == | != | < | <= | > | >=
//! expr   := number | "string" | word | node "get" key | node "entry" index | func "(" node ")"
//!         | leader | reply | output | now | voters | learners
//! node   := n1…n9 | leader | a follower | the old leader | none
//! ```

use serde::{Deserialize, Serialize};

use crate::engine::Role;

use super::model::NodeName;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cond {
    /// The text as written, shown next to the check.
    pub text: String,
    pub clauses: Vec<Clause>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clause {
    pub lhs: Expr,
    pub op: Op,
    pub rhs: Expr,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Contains,
}

impl Op {
    fn text(self) -> &'static str {
        match self {
            Op::Eq => "==",
            Op::Ne => "!=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Contains => "contains",
        }
    }
}

/// Functions of one node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Func {
    Term,
    Vote,
    Committed,
    Applied,
    Persisted,
    LastIndex,
    SnapshotIndex,
    Revision,
    Keys,
    Role,
    Alive,
    /// The leader this node believes in.
    LeaderOf,
    /// Each write to its disk takes this many ms (`disk n1 200ms`).
    Disk,
    /// Its warnings so far, one per line, as the trace panel shows them.
    Log,
}

const FUNCS: &[(&str, Func)] = &[
    ("term", Func::Term),
    ("vote", Func::Vote),
    ("committed", Func::Committed),
    ("applied", Func::Applied),
    ("persisted", Func::Persisted),
    ("last-index", Func::LastIndex),
    ("snapshot-index", Func::SnapshotIndex),
    ("revision", Func::Revision),
    ("keys", Func::Keys),
    ("role", Func::Role),
    ("alive", Func::Alive),
    ("leader-of", Func::LeaderOf),
    ("disk", Func::Disk),
    ("log", Func::Log),
];

impl Func {
    fn ty(self) -> Ty {
        match self {
            Func::Vote | Func::LeaderOf => Ty::Node,
            Func::Role => Ty::Role,
            Func::Alive => Ty::Bool,
            Func::Log => Ty::Str,
            _ => Ty::Int,
        }
    }

    pub(super) fn name(self) -> &'static str {
        FUNCS.iter().find(|(_, f)| *f == self).map(|(n, _)| *n).unwrap_or("?")
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Expr {
    Int(i64),
    Str(String),
    Node(NodeName),
    Role(Role),
    Bool(bool),
    Call(Func, NodeName),
    /// `n3 get x`: the value in that node's applied store (a local read, no quorum).
    Get(NodeName, String),
    /// `n3 entry 7`: the log entry at that index on the node's disk, as `term 2: put x 1`
    /// (`none` when the disk has no entry there).
    Entry(NodeName, u64),
    Reply,
    Output,
    Now,
    Voters,
    Learners,
}

/// What a side of a comparison is; errors name it when the two sides do not fit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    Int,
    Str,
    Node,
    Role,
    Bool,
}

impl Ty {
    fn name(self) -> &'static str {
        match self {
            Ty::Int => "a number",
            Ty::Str => "text",
            Ty::Node => "a node",
            Ty::Role => "a role",
            Ty::Bool => "true or false",
        }
    }
}

impl std::fmt::Display for Ty {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A condition that failed to parse: what is wrong and the 1-based column within the text.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{problem}")]
pub struct CondError {
    #[source]
    pub problem: CondProblem,
    pub col: usize,
}

/// What is wrong in a condition. The texts are the lesson checker's (after "bad condition: ").
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CondProblem {
    #[error("unterminated string: add the closing \"")]
    UnterminatedString,
    #[error("use == to compare, not =")]
    SingleEquals,
    #[error("unexpected '{0}'")]
    Unexpected(char),
    /// A number beyond i64 (the digits as written).
    #[error("number {0} is too large")]
    NumberTooLarge(String),
    #[error("expected a node (n1…n9, leader, a follower, the old leader or none)")]
    ExpectedNode,
    /// A word where a node was needed.
    #[error("expected a node (n1…n9, leader, a follower, the old leader or none), found \"{0}\"")]
    NotANode(String),
    #[error("expected a value to compare")]
    ExpectedValue,
    /// A symbol (`(`, `==`, …) where a value was needed.
    #[error("expected a value to compare, found \"{0}\"")]
    SymbolNotValue(String),
    /// A function word (`term`, `role`, …) without its `(node)`.
    #[error("{0} takes a node in parentheses, e.g. {0}(n1)")]
    NeedsParens(String),
    #[error("expected ) to close {0}(")]
    Unclosed(String),
    #[error("expected a key after get, e.g. n3 get x")]
    ExpectedKey,
    #[error("expected a log index after entry, e.g. n3 entry 7")]
    ExpectedIndex,
    #[error("expected a comparison: ==, !=, <, <=, >, >= or contains")]
    ExpectedComparison,
    #[error("expected a role (follower, pre-candidate, candidate, leader, learner or dead), found \"{0}\"")]
    NotARole(String),
    #[error("expected true or false, found \"{0}\"")]
    NotABool(String),
    #[error("expected a number, found \"{0}\"")]
    NotANumber(String),
    #[error("expected \"and\" or the end of the condition")]
    ExpectedAnd,
    #[error("cannot compare {lhs} with {rhs}")]
    Mismatch { lhs: Ty, rhs: Ty },
    /// `<`, `<=`, `>` or `>=` between things that are not numbers.
    #[error("{op} compares numbers, not {ty}")]
    OrderNeedsNumbers { op: &'static str, ty: Ty },
    #[error("contains compares text, not {0}")]
    ContainsNeedsText(Ty),
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Tok {
    Word(String),
    Int(i64),
    Str(String),
    Sym(&'static str),
}

fn tokenize(s: &str) -> Result<Vec<(Tok, usize)>, CondError> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let col = i + 1;
        if c.is_whitespace() {
            i += 1;
        } else if c == '"' {
            let mut text = String::new();
            i += 1;
            loop {
                match chars.get(i) {
                    None => return Err(CondError { problem: CondProblem::UnterminatedString, col }),
                    Some('"') => break,
                    Some('\\') if matches!(chars.get(i + 1), Some('"' | '\\')) => {
                        text.push(chars[i + 1]);
                        i += 2;
                    }
                    Some('\\') if chars.get(i + 1) == Some(&'n') => {
                        text.push('\n');
                        i += 2;
                    }
                    Some(ch) => {
                        text.push(*ch);
                        i += 1;
                    }
                }
            }
            i += 1;
            out.push((Tok::Str(text), col));
        } else if let Some(sym) = ["==", "!=", "<=", ">=", "<", ">", "(", ")"]
            .into_iter()
            .find(|sym| chars[i..].iter().take(sym.len()).copied().eq(sym.chars()))
        {
            i += sym.len();
            out.push((Tok::Sym(sym), col));
        } else if c == '=' {
            return Err(CondError { problem: CondProblem::SingleEquals, col });
        } else {
            let start = i;
            while i < chars.len() && !chars[i].is_whitespace() && !"()<>=!\"".contains(chars[i]) {
                i += 1;
            }
            if start == i {
                return Err(CondError { problem: CondProblem::Unexpected(c), col });
            }
            let word: String = chars[start..i].iter().collect();
            let is_int = word.strip_prefix('-').unwrap_or(&word).chars().all(|d| d.is_ascii_digit());
            match word.parse::<i64>() {
                Ok(n) if is_int => out.push((Tok::Int(n), col)),
                _ if is_int => return Err(CondError { problem: CondProblem::NumberTooLarge(word), col }),
                _ => out.push((Tok::Word(word), col)),
            }
        }
    }
    Ok(out)
}

/// A side of a comparison before bare words are given a type by the other side.
enum Side {
    Typed(Expr, Ty),
    /// A bare word: a node name, a role or a boolean, decided by the other side.
    Word(String, usize),
}

struct Parser {
    toks: Vec<(Tok, usize)>,
    at: usize,
    end_col: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.at).map(|(t, _)| t)
    }

    fn col(&self) -> usize {
        self.toks.get(self.at).map(|(_, c)| *c).unwrap_or(self.end_col)
    }

    fn err<T>(&self, problem: CondProblem) -> Result<T, CondError> {
        Err(CondError { problem, col: self.col() })
    }

    fn word_is(&self, offset: usize, w: &str) -> bool {
        matches!(self.toks.get(self.at + offset), Some((Tok::Word(x), _)) if x == w)
    }

    /// `n3`, `leader`, `a follower`, `the old leader`, `none`.
    fn node(&mut self) -> Result<NodeName, CondError> {
        if self.word_is(0, "a") && self.word_is(1, "follower") {
            self.at += 2;
            return Ok(NodeName::AFollower);
        }
        if self.word_is(0, "the") && self.word_is(1, "old") && self.word_is(2, "leader") {
            self.at += 3;
            return Ok(NodeName::OldLeader);
        }
        match self.peek() {
            Some(Tok::Word(w)) => match node_word(w) {
                Some(n) => {
                    self.at += 1;
                    Ok(n)
                }
                None => self.err(CondProblem::NotANode(w.clone())),
            },
            _ => self.err(CondProblem::ExpectedNode),
        }
    }

    fn side(&mut self) -> Result<Side, CondError> {
        let col = self.col();
        let tok = match self.peek() {
            Some(t) => t.clone(),
            None => return self.err(CondProblem::ExpectedValue),
        };
        match tok {
            Tok::Int(n) => {
                self.at += 1;
                Ok(Side::Typed(Expr::Int(n), Ty::Int))
            }
            Tok::Str(s) => {
                self.at += 1;
                Ok(Side::Typed(Expr::Str(s), Ty::Str))
            }
            Tok::Sym(s) => self.err(CondProblem::SymbolNotValue(s.to_string())),
            Tok::Word(w) => {
                if let Some((_, f)) = FUNCS.iter().find(|(n, _)| *n == w) {
                    self.at += 1;
                    if self.peek() != Some(&Tok::Sym("(")) {
                        return self.err(CondProblem::NeedsParens(w));
                    }
                    self.at += 1;
                    let node = self.node()?;
                    if self.peek() != Some(&Tok::Sym(")")) {
                        return self.err(CondProblem::Unclosed(w));
                    }
                    self.at += 1;
                    return Ok(Side::Typed(Expr::Call(*f, node), f.ty()));
                }
                let simple = match w.as_str() {
                    "reply" => Some((Expr::Reply, Ty::Str)),
                    "output" => Some((Expr::Output, Ty::Str)),
                    "now" => Some((Expr::Now, Ty::Int)),
                    "voters" => Some((Expr::Voters, Ty::Int)),
                    "learners" => Some((Expr::Learners, Ty::Int)),
                    _ => None,
                };
                if let Some((e, t)) = simple {
                    self.at += 1;
                    return Ok(Side::Typed(e, t));
                }
                // `<node> get <key>`: a node first, then the word get.
                let save = self.at;
                if let Ok(node) = self.node() {
                    if self.word_is(0, "get") {
                        self.at += 1;
                        let key = match self.peek() {
                            Some(Tok::Word(k)) | Some(Tok::Str(k)) => k.clone(),
                            Some(Tok::Int(n)) => n.to_string(),
                            _ => return self.err(CondProblem::ExpectedKey),
                        };
                        self.at += 1;
                        return Ok(Side::Typed(Expr::Get(node, key), Ty::Str));
                    }
                    if self.word_is(0, "entry") {
                        self.at += 1;
                        let Some(Tok::Int(index)) = self.peek() else {
                            return self.err(CondProblem::ExpectedIndex);
                        };
                        let index = u64::try_from(*index).unwrap_or(0);
                        self.at += 1;
                        return Ok(Side::Typed(Expr::Entry(node, index), Ty::Str));
                    }
                    if !matches!(node, NodeName::Id(_) | NodeName::None | NodeName::Leader) {
                        return Ok(Side::Typed(Expr::Node(node), Ty::Node));
                    }
                }
                self.at = save + 1;
                Ok(Side::Word(w, col))
            }
        }
    }

    fn op(&mut self) -> Result<Op, CondError> {
        let op = match self.peek() {
            Some(Tok::Sym("==")) => Op::Eq,
            Some(Tok::Sym("!=")) => Op::Ne,
            Some(Tok::Sym("<")) => Op::Lt,
            Some(Tok::Sym("<=")) => Op::Le,
            Some(Tok::Sym(">")) => Op::Gt,
            Some(Tok::Sym(">=")) => Op::Ge,
            Some(Tok::Word(w)) if w == "contains" => Op::Contains,
            _ => return self.err(CondProblem::ExpectedComparison),
        };
        self.at += 1;
        Ok(op)
    }
}

/// A one-word node name (`n3`, `leader`, `none`); the two-word ones are read by `node`.
fn node_word(w: &str) -> Option<NodeName> {
    NodeName::parse(w).filter(|n| !matches!(n, NodeName::AFollower | NodeName::OldLeader))
}

fn role_word(w: &str) -> Option<Role> {
    [Role::Follower, Role::PreCandidate, Role::Candidate, Role::Leader, Role::Learner, Role::Dead]
        .into_iter()
        .find(|r| r.word() == w)
}

/// Gives a bare word the type the other side needs.
fn settle(word: &str, col: usize, want: Ty) -> Result<Expr, CondError> {
    let fail = |problem: fn(String) -> CondProblem| Err(CondError { problem: problem(word.to_string()), col });
    match want {
        Ty::Node => match node_word(word) {
            Some(n) => Ok(Expr::Node(n)),
            None => fail(CondProblem::NotANode),
        },
        Ty::Role => match role_word(word) {
            Some(r) => Ok(Expr::Role(r)),
            None => fail(CondProblem::NotARole),
        },
        Ty::Bool => match word {
            "true" => Ok(Expr::Bool(true)),
            "false" => Ok(Expr::Bool(false)),
            _ => fail(CondProblem::NotABool),
        },
        // `n3 get x == none` asks that the key is absent; any other word is its text.
        Ty::Str if word == "none" => Ok(Expr::Node(NodeName::None)),
        Ty::Str => Ok(Expr::Str(word.to_string())),
        Ty::Int => fail(CondProblem::NotANumber),
    }
}

pub fn parse(text: &str) -> Result<Cond, CondError> {
    let toks = tokenize(text)?;
    let mut p = Parser { toks, at: 0, end_col: text.chars().count() + 1 };
    let mut clauses = Vec::new();
    loop {
        let lhs = p.side()?;
        let op_col = p.col();
        let op = p.op()?;
        let rhs_col = p.col();
        let rhs = p.side()?;
        clauses.push(typed(lhs, op, op_col, rhs, rhs_col)?);
        match p.peek() {
            None => break,
            Some(Tok::Word(w)) if w == "and" => p.at += 1,
            Some(_) => return p.err(CondProblem::ExpectedAnd),
        }
    }
    Ok(Cond { text: text.trim().to_string(), clauses })
}

fn typed(lhs: Side, op: Op, op_col: usize, rhs: Side, rhs_col: usize) -> Result<Clause, CondError> {
    let (lhs, rhs, ty) = match (lhs, rhs) {
        (Side::Typed(l, lt), Side::Typed(r, rt)) => {
            // A number literal against text compares as text (`n3 get x == 1`).
            let r = match (lt, r) {
                (Ty::Str, Expr::Int(n)) => Expr::Str(n.to_string()),
                (_, r) => r,
            };
            let rt = if lt == Ty::Str && rt == Ty::Int { Ty::Str } else { rt };
            if lt != rt {
                return Err(CondError { problem: CondProblem::Mismatch { lhs: lt, rhs: rt }, col: rhs_col });
            }
            (l, r, lt)
        }
        (Side::Typed(l, lt), Side::Word(w, c)) => (l, settle(&w, c, lt)?, lt),
        (Side::Word(w, c), Side::Typed(r, rt)) => (settle(&w, c, rt)?, r, rt),
        (Side::Word(a, ac), Side::Word(b, bc)) => (settle(&a, ac, Ty::Node)?, settle(&b, bc, Ty::Node)?, Ty::Node),
    };
    let ordered = matches!(op, Op::Lt | Op::Le | Op::Gt | Op::Ge);
    if ordered && ty != Ty::Int {
        return Err(CondError { problem: CondProblem::OrderNeedsNumbers { op: op.text(), ty }, col: op_col });
    }
    if op == Op::Contains && ty != Ty::Str {
        return Err(CondError { problem: CondProblem::ContainsNeedsText(ty), col: op_col });
    }
    Ok(Clause { lhs, op, rhs })
}

/// The node names a condition mentions, for the checker's reachability test.
pub fn nodes_named(cond: &Cond) -> Vec<u64> {
    let mut out = Vec::new();
    for c in &cond.clauses {
        for e in [&c.lhs, &c.rhs] {
            if let Expr::Node(NodeName::Id(id))
            | Expr::Call(_, NodeName::Id(id))
            | Expr::Get(NodeName::Id(id), _)
            | Expr::Entry(NodeName::Id(id), _) = e
            {
                out.push(*id);
            }
        }
    }
    out
}

pub use super::eval::{eval, Outcome, Scope};

#[cfg(test)]
mod tests {
    use super::*;

    fn err(s: &str) -> (String, usize) {
        let e = parse(s).unwrap_err();
        (e.to_string(), e.col)
    }

    #[test]
    fn problems_are_variants_with_the_checkers_text() {
        let e = parse("term(n1) = 2").unwrap_err();
        assert_eq!((e.problem.clone(), e.col), (CondProblem::SingleEquals, 10));
        assert_eq!(e.to_string(), "use == to compare, not =");
        let e = parse("role(n2) < leader").unwrap_err();
        assert_eq!(e.problem, CondProblem::OrderNeedsNumbers { op: "<", ty: Ty::Role });
        assert_eq!(e.to_string(), "< compares numbers, not a role");
        let e = parse("term(n1) == leader").unwrap_err();
        assert_eq!(e.problem, CondProblem::NotANumber("leader".into()));
        assert_eq!(e.to_string(), "expected a number, found \"leader\"");
    }

    #[test]
    fn parses_the_issue_examples() {
        for s in [
            "leader != n1",
            "n3 get x == 1",
            "term(n2) > 3",
            "committed(n4) == committed(leader)",
            "role(n5) == learner",
            "reply == \"Error: etcdserver: request timed out\"",
            "leader == the old leader",
            "alive(a follower) == true and term(n1) >= 2",
            "output contains \"PUT\"",
            "n1 get svc/a == none",
        ] {
            assert!(parse(s).is_ok(), "{s}: {:?}", parse(s));
        }
        let c = parse("role(n5) == learner").unwrap();
        assert_eq!(c.clauses[0].rhs, Expr::Role(Role::Learner));
        let c = parse("leader != n1").unwrap();
        assert_eq!(c.clauses[0].lhs, Expr::Node(NodeName::Leader));
        assert_eq!(c.clauses[0].rhs, Expr::Node(NodeName::Id(1)));
        let c = parse("n3 get x == 1").unwrap();
        assert_eq!(c.clauses[0].rhs, Expr::Str("1".into()));
    }

    #[test]
    fn errors_name_the_column_and_what_was_expected() {
        assert_eq!(
            err("role(n5) == boss"),
            (
                "expected a role (follower, pre-candidate, candidate, leader, learner or dead), found \"boss\"".into(),
                13
            )
        );
        assert_eq!(err("term(n2) = 3"), ("use == to compare, not =".into(), 10));
        assert_eq!(err("term(n2) > n1"), ("expected a number, found \"n1\"".into(), 12));
        assert_eq!(err("leader < n2"), ("< compares numbers, not a node".into(), 8));
        assert_eq!(err("term n2 > 1"), ("term takes a node in parentheses, e.g. term(n1)".into(), 6));
        assert_eq!(
            err("term(n12) > 1"),
            ("expected a node (n1…n9, leader, a follower, the old leader or none), found \"n12\"".into(), 6)
        );
        assert_eq!(err("leader"), ("expected a comparison: ==, !=, <, <=, >, >= or contains".into(), 7));
        assert_eq!(err("reply == \"oops"), ("unterminated string: add the closing \"".into(), 10));
        assert_eq!(err("leader != n1 or leader == n2"), ("expected \"and\" or the end of the condition".into(), 14));
    }
}

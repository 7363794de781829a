//! Whether two translations of a lesson play the same: the same cluster, and step by step
//! the same actions, waits and checks, whatever their prose. When they do, playing one of
//! them on real etcd judges both.
//!
//! Contract: pure; `same_play` names the first step and item where they differ.

use crate::lesson::cond::Clause;
use crate::lesson::{Item, Lesson, NodeName};

#[derive(Debug, PartialEq, Eq)]
enum Played {
    Action(String, Option<NodeName>),
    Pause(u64),
    Wait(Vec<Clause>, u64),
    Expect(Vec<Clause>),
    /// Options offered and the right one.
    Predict(usize, usize),
    Turn(Vec<Clause>, u64, Vec<Played>),
}

fn played(item: &Item) -> Played {
    match item {
        Item::Action { line, endpoint, .. } => Played::Action(line.clone(), *endpoint),
        Item::Pause { ms, .. } => Played::Pause(*ms),
        Item::WaitUntil { cond, within_ms, .. } => Played::Wait(cond.clauses.clone(), *within_ms),
        Item::Expect { cond, .. } => Played::Expect(cond.clauses.clone()),
        Item::Predict(p) => Played::Predict(p.options.len(), p.answer),
        Item::YourTurn(y) => Played::Turn(y.goal.clauses.clone(), y.within_ms, y.solution.iter().map(played).collect()),
    }
}

/// `Ok` when `a` and `b` play alike; else where they first differ.
pub fn same_play(a: &Lesson, b: &Lesson) -> Result<(), String> {
    if a.cluster != b.cluster {
        return Err(format!("{} and {} set up different clusters", a.file, b.file));
    }
    if a.steps.len() != b.steps.len() {
        return Err(format!("{} has {} steps, {} has {}", a.file, a.steps.len(), b.file, b.steps.len()));
    }
    for (k, (sa, sb)) in a.steps.iter().zip(&b.steps).enumerate() {
        let (pa, pb): (Vec<Played>, Vec<Played>) =
            (sa.items.iter().map(played).collect(), sb.items.iter().map(played).collect());
        if pa.len() != pb.len() {
            return Err(format!(
                "step {}: {}:{} has {} lab lines, {}:{} has {}",
                k + 1,
                a.file,
                sa.pos.line,
                pa.len(),
                b.file,
                sb.pos.line,
                pb.len()
            ));
        }
        for (i, (x, y)) in pa.iter().zip(&pb).enumerate() {
            if x != y {
                let (ia, ib) = (&sa.items[i], &sb.items[i]);
                return Err(format!("{}:{} and {}:{} play differently", a.file, ia.pos().line, b.file, ib.pos().line));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lesson(lang: &str, question: &str, check: &str) -> Lesson {
        let text = format!(
            "+++\nid = \"t\"\nnumber = 1\ntitle = \"T\"\nlanguage = \"{lang}\"\nsummary = \"s\"\nminutes = 5\nlevel = \"beginner\"\n\n[cluster]\nnodes = 3\nseed = 7\n+++\n\n## A\n\n```lab\nwait until leader != none within 5s\npredict: {question}\noption: a\noption: b\nanswer: 1\nexplain: e\n{check}\n```\n"
        );
        crate::lesson::parse(&format!("{lang}.md"), &text).unwrap()
    }

    #[test]
    fn prose_may_differ_but_not_what_is_played() {
        let en = lesson("en", "Who leads?", "expect term(leader) == 2");
        assert_eq!(same_play(&en, &lesson("zh", "谁是领导者？", "expect term(leader)  ==  2")), Ok(()));
        let err = same_play(&en, &lesson("zh", "谁是领导者？", "expect term(leader) == 3")).unwrap_err();
        assert_eq!(err, "en.md:24 and zh.md:24 play differently");
    }
}

//! Running lessons headless: what `raftlab lesson run` and `make test` do with each file.
//!
//! Contract: `run` plays every step from the lesson's seed with `Mode::Headless` (predicts
//! answered right, your-turn solutions performed) and reports every item's mark. A lesson
//! passes only if no mark is a failure and the lab found no safety violation (which can only
//! be a bug in the engine or raft-rs, never in the lesson). The same lesson always gives the same report and
//! the same trace hash.

use crate::lab::Lab;

use super::model::{Item, Lesson};
use super::player::{Mark, Mode, Player, Status};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepReport {
    pub title: String,
    /// (line, what the item was, its mark).
    pub items: Vec<(usize, String, Mark)>,
}

impl StepReport {
    pub fn failures(&self) -> usize {
        self.items.iter().filter(|(_, _, m)| matches!(m, Mark::Fail(_))).count()
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    pub file: String,
    pub steps: Vec<StepReport>,
    pub end_ms: u64,
    pub trace_hash: u64,
    /// The lab's first safety violation, in words, if it found one.
    pub safety: Option<String>,
}

impl Report {
    pub fn failures(&self) -> usize {
        self.steps.iter().map(StepReport::failures).sum::<usize>() + usize::from(self.safety.is_some())
    }

    /// The report as `raftlab lesson run` prints it.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for (i, s) in self.steps.iter().enumerate() {
            let verdict = if s.failures() == 0 { "ok" } else { "FAILED" };
            out.push_str(&format!("  step {}: {} ... {verdict}\n", i + 1, s.title));
            for (line, what, mark) in &s.items {
                if let Mark::Fail(why) = mark {
                    out.push_str(&format!("    {}:{line}: {what}: {why}\n", self.file));
                }
            }
        }
        if let Some(why) = &self.safety {
            out.push_str(&format!("  safety ... FAILED\n    {}: {why}\n", self.file));
        }
        out
    }
}

/// A short name for an item, as the report prints it.
pub fn describe(item: &Item) -> String {
    match item {
        Item::Action { line, .. } => line.clone(),
        Item::Pause { ms, .. } => format!("wait {ms}ms"),
        Item::WaitUntil { cond, .. } => format!("wait until {}", cond.text),
        Item::Expect { cond, .. } => format!("expect {}", cond.text),
        Item::Predict(p) => format!("predict: {}", p.question),
        Item::YourTurn(y) => format!("your-turn: {} (goal {})", y.task, y.goal.text),
    }
}

pub fn run(lesson: &Lesson) -> Result<Report, crate::lab::LabError> {
    let mut lab = Lab::new(lesson.cluster.clone())?;
    let mut player = Player::new(lesson.clone(), &lab);
    let mut steps = Vec::new();
    loop {
        let status = player.poll(&mut lab, u64::MAX, Mode::Headless);
        debug_assert_eq!(status, Status::StepDone, "headless mode never waits for a learner");
        let step = &lesson.steps[player.step()];
        let items = step
            .items
            .iter()
            .zip(&player.marks)
            .map(|(item, mark)| (item.pos().line, describe(item), mark.clone()))
            .collect();
        steps.push(StepReport { title: step.title.clone(), items });
        if !player.next(&lab) {
            break;
        }
    }
    let cluster = lab.session().cluster();
    let safety = lab
        .safety()
        .found
        .as_ref()
        .map(|f| format!("{} violated at {} ms ({:?}): {}", f.invariant, f.at_ms, f.after, f.detail));
    Ok(Report { file: lesson.file.clone(), steps, end_ms: cluster.now_ms(), trace_hash: cluster.trace_hash(), safety })
}

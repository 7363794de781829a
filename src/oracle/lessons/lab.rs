//! The lab's side of a lesson, for the oracle: every check's mark as the lab gives it (to
//! print beside a real value that differs) and the lab console's transcript (so that an
//! expected text the lab minted, a lease id, can be masked as the real one is).
//!
//! Contract: `run` plays the lesson headless from its seed exactly as `raftlab lesson run`
//! does, and is as deterministic.

use crate::lesson::{Lesson, Mark, Mode, Player};
use crate::oracle::mask::Masker;
use crate::oracle::transcript::{StepRecord, Transcript};
use crate::ui::lab::Lab;

pub struct LabRun {
    /// Each step's marks, one per item, as the lab left them.
    pub marks: Vec<Vec<Mark>>,
    /// What the lab console printed, line by line, as a transcript (for `masker`).
    pub transcript: Transcript,
}

impl LabRun {
    /// The masks the lab's own output needs: its leases and added members, in order.
    pub fn masker(&self) -> Masker {
        Masker::new(&self.transcript)
    }

    /// The lab's mark for item `item` of step `step`, in words.
    pub fn mark(&self, step: usize, item: usize) -> String {
        match self.marks.get(step).and_then(|m| m.get(item)) {
            Some(Mark::Pass(d)) if d.is_empty() => "holds".into(),
            Some(Mark::Pass(d)) => format!("holds: {d}"),
            Some(Mark::Fail(d)) => format!("FAILS: {d}"),
            Some(other) => format!("{other:?}"),
            None => "not reached".into(),
        }
    }
}

pub fn run(lesson: &Lesson) -> Result<LabRun, String> {
    let mut lab = Lab::new(lesson.cluster.clone())?;
    let mut player = Player::new(lesson.clone(), &lab);
    let mut marks = Vec::new();
    loop {
        player.poll(&mut lab, u64::MAX, Mode::Headless);
        marks.push(player.marks.clone());
        if !player.next(&lab) {
            break;
        }
    }
    let steps = lab
        .transcript
        .iter()
        .filter(|s| !s.line.is_empty())
        .map(|s| StepRecord::new(&s.line, &[]).with_output(&s.out, ""))
        .collect();
    Ok(LabRun {
        marks,
        transcript: Transcript { scenario: lesson.meta.id.clone(), side: "lab".into(), steps, ..Default::default() },
    })
}

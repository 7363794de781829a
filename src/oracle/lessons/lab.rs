//! The lab's side of a lesson, for the oracle: every check's mark as the lab gives it (to
//! print beside a real value that differs) and the lab console's transcript (so that an
//! expected text the lab minted, a lease id, can be masked as the real one is).
//!
//! Contract: `run` plays the lesson headless from its seed exactly as `raftlab lesson run`
//! does, and is as deterministic.

use crate::lab::Lab;
use crate::lesson::{Lesson, Mark, Mode, Player, Status};
use crate::oracle::mask::Masker;
use crate::oracle::transcript::{StepRecord, Transcript};

pub struct LabRun {
    /// Each step's marks, one per item, as the lab left them.
    pub marks: Vec<Vec<Mark>>,
    /// Each step's items: (simulated ms when it started, when its mark was final), to
    /// give a wait the real cluster cannot judge as much time as it took in the lab.
    pub times: Vec<Vec<(Option<u64>, Option<u64>)>>,
    /// What the lab console printed, line by line, as a transcript (for `masker`): one
    /// step per console line the lesson sent, in order (`run` lines are waits, not sent).
    pub transcript: Transcript,
}

/// The member a lab console line acted on, when the lesson named it symbolically: the
/// lab writes `on leader:` as `--endpoints=nK`, substitutes `a follower` and `the old
/// leader`, and says which member `leader` was (`n2 killed (it was the leader)`).
pub fn member_acted_on(line: &str, out: &str) -> Option<u64> {
    let node = |w: &str| w.strip_prefix('n').and_then(|d| d.parse::<u64>().ok());
    if let Some(eps) = line.rsplit_once("--endpoints=").map(|(_, e)| e) {
        return node(eps.split([',', ' ']).next()?);
    }
    let words: Vec<&str> = line.split_whitespace().filter(|w| *w != "lab").collect();
    match words.as_slice() {
        [_, arg] if node(arg).is_some() => node(arg),
        [_, "leader"] => node(out.split_whitespace().next()?),
        _ => None,
    }
}

impl LabRun {
    /// The masks the lab's own output needs: its leases and added members, in order.
    pub fn masker(&self) -> Masker {
        Masker::new(&self.transcript)
    }

    /// How long item `item` of step `step` took in the lab, from its start to its mark.
    pub fn took_ms(&self, step: usize, item: usize) -> Option<u64> {
        match self.times.get(step)?.get(item)? {
            (Some(a), Some(b)) => Some(b.saturating_sub(*a)),
            _ => None,
        }
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

/// The lab's first leader for this lesson: (node, term, milliseconds after the start),
/// if one is elected within `limit_ms` with nothing done to the cluster.
pub fn first_leader(lesson: &Lesson, limit_ms: u64) -> Result<Option<(u64, u64, u64)>, String> {
    let mut lab = Lab::new(lesson.cluster.clone()).map_err(|e| e.to_string())?;
    while lab.now_ms() < limit_ms {
        let cluster = lab.session().cluster();
        if let Some(l) = cluster.leader() {
            let term = cluster.node_view(l).map(|v| v.term).unwrap_or(0);
            return Ok(Some((l, term, lab.now_ms())));
        }
        match cluster.next_event_at() {
            Some(_) => lab.advance_event(),
            None => return Ok(None),
        }
    }
    Ok(None)
}

pub fn run(lesson: &Lesson) -> Result<LabRun, String> {
    let mut lab = Lab::new(lesson.cluster.clone()).map_err(|e| e.to_string())?;
    let mut player = Player::new(lesson.clone(), &lab);
    let mut marks = Vec::new();
    let mut times = Vec::new();
    loop {
        // A millisecond at a time, to see when each item starts and ends; the player
        // plays the same instants whatever its budget per poll.
        let mut t: Vec<(Option<u64>, Option<u64>)> = vec![(None, None); player.marks.len()];
        loop {
            let until = lab.now_ms() + 1;
            let status = player.poll(&mut lab, until, Mode::Headless);
            let now = lab.now_ms();
            for (i, m) in player.marks.iter().enumerate() {
                if *m != Mark::NotYet && t[i].0.is_none() {
                    t[i].0 = Some(now);
                }
                if !matches!(m, Mark::NotYet | Mark::Running) && t[i].1.is_none() {
                    t[i].1 = Some(now);
                }
            }
            if status == Status::StepDone {
                break;
            }
        }
        times.push(t);
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
        times,
        transcript: Transcript { scenario: lesson.meta.id.clone(), side: "lab".into(), steps, ..Default::default() },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_member_a_lab_line_acted_on() {
        assert_eq!(member_acted_on("get x --endpoints=n3", "x\n1"), Some(3));
        assert_eq!(member_acted_on("kill leader", "n2 killed (it was the leader)"), Some(2));
        assert_eq!(member_acted_on("restart n1", "n1 restarted"), Some(1));
        assert_eq!(member_acted_on("lab isolate leader", "n4 isolated"), Some(4));
        assert_eq!(member_acted_on("kill leader", "Error: there is no leader right now"), None);
        assert_eq!(member_acted_on("partition n1,n2 n3", "partitioned"), None);
    }

    #[test]
    fn a_millisecond_at_a_time_the_lab_plays_as_lesson_run_does() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/lessons/en/03-leader-dies.md");
        let text = std::fs::read_to_string(path).unwrap();
        let lesson = crate::lesson::parse("03-leader-dies.md", &text).unwrap();
        let mine = run(&lesson).unwrap();
        let report = crate::lesson::run::run(&lesson).unwrap();
        for (k, step) in report.steps.iter().enumerate() {
            let marks: Vec<&Mark> = step.items.iter().map(|(_, _, m)| m).collect();
            assert_eq!(marks, mine.marks[k].iter().collect::<Vec<_>>(), "step {}", k + 1);
        }
        // The first wait (for the first leader) took simulated time (the election ticks
        // fast-forward at start, as etcd's do); an expect took none.
        assert!(mine.took_ms(0, 0).is_some_and(|ms| ms > 100), "{:?}", mine.times[0]);
        assert_eq!(mine.took_ms(0, 1), Some(0));
        assert!(mine.masker().text_of("put x 1", "OK", false) == "OK");
        let first = first_leader(&lesson, 10_000).unwrap().unwrap();
        assert_eq!(first.1, 2, "the first leader leads term 2");
    }
}

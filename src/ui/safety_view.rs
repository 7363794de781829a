//! What the safety strip shows: one mark per Raft safety property, and the alarm when one
//! was violated.
//!
//! Contract: a pure function of the language and the lab's `SafetyStatus`. Every mark has a
//! visible name and a glyph (✓ holds, ✗ violated), so its state never rests on colour
//! alone; its title (also its accessible name) says in one sentence what the property
//! means and that it is checked after every event on the real raft-rs nodes, then whether
//! it held. `Latch` decides when the model must pause: once, when a violation first shows.

use crate::engine::invariants::Property;
use crate::lab::safety::{After, Found, SafetyStatus};
use crate::ui::i18n::{t, Lang, Text};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MarkView {
    /// `election-safety` and so on: the mark's id is `safety-` and this.
    pub slug: &'static str,
    pub name: &'static str,
    pub ok: bool,
    pub glyph: &'static str,
    /// The hover text and accessible name.
    pub title: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlarmView {
    /// "Safety violation: " and the property.
    pub heading: String,
    /// The engine's evidence.
    pub detail: String,
    /// When it was found, and after what.
    pub when: String,
    pub bug: &'static str,
    pub report: &'static str,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SafetyView {
    pub label: &'static str,
    pub marks: Vec<MarkView>,
    pub alarm: Option<AlarmView>,
}

fn name(lang: Lang, p: Property) -> &'static str {
    t(
        lang,
        match p {
            Property::ElectionSafety => Text::SafetyElection,
            Property::LogMatching => Text::SafetyLogMatching,
            Property::LeaderCompleteness => Text::SafetyCompleteness,
            Property::StateMachineSafety => Text::SafetyStateMachine,
        },
    )
}

fn means(lang: Lang, p: Property) -> &'static str {
    t(
        lang,
        match p {
            Property::ElectionSafety => Text::SafetyElectionMeans,
            Property::LogMatching => Text::SafetyLogMatchingMeans,
            Property::LeaderCompleteness => Text::SafetyCompletenessMeans,
            Property::StateMachineSafety => Text::SafetyStateMachineMeans,
        },
    )
}

fn after(lang: Lang, a: &After) -> String {
    match a {
        After::Start => t(lang, Text::SafetyAfterStart).to_string(),
        After::Time => t(lang, Text::SafetyAfterTime).to_string(),
        After::Rewind => t(lang, Text::SafetyAfterRewind).to_string(),
        After::Console(line) => format!("{} {line}", t(lang, Text::SafetyAfterConsole)),
        After::Action(action) => format!("{} {action}", t(lang, Text::SafetyAfterAction)),
    }
}

/// Between sentences: a space in English, none after Chinese full-width punctuation.
fn gap(lang: Lang) -> &'static str {
    match lang {
        Lang::En => " ",
        Lang::ZhCn => "",
    }
}

fn colon(lang: Lang) -> &'static str {
    match lang {
        Lang::En => ": ",
        Lang::ZhCn => "：",
    }
}

fn alarm(lang: Lang, f: &Found) -> AlarmView {
    AlarmView {
        heading: format!("{}{}{}", t(lang, Text::SafetyAlarm), colon(lang), name(lang, f.property)),
        detail: format!("{}: {}", f.invariant, f.detail),
        when: format!(
            "{} {}.{:03} s · {} {}",
            t(lang, Text::SafetyFoundAt),
            f.at_ms / 1000,
            f.at_ms % 1000,
            t(lang, Text::SafetyAfter),
            after(lang, &f.after)
        ),
        bug: t(lang, Text::SafetyBug),
        report: t(lang, Text::SafetyReport),
    }
}

pub fn safety_view(lang: Lang, status: &SafetyStatus) -> SafetyView {
    let marks = Property::ALL
        .iter()
        .map(|&p| {
            let ok = status.holds(p);
            let sentence = format!("{}{}", means(lang, p), t(lang, Text::SafetyChecked));
            let state = match status.found.as_ref().filter(|_| !ok) {
                Some(f) => format!("{}{}{}", t(lang, Text::SafetyViolated), gap(lang), f.detail),
                None => t(lang, Text::SafetyHolds).to_string(),
            };
            MarkView {
                slug: p.slug(),
                name: name(lang, p),
                ok,
                glyph: if ok { "✓" } else { "✗" },
                title: format!("{sentence}{}{state}", gap(lang)),
            }
        })
        .collect();
    SafetyView { label: t(lang, Text::SafetyStrip), marks, alarm: status.found.as_ref().map(|f| alarm(lang, f)) }
}

/// Remembers whether the current lab's violation was already acted on, so the model pauses
/// once when it appears (the learner may play on afterwards, on purpose).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Latch {
    seen: bool,
}

impl Latch {
    /// True exactly once per lab: the first time `status` shows a violation.
    pub fn newly_violated(&mut self, status: &SafetyStatus) -> bool {
        let fresh = status.found.is_some() && !self.seen;
        self.seen |= fresh;
        fresh
    }

    /// A new lab: its violations are new.
    pub fn reset(&mut self) {
        self.seen = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found() -> SafetyStatus {
        SafetyStatus {
            checks: 12,
            found: Some(Found {
                property: Property::LogMatching,
                invariant: "log matching",
                detail: "n1 and n3 hold different entries at index 7, both of term 2".into(),
                at_ms: 12_345,
                after: After::Console("put x 1".into()),
            }),
        }
    }

    #[test]
    fn four_green_marks_in_order_each_explaining_itself() {
        let v = safety_view(Lang::En, &SafetyStatus::default());
        let marks: Vec<_> = v.marks.iter().map(|m| (m.slug, m.name, m.ok, m.glyph)).collect();
        assert_eq!(
            marks,
            [
                ("election-safety", "Election safety", true, "✓"),
                ("log-matching", "Log matching", true, "✓"),
                ("leader-completeness", "Leader completeness", true, "✓"),
                ("state-machine-safety", "State machine safety", true, "✓"),
            ]
        );
        assert_eq!(
            v.marks[0].title,
            "Election safety: at most one leader is elected in each term, checked after every event on the real raft-rs nodes. It has held so far."
        );
        assert_eq!(v.alarm, None);
        assert_eq!(v.label, "Raft safety");
    }

    #[test]
    fn a_violation_turns_only_its_mark_red_with_the_evidence_and_raises_the_alarm() {
        let v = safety_view(Lang::En, &found());
        let ok: Vec<_> = v.marks.iter().map(|m| (m.ok, m.glyph)).collect();
        assert_eq!(ok, [(true, "✓"), (false, "✗"), (true, "✓"), (true, "✓")]);
        assert_eq!(
            v.marks[1].title,
            "Log matching: two logs that hold an entry with the same index and term are identical up to that entry, checked after every event on the real raft-rs nodes. Violated: n1 and n3 hold different entries at index 7, both of term 2"
        );
        let alarm = v.alarm.expect("an alarm");
        assert_eq!(alarm.heading, "Safety violation: Log matching");
        assert_eq!(alarm.detail, "log matching: n1 and n3 hold different entries at index 7, both of term 2");
        assert_eq!(alarm.when, "Found at 12.345 s · after the console line put x 1");
        assert_eq!(alarm.report, "Copy link to report");
    }

    #[test]
    fn in_chinese_the_marks_and_alarm_use_the_standard_terms() {
        let v = safety_view(Lang::ZhCn, &found());
        let names: Vec<_> = v.marks.iter().map(|m| m.name).collect();
        assert_eq!(names, ["选举安全", "日志匹配", "领导者完整性", "状态机安全"]);
        assert_eq!(
            v.marks[0].title,
            "选举安全：每个任期最多选出一个领导者，在真实的 raft-rs 节点上每个事件之后都会检查。到目前为止一直成立。"
        );
        assert_eq!(
            v.marks[1].title.rsplit_once('。').map(|(_, s)| s),
            Some("已被违反：n1 and n3 hold different entries at index 7, both of term 2")
        );
        let alarm = v.alarm.unwrap();
        assert_eq!(alarm.heading, "安全性被违反：日志匹配");
        assert_eq!(alarm.when, "发现于 12.345 s · 紧随 控制台命令 put x 1");
    }

    #[test]
    fn the_model_pauses_once_per_lab_when_a_violation_first_shows() {
        let mut latch = Latch::default();
        assert!(!latch.newly_violated(&SafetyStatus::default()));
        assert!(latch.newly_violated(&found()));
        assert!(!latch.newly_violated(&found()), "not again: the learner may play on");
        latch.reset();
        assert!(latch.newly_violated(&found()), "a new lab's violation pauses it again");
    }
}

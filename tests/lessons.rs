//! Lessons: the format's errors, the player's promises, and every lesson in `lessons/`
//! played headless (a lesson whose claim is false fails this test, and so CI).

use raftlab::lab::Lab;
use raftlab::lesson::parse::RewindError;
use raftlab::lesson::{self, index, run, Item, Mark, Mode, Player, Status};

const SMALL: &str = r#"+++
id = "small"
number = 99
title = "Small"
language = "en"
summary = "A test lesson."
minutes = 5
level = "beginner"

[cluster]
nodes = 3
seed = 7
+++

Intro.

## Election

```lab
wait until leader != none within 5s
expect term(leader) == 2
put x 1
expect reply == "OK"
```

## Kill

```lab
predict: What is the next leader's term?
option: 2
option: 3 or more
answer: 2
explain: A new election, a new term.
your-turn: Kill the leader.
goal: alive(the old leader) == false
solution: kill leader
wait until leader != none within 5s
expect term(leader) >= 3
expect leader != the old leader
```

## Back

```lab
restart the old leader
wait until role(the old leader) == follower within 5s
wait 1s
expect n1 get x == 1 and n2 get x == 1 and n3 get x == 1
```
"#;

fn small() -> lesson::Lesson {
    lesson::parse("small.md", SMALL).expect("the small lesson parses")
}

fn errors(text: &str) -> Vec<String> {
    match lesson::parse("bad.md", text) {
        Ok(_) => Vec::new(),
        Err(errs) => errs.into_iter().map(|e| e.to_string()).collect(),
    }
}

/// SMALL with one line of the first lab block replaced.
fn with_line(old: &str, new: &str) -> String {
    assert!(SMALL.contains(old), "{old}");
    SMALL.replacen(old, new, 1)
}

#[test]
fn errors_give_file_line_col_and_what_was_expected() {
    assert_eq!(
        errors(&with_line("put x 1", "frobnicate x")),
        vec!["bad.md:22:1: unknown or bad command: Error: unknown command \"frobnicate\" for \"etcdctl\"".to_string()]
    );
    assert_eq!(
        errors(&with_line("expect term(leader) == 2", "expect term(leader) = 2")),
        vec!["bad.md:21:21: bad condition: use == to compare, not =".to_string()]
    );
    assert_eq!(
        errors(&with_line("expect term(leader) == 2", "expect role(n2) == boss")),
        vec![
            "bad.md:21:20: bad condition: expected a role (follower, pre-candidate, candidate, leader, learner or dead), found \"boss\""
                .to_string()
        ]
    );
    assert_eq!(
        errors(&with_line("put x 1", "kill n4")),
        vec![
            "bad.md:22:6: n4 does not exist here: the cluster has n1 to n3 at this point (add members with member add)"
                .to_string()
        ]
    );
    assert_eq!(
        errors(&with_line("expect term(leader) == 2", "expect term(n5) == 2")),
        vec!["bad.md:21:13: n5 does not exist here: the cluster has n1 to n3 at this point (add members with member add)"
            .to_string()]
    );
    // After a member add, n4 exists.
    assert_eq!(
        errors(&with_line("put x 1", "member add n4 --learner\nexpect role(n4) == learner")),
        Vec::<String>::new()
    );
    assert_eq!(
        errors(&with_line("wait until leader != none within 5s", "wait until leader != none")),
        vec!["bad.md:20:12: wait until needs a limit: wait until <condition> within <duration>".to_string()]
    );
    assert_eq!(
        errors(&with_line("wait 1s", "wait 1 second")),
        vec!["bad.md:47:6: expected a duration such as 500ms, 2s or 1m, found \"1 second\" (or: wait until <condition> within <duration>)"
            .to_string()]
    );
    assert_eq!(
        errors(&with_line("answer: 2", "answer: 5")),
        vec!["bad.md:29:1: predict: answer 5 but there are only 2 options".to_string()]
    );
    assert_eq!(
        errors(&with_line("goal: alive(the old leader) == false\n", "")),
        vec!["bad.md:34:1: your-turn: needs a goal: line, the condition the learner must make true".to_string()]
    );
    assert_eq!(
        errors(&with_line("put x 1", "txn -i")),
        vec!["bad.md:22:1: a lesson cannot type into txn's prompts: use the one-line form, txn <compares> then <ops> else <ops>"
            .to_string()]
    );
    assert_eq!(
        errors(&with_line("put x 1", "put x $lease2")),
        vec!["bad.md:22:7: unknown variable: a lesson line may use $lease, $member(nK) or $$ for a $".to_string()]
    );
}

#[test]
fn front_matter_errors_point_into_the_front_matter() {
    assert_eq!(
        errors(&with_line("minutes = 5", "minutes = \"five\"")),
        vec!["bad.md:7:11: front matter: invalid type: string \"five\", expected u32 for key `minutes`".to_string()]
    );
    assert_eq!(
        errors(&with_line("level = \"beginner\"", "level = \"expert\"")),
        vec!["bad.md:8:1: level must be \"beginner\", \"intermediate\" or \"advanced\", got \"expert\"".to_string()]
    );
    assert_eq!(
        errors(&with_line("nodes = 3", "nodes = 12")),
        vec!["bad.md:10:1: [cluster]: nodes must be 1 to 9, got 12".to_string()]
    );
    assert_eq!(
        errors(&with_line("seed = 7", "seed = 7\nspeed = 2")),
        vec!["bad.md:13:1: front matter: unknown field `speed`, expected one of `nodes`, `seed`, `tick-ms`, `heartbeat-tick`, `election-tick`, `latency-ms`, `jitter-ms`, `pre-vote`, `check-quorum`, `snapshot-count`, `snapshot-catchup-entries`, `quota-bytes`, `command-timeout-ms`, `max-request-bytes`, `max-size-per-msg` for key `cluster`".to_string()]
    );
    assert_eq!(
        errors("# no front matter\n"),
        vec!["bad.md:1:1: expected front matter: the file must start with a line \"+++\"".to_string()]
    );
}

#[test]
fn a_lesson_must_ask_something_of_the_learner() {
    let passive = SMALL.split("## Kill").next().unwrap().to_string();
    assert_eq!(
        errors(&passive),
        vec!["bad.md:17:1: a lesson needs at least one predict: or your-turn: step, so the learner does something"
            .to_string()]
    );
}

#[test]
fn the_small_lesson_runs_green_and_replays_bit_for_bit() {
    let l = small();
    let a = run::run(&l).unwrap();
    assert_eq!(a.failures(), 0, "{}", a.render());
    assert_eq!(a.steps.len(), 3);
    let b = run::run(&l).unwrap();
    assert_eq!((a.end_ms, a.trace_hash), (b.end_ms, b.trace_hash));
}

#[test]
fn a_false_claim_fails_and_names_its_line() {
    let l = lesson::parse("false.md", &with_line("expect term(leader) == 2", "expect term(leader) == 5")).unwrap();
    let r = run::run(&l).unwrap();
    assert_eq!(r.failures(), 1);
    let (line, what, mark) = &r.steps[0].items[1];
    assert_eq!((*line, what.as_str()), (21, "expect term(leader) == 5"));
    assert_eq!(mark, &Mark::Fail("term(leader) = 2".into()));
    assert!(r.render().contains("false.md:21: expect term(leader) == 5: term(leader) = 2"), "{}", r.render());
}

/// Plays the lesson as the browser does: small time budgets per poll, the learner answering
/// and (here) asking for the solution. It must reach each step's end at the same instant as
/// the headless run.
#[test]
fn frame_by_frame_play_matches_headless_timing() {
    let l = small();
    let headless = {
        let mut lab = Lab::new(l.cluster.clone()).unwrap();
        let mut p = Player::new(l.clone(), &lab);
        let mut ends = Vec::new();
        loop {
            assert_eq!(p.poll(&mut lab, u64::MAX, Mode::Headless), Status::StepDone);
            ends.push((lab.now_ms(), p.marks.clone()));
            if !p.next(&lab) {
                break;
            }
        }
        ends
    };
    let mut lab = Lab::new(l.cluster.clone()).unwrap();
    let mut p = Player::new(l.clone(), &lab);
    let mut ends = Vec::new();
    let mut polls = 0;
    loop {
        polls += 1;
        assert!(polls < 10_000, "the lesson never finished");
        let until = lab.now_ms() + 37;
        match p.poll(&mut lab, until, Mode::Learner) {
            Status::Busy => assert!(lab.now_ms() <= until),
            Status::Ask(_) => p.answer(0),
            Status::Turn(_) => p.solve(),
            Status::StepDone => {
                ends.push((lab.now_ms(), p.marks.clone()));
                if !p.next(&lab) {
                    break;
                }
            }
        }
    }
    assert_eq!(ends.len(), headless.len());
    for (i, ((t, marks), (ht, hmarks))) in ends.iter().zip(&headless).enumerate() {
        assert_eq!(t, ht, "step {} ends at the same instant", i + 1);
        if i == 1 {
            assert_eq!(marks[0], Mark::Answered { chosen: 0, right: false }, "the learner's wrong answer is kept");
            assert_eq!(&marks[1..], &hmarks[1..]);
        } else {
            assert_eq!(marks, hmarks);
        }
    }
    assert!(polls > 20, "time moved in frame-sized slices ({polls} polls)");
}

#[test]
fn going_back_rewinds_to_the_step_start_and_replays_it() {
    let l = small();
    let mut lab = Lab::new(l.cluster.clone()).unwrap();
    let mut p = Player::new(l, &lab);
    assert_eq!(p.poll(&mut lab, u64::MAX, Mode::Headless), Status::StepDone);
    let step2_start = lab.now_ms();
    p.next(&lab);
    assert_eq!(p.poll(&mut lab, u64::MAX, Mode::Headless), Status::StepDone);
    let first_marks = p.marks.clone();
    let end = lab.now_ms();
    let leader_after = lab.session().cluster().leader();
    assert!(end > step2_start);
    p.rewind_to(&mut lab, 1).unwrap();
    assert_eq!(lab.now_ms(), step2_start);
    assert!(lab.session().cluster().is_alive(leader_after.unwrap()), "time travel undid the kill");
    assert_eq!(p.poll(&mut lab, u64::MAX, Mode::Headless), Status::StepDone);
    assert_eq!(lab.now_ms(), end);
    assert_eq!(p.marks, first_marks);
    let e = p.rewind_to(&mut lab, 2).unwrap_err();
    assert_eq!(e, RewindError::NotReached(3));
    assert_eq!(e.to_string(), "step 3 has not been reached");
}

#[test]
fn symbolic_names_resolve_when_the_line_runs() {
    let l = small();
    let mut lab = Lab::new(l.cluster.clone()).unwrap();
    let mut p = Player::new(l, &lab);
    p.poll(&mut lab, u64::MAX, Mode::Headless);
    let first = lab.session().cluster().leader().unwrap();
    p.next(&lab);
    p.poll(&mut lab, u64::MAX, Mode::Headless);
    let second = lab.session().cluster().leader().unwrap();
    assert_ne!(first, second);
    assert!(!lab.session().cluster().is_alive(first), "`kill leader` killed n{first}");
    p.next(&lab);
    p.poll(&mut lab, u64::MAX, Mode::Headless);
    assert!(lab.session().cluster().is_alive(first), "`restart the old leader` restarted n{first}");
    assert_eq!(lab.transcript.iter().filter(|s| s.line == format!("restart n{first}")).count(), 1);
}

#[test]
fn the_authoring_guide_example_runs_green() {
    let guide = include_str!("../lessons/README.md");
    let start = guide.find("````markdown\n").expect("the guide has an example") + "````markdown\n".len();
    let len = guide[start..].find("````").unwrap();
    let l = lesson::parse("README example", &guide[start..start + len]).expect("the guide's example parses");
    let r = run::run(&l).unwrap();
    assert_eq!(r.failures(), 0, "{}", r.render());
    assert!(l.steps.iter().flat_map(|s| &s.items).any(|i| matches!(i, Item::YourTurn(_))));
}

#[test]
fn every_lesson_in_lessons_checks_and_runs_green() {
    let mut failed = Vec::new();
    let mut count = 0;
    for (path, text) in index::BUILTIN {
        count += 1;
        match lesson::parse(path, text) {
            Err(errs) => failed.extend(errs.into_iter().map(|e| e.to_string())),
            Ok(l) => {
                let r = run::run(&l).unwrap();
                if r.failures() > 0 {
                    failed.push(format!("{path}:\n{}", r.render()));
                }
            }
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
    // 21 in English (22 to 24, the Kubernetes ones, not translated yet) and 18 in Chinese.
    assert_eq!(count, 48, "24 lessons in English and 24 in Chinese");
}

/// The site's lesson index is read from the files' front matter at build time, without the
/// parser: it must say what the parser says, for every file.
#[test]
fn the_build_time_index_agrees_with_the_parser() {
    assert_eq!(index::INDEX.len(), index::BUILTIN.len());
    for e in index::INDEX {
        let l = lesson::parse(e.path, index::text(e.path).unwrap()).unwrap();
        let m = &l.meta;
        assert_eq!(
            (e.id, e.number, e.language, e.title, e.summary, e.minutes, e.level, e.steps),
            (
                m.id.as_str(),
                m.number,
                m.language.as_str(),
                m.title.as_str(),
                m.summary.as_str(),
                m.minutes,
                m.level.as_str(),
                l.steps.len()
            ),
            "{}",
            e.path
        );
    }
    for id in ["cluster-born", "partition", "prevote-checkquorum"] {
        assert_eq!(index::find(id, "zh").unwrap().language, "zh");
        assert_eq!(index::find(id, "en").unwrap().language, "en");
    }
    let ids: std::collections::BTreeSet<_> = index::INDEX.iter().map(|e| e.id).collect();
    let en = index::INDEX.iter().filter(|e| e.language == "en").count();
    assert_eq!(ids.len(), en, "every lesson has an English text, and every id one");
}

/// A reply that comes with no time passing (a serializable read, a learner's refusal) is
/// still the `reply` a check sees; and `leader == none` holds while there is no leader.
#[test]
fn immediate_replies_and_no_leader_are_visible_to_checks() {
    let text = SMALL.replace(
        "put x 1\nexpect reply == \"OK\"",
        "put x 1\nexpect reply == \"OK\"\non a follower: get x --consistency=s\nexpect reply == \"x\\n1\"\nkill leader\nexpect leader == none\nexpect reply == \"\"",
    );
    assert_ne!(text, SMALL);
    let l = lesson::parse("immediate.md", &text).unwrap();
    let r = run::run(&l).unwrap();
    let step1: Vec<_> = r.steps[0].items.iter().map(|(_, what, mark)| (what.as_str(), mark.clone())).collect();
    assert_eq!(step1[5], ("expect reply == \"x\\n1\"", Mark::Pass("reply = \"x\\n1\"".into())));
    assert_eq!(step1[7].1, Mark::Pass("leader = none".into()), "no leader right after the kill");
    assert!(matches!(&step1[8].1, Mark::Fail(d) if d.starts_with("reply = ")), "{:?}", step1[8]);
}

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

        /// Any text at all: an error list or a lesson, never a panic.
        #[test]
        fn on_arbitrary_text(text in "\\PC{0,400}") {
            let _ = lesson::parse("any.md", &text);
            let _ = lesson::markdown::to_html(&text);
            let _ = lesson::cond::parse(&text);
        }

        /// The small lesson with lines dropped, duplicated or cut short: still no panic,
        /// and what parses also plays.
        #[test]
        fn on_damaged_lessons(ops in proptest::collection::vec((0u32..60, 0u8..3, 0u32..80), 1..6)) {
            let mut lines: Vec<String> = SMALL.lines().map(str::to_string).collect();
            for (at, op, cut) in ops {
                let i = at as usize % lines.len();
                match op {
                    0 => { lines.remove(i); }
                    1 => { let l = lines[i].clone(); lines.insert(i, l); }
                    _ => {
                        let l = &lines[i];
                        let n = (cut as usize).min(l.chars().count());
                        lines[i] = l.chars().take(n).collect();
                    }
                }
                if lines.is_empty() { break; }
            }
            if let Ok(l) = lesson::parse("damaged.md", &lines.join("\n")) {
                let _ = run::run(&l);
            }
        }
    }
}

/// Text after a lab block is a note, shown once the items before it are done, so the
/// comment on an answer never shows before the question.
#[test]
fn text_after_a_lab_block_waits_for_the_items_before_it() {
    let text = SMALL.replace("## Back\n", "The new leader won a higher term.\n\n## Back\n");
    let l = lesson::parse("notes.md", &text).unwrap();
    let kill = &l.steps[1];
    assert_eq!(kill.narration, "");
    assert_eq!(kill.notes, vec![(kill.items.len(), "The new leader won a higher term.".to_string())]);
    assert_eq!(l.steps[0].narration, "");
    assert!(l.steps[0].notes.is_empty());
}

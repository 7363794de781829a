//! `raftlab lesson oracle <paths…>`: every lesson's actions played on a real etcd 3.4
//! cluster, and its checks judged there (`raftlab::oracle::lessons`).
//!
//! Contract: needs root and etcd (it says so and exits 1 otherwise). Plays the lessons of
//! `--lang` (English by default: first it checks that each other translation plays exactly
//! as its English twin, so one run judges both, and says which do not). Prints each
//! lesson's held, failed and lab-only checks, every failure with the real value, the lab's
//! and `file:line:col`, and writes the table to `--out`. Exits 1 when a lesson could not be
//! played to its end or a failure is not explained in `--known`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use raftlab::lesson::Lesson;
use raftlab::oracle::lessons::report::{markdown, Known, LessonReport};
use raftlab::oracle::lessons::{self, twins};
use raftlab::oracle::real;
use raftlab::oracle::transcript::today;

/// Whether the other translations play as the chosen ones: a sentence for the report,
/// and whether all do.
fn twins_note(all: &[Lesson], chosen: &[&Lesson], lang: &str) -> (String, bool) {
    let by_id: BTreeMap<&str, &Lesson> = chosen.iter().map(|l| (l.meta.id.as_str(), *l)).collect();
    let others: Vec<&Lesson> =
        all.iter().filter(|l| l.meta.language != lang && by_id.contains_key(l.meta.id.as_str())).collect();
    let mut bad = Vec::new();
    for o in &others {
        if let Err(e) = twins::same_play(by_id[o.meta.id.as_str()], o) {
            bad.push(e);
        }
    }
    if others.is_empty() {
        return (String::new(), true);
    }
    let langs: Vec<&str> = {
        let mut v: Vec<&str> = others.iter().map(|l| l.meta.language.as_str()).collect();
        v.dedup();
        v
    };
    if bad.is_empty() {
        let note = format!(
            "The {} translations ({} files) play exactly as these {lang} lessons (same cluster, same lab lines and checks; only the prose differs), so these results hold for them too.",
            langs.join(", "),
            others.len()
        );
        (note, true)
    } else {
        (format!("Translations that play differently, not covered by this run: {}.", bad.join("; ")), false)
    }
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

pub fn run(paths: &[PathBuf], lang: &str, out: &Path, known: &Path, verbose: bool, keep: bool) -> i32 {
    let (all, errors) = crate::lessons::load(paths);
    if errors > 0 {
        eprintln!("lesson oracle: fix the lesson errors above first");
        return 1;
    }
    let version = match real::prerequisites() {
        Ok(v) => v,
        Err(e) => {
            eprintln!("lesson oracle: {e}");
            return 1;
        }
    };
    let known = match std::fs::read_to_string(known) {
        Ok(t) => match Known::parse(&t) {
            Ok(k) => k,
            Err(e) => {
                eprintln!("{}: {e}", known.display());
                return 1;
            }
        },
        Err(_) => Known::default(),
    };
    let chosen: Vec<&Lesson> = all.iter().filter(|l| lang == "all" || l.meta.language == lang).collect();
    if chosen.is_empty() {
        eprintln!("lesson oracle: no lesson in language {lang:?} under the paths given");
        return 1;
    }
    let (note, twins_ok) = if lang == "all" { (String::new(), true) } else { twins_note(&all, &chosen, lang) };
    if !note.is_empty() {
        println!("{note}");
    }
    let mut reports: Vec<LessonReport> = Vec::new();
    for l in &chosen {
        eprintln!("{}: playing on real {version} ...", l.file);
        let text = std::fs::read_to_string(&l.file).unwrap_or_default();
        let r = lessons::run(l, &text, keep);
        print!("{}", r.render(&known, verbose));
        reports.push(r);
    }
    let md = markdown(&reports, &known, &version, &today(), &note);
    if let Err(e) = write(out, &md) {
        eprintln!("{e}");
        return 1;
    }
    let (h, f, o) = reports.iter().fold((0, 0, 0), |(h, f, o), r| (h + r.held(), f + r.failed(), o + r.lab_only()));
    let unexplained: usize = reports.iter().map(|r| r.unexplained(&known)).sum();
    let stopped = reports.iter().filter(|r| r.error.is_some()).count();
    println!(
        "{} lessons on real etcd: {h} checks held, {f} failed ({unexplained} not explained in the known file), {o} lab-only; {stopped} stopped early. Wrote {}",
        reports.len(),
        out.display()
    );
    i32::from(unexplained > 0 || stopped > 0 || !twins_ok)
}

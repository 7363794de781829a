//! Input fuzzing: the console line parser, the lesson parser and the URL-state decoders fed
//! seeded random input, a million cases each if asked.
//!
//! Contract: `console`, `lessons` and `urls` each run `cases` inputs drawn from a seeded
//! stream (grammar words, punctuation, Unicode and raw noise) and return how many were
//! rejected, or the first input that broke a promise:
//! - no input panics (a panic propagates and fails the run);
//! - every rejected input gets a non-empty message (console: an `Error`/usage text;
//!   lessons: `file:line:col: …` with a line inside the file);
//! - a console line that does not parse leaves the cluster untouched (same trace hash).

use crate::console::parse::parse_line;
use crate::console::session::Session;
pub use crate::console::vocabulary::WORDS;
use crate::engine::{ClusterConfig, SimRng};
use crate::lab::{course, share};
use crate::lesson;

const LESSON_BITS: &[&str] = &[
    "+++",
    "## ",
    "```lab",
    "```",
    "~~~",
    "wait until ",
    "within ",
    "expect ",
    "predict: ",
    "option: ",
    "answer: ",
    "explain: ",
    "your-turn: ",
    "goal: ",
    "hint 5s: ",
    "solution: ",
    "on leader: ",
    "$lease",
    "$member(n4)",
    "$$",
    "term(leader)",
    "role(n2) == learner",
    "n3 get x == 1",
    " and ",
    "==",
    "!=",
    ">=",
    "reply",
    "\"",
    "<script>",
    "[cluster]",
    "nodes = 3",
    "seed = 7",
    "id = \"x\"",
    "\n",
    "\n\n",
    "kill leader",
    "put x 1",
    "5s",
    "1.5s",
];

fn draw(rng: &mut SimRng, pool: &[&str], max_parts: u64) -> String {
    let mut s = String::new();
    for _ in 0..rng.below(max_parts) {
        match rng.below(10) {
            0 => s.push(char::from_u32(rng.below(0x3000) as u32).unwrap_or('?')),
            1 => s.push(' '),
            _ => s.push_str(pool[rng.below(pool.len() as u64) as usize]),
        }
        if rng.below(3) == 0 {
            s.push(' ');
        }
    }
    s
}

/// Console lines. Returns how many were rejected by the parser.
pub fn console(seed: u64, cases: u64) -> Result<u64, String> {
    let mut session = Session::new(ClusterConfig::with_nodes(3, seed)).map_err(|e| e.to_string())?;
    session.run_line("run 3s");
    let mut rng = SimRng::new(seed ^ 0x00c0_501e);
    let mut rejected = 0;
    for _ in 0..cases {
        let line = draw(&mut rng, WORDS, 8);
        if parse_line(&line).is_ok() {
            continue;
        }
        rejected += 1;
        let before = session.cluster().trace_hash();
        let out = session.run_line(&line);
        if out.combined().trim().is_empty() {
            return Err(format!("console line {line:?} was refused without a message"));
        }
        if session.cluster().trace_hash() != before {
            return Err(format!("console line {line:?} was refused but changed the cluster"));
        }
        if session.in_txn() {
            // A bare `txn` opens etcdctl's prompts: end it so the next line is a command.
            session.run_line("");
            session.run_line("");
            session.run_line("");
        }
    }
    Ok(rejected)
}

const BASE: &str = "+++\nid = \"f\"\nnumber = 1\ntitle = \"F\"\nlanguage = \"en\"\nsummary = \"s\"\nminutes = 1\nlevel = \"beginner\"\n\n[cluster]\nnodes = 3\nseed = 7\n+++\n\n## One\n\n```lab\nwait until leader != none within 5s\npredict: q\noption: a\noption: b\nanswer: 1\nexplain: e\nexpect term(leader) == 2\n```\n";

/// Lesson files: a valid lesson with random cuts and insertions, and pure noise. Returns
/// how many were rejected.
pub fn lessons(seed: u64, cases: u64) -> Result<u64, String> {
    let mut rng = SimRng::new(seed ^ 0x001e_550e);
    let mut rejected = 0;
    for _ in 0..cases {
        let text = if rng.below(4) == 0 {
            draw(&mut rng, LESSON_BITS, 40)
        } else {
            let mut t = BASE.to_string();
            for _ in 0..1 + rng.below(4) {
                let at = rng.below(t.len() as u64 + 1) as usize;
                let at = (0..=at).rev().find(|i| t.is_char_boundary(*i)).unwrap_or(0);
                if rng.below(2) == 0 {
                    t.insert_str(at, &draw(&mut rng, LESSON_BITS, 4));
                } else {
                    let end = (at + rng.below(30) as usize).min(t.len());
                    let end = (end..=t.len()).find(|i| t.is_char_boundary(*i)).unwrap_or(t.len());
                    t.replace_range(at..end, "");
                }
            }
            t
        };
        if let Err(errs) = lesson::parse("f.md", &text) {
            rejected += 1;
            let lines = text.lines().count() + 1;
            for e in &errs {
                if e.problem.to_string().is_empty() || e.line == 0 || e.line > lines || e.col == 0 {
                    return Err(format!("lesson error {e:?} for {text:?}"));
                }
            }
            if errs.is_empty() {
                return Err(format!("lesson refused without an error: {text:?}"));
            }
        }
    }
    Ok(rejected)
}

/// URL state: share fragments (`run=` with random base64 and random packed bytes) and
/// lesson-link parameters. Returns how many share fragments were rejected.
pub fn urls(seed: u64, cases: u64) -> Result<u64, String> {
    use base64::Engine as _;
    let mut rng = SimRng::new(seed ^ 0x0a11);
    let mut rejected = 0;
    for _ in 0..cases {
        let bytes: Vec<u8> = (0..rng.below(64)).map(|_| rng.below(256) as u8).collect();
        let mut packed = vec![1u8];
        packed.extend(&bytes);
        let frag = match rng.below(3) {
            0 => format!("#run={}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&packed)),
            1 => format!("#run={}&speed={}", draw(&mut rng, &["A", "-", "_", "=", "%", "&"], 20), rng.below(9)),
            _ => draw(&mut rng, &["#", "lesson=", "step=", "lesson-url=", "run=", "&", "%2F", "%zz", "lessons"], 10),
        };
        match share::decode(&frag) {
            Err(e) if e.to_string().is_empty() => {
                return Err(format!("share fragment {frag:?} refused without a message"))
            }
            Err(_) => rejected += 1,
            Ok(_) => {}
        }
        let search = draw(&mut rng, &["?", "embed=1", "origins=", "https://a.example", ",", "&", "%3A"], 8);
        let _ = course::Params::read(&search, &frag);
    }
    Ok(rejected)
}

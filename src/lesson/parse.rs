//! Reading a lesson file: TOML front matter between `+++` lines, then Markdown whose `##`
//! sections are steps and whose fenced `lab` blocks are what each step does.
//!
//! Contract: `parse` returns a `Lesson` only when every line of every `lab` block is valid:
//! console lines parse with the console's own grammar, conditions type-check, durations
//! read, every node named exists by then (the cluster's nodes plus one per `member add`
//! before it), and the front matter has every field with a sane value. Otherwise it returns
//! every error found, each with `file:line:col` and what was expected there. Nothing here
//! touches a cluster, so `raftlab lesson check` and the browser's loader share it.

use super::front::front;
use super::lab_lines::lab_block;
use super::model::{Item, Lesson, Pos, Step};

pub use super::error::{
    DurationError, EvalError, ExpandError, LessonError, LessonProblem, NamesNoNode, RewindError, VarError,
};
pub use super::lab_lines::{duration_ms, expand, node_name, substitute, Var};

/// How long the headless runner waits for a your-turn goal when the line gives no `within`.
pub const DEFAULT_GOAL_WITHIN_MS: u64 = 10_000;
/// A lesson's waits are bounded; an hour of simulated time is more than any lesson needs.
pub const MAX_WAIT_MS: u64 = 3_600_000;

pub(super) struct Ctx {
    pub(super) file: String,
    pub(super) errors: Vec<LessonError>,
    /// The highest node id that exists at this point of the file.
    pub(super) max_node: u64,
}

impl Ctx {
    pub(super) fn err(&mut self, pos: Pos, problem: LessonProblem) {
        self.errors.push(LessonError { file: self.file.clone(), line: pos.line, col: pos.col, problem });
    }
}

/// Parses and checks one lesson. `file` is only used in messages.
pub fn parse(file: &str, text: &str) -> Result<Lesson, Vec<LessonError>> {
    let mut ctx = Ctx { file: file.to_string(), errors: Vec::new(), max_node: 0 };
    let lines: Vec<&str> = text.lines().collect();
    if lines.first().map(|l| l.trim_end()) != Some("+++") {
        ctx.err(Pos { line: 1, col: 1 }, LessonProblem::NoFrontMatter);
        return Err(ctx.errors);
    }
    let Some(close) = lines.iter().skip(1).position(|l| l.trim_end() == "+++").map(|i| i + 1) else {
        ctx.err(Pos { line: 1, col: 1 }, LessonProblem::FrontMatterNotClosed);
        return Err(ctx.errors);
    };
    let front_text = lines[1..close].join("\n");
    let Some((meta, cluster)) = front(&mut ctx, &front_text, 2) else {
        return Err(ctx.errors);
    };
    ctx.max_node = cluster.nodes;
    let (intro, steps) = body(&mut ctx, &lines, close + 1);
    if steps.is_empty() {
        ctx.err(Pos { line: close + 1, col: 1 }, LessonProblem::NoSteps);
    }
    let interactive = steps.iter().flat_map(|s| &s.items).any(|i| matches!(i, Item::Predict(_) | Item::YourTurn(_)));
    if let (Some(first), false) = (steps.first(), interactive) {
        ctx.err(first.pos, LessonProblem::NothingToDo);
    }
    if ctx.errors.is_empty() {
        Ok(Lesson { file: file.to_string(), meta, cluster, intro, steps })
    } else {
        Err(ctx.errors)
    }
}

/// The Markdown after the front matter: intro, then steps.
fn body(ctx: &mut Ctx, lines: &[&str], start: usize) -> (String, Vec<Step>) {
    let mut intro = String::new();
    let mut steps: Vec<Draft> = Vec::new();
    let mut i = start;
    while i < lines.len() {
        let line = lines[i];
        let lineno = i + 1;
        let trimmed = line.trim_start();
        let fence = ["```", "~~~"].into_iter().find(|f| trimmed.starts_with(f));
        if let Some(fence) = fence {
            let info = trimmed.trim_start_matches(fence.chars().next().unwrap_or('`')).trim();
            let close = lines[i + 1..].iter().position(|l| l.trim_start().starts_with(fence)).map(|k| i + 1 + k);
            let Some(close) = close else {
                ctx.err(Pos { line: lineno, col: 1 }, LessonProblem::CodeBlockNotClosed { fence: fence.to_string() });
                break;
            };
            if info == "lab" {
                match steps.last_mut() {
                    Some(step) => {
                        let block: Vec<(usize, &str)> = (i + 1..close).map(|k| (k + 1, lines[k])).collect();
                        let items = lab_block(ctx, &block);
                        step.step.items.extend(items);
                        step.lab_seen = true;
                    }
                    None => ctx.err(Pos { line: lineno, col: 1 }, LessonProblem::LabOutsideStep),
                }
            } else {
                let text = lines[i..=close].join("\n");
                match steps.last_mut() {
                    Some(step) => step.push(&text),
                    None => push_line(&mut intro, &text),
                }
            }
            i = close + 1;
            continue;
        }
        if let Some(title) = line.strip_prefix("## ") {
            steps.push(Draft {
                step: Step {
                    title: title.trim().to_string(),
                    pos: Pos { line: lineno, col: 1 },
                    narration: String::new(),
                    notes: Vec::new(),
                    items: Vec::new(),
                },
                lab_seen: false,
            });
        } else if let Some(step) = steps.last_mut() {
            step.push(line);
        } else if !line.starts_with("# ") {
            push_line(&mut intro, line);
        }
        i += 1;
    }
    let steps = steps
        .into_iter()
        .map(|d| {
            let mut s = d.step;
            s.narration = s.narration.trim().to_string();
            s.notes.retain_mut(|(_, t)| {
                *t = t.trim().to_string();
                !t.is_empty()
            });
            s
        })
        .collect();
    (intro.trim().to_string(), steps)
}

/// A step being read: Markdown goes to its narration until its first `lab` block, then
/// to a note shown after the items read so far.
struct Draft {
    step: Step,
    lab_seen: bool,
}

impl Draft {
    fn push(&mut self, line: &str) {
        if !self.lab_seen {
            return push_line(&mut self.step.narration, line);
        }
        let at = self.step.items.len();
        match self.step.notes.last_mut() {
            Some((n, text)) if *n == at => push_line(text, line),
            _ => {
                let mut text = String::new();
                push_line(&mut text, line);
                self.step.notes.push((at, text));
            }
        }
    }
}

fn push_line(buf: &mut String, line: &str) {
    buf.push_str(line);
    buf.push('\n');
}

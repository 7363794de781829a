//! The front matter: TOML between `+++` lines, read with basic-toml into the lesson's
//! metadata and its cluster.
//!
//! Contract: every field is required except `prerequisites` and the cluster's timing and
//! limits (which default to etcd's); an unknown key is an error at its own line; a value out
//! of range is an error naming the field. Positions are lines of the lesson file.

use serde::Deserialize;

use crate::engine::ClusterConfig;

use super::model::{Level, Meta, Pos};
use super::parse::{Ctx, LessonProblem};

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Front {
    id: String,
    number: u32,
    title: String,
    language: String,
    summary: String,
    minutes: u32,
    level: String,
    #[serde(default)]
    prerequisites: Vec<String>,
    cluster: ClusterFront,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct ClusterFront {
    nodes: u64,
    seed: u64,
    tick_ms: Option<u64>,
    heartbeat_tick: Option<u64>,
    election_tick: Option<u64>,
    latency_ms: Option<u64>,
    jitter_ms: Option<u64>,
    pre_vote: Option<bool>,
    check_quorum: Option<bool>,
    snapshot_count: Option<u64>,
    snapshot_catchup_entries: Option<u64>,
    quota_bytes: Option<u64>,
    command_timeout_ms: Option<u64>,
    max_request_bytes: Option<u64>,
    max_size_per_msg: Option<u64>,
}

impl ClusterFront {
    fn config(self) -> ClusterConfig {
        let d = ClusterConfig::default();
        ClusterConfig {
            nodes: self.nodes,
            seed: self.seed,
            tick_ms: self.tick_ms.unwrap_or(d.tick_ms),
            heartbeat_tick: self.heartbeat_tick.unwrap_or(d.heartbeat_tick),
            election_tick: self.election_tick.unwrap_or(d.election_tick),
            latency_ms: self.latency_ms.unwrap_or(d.latency_ms),
            jitter_ms: self.jitter_ms.unwrap_or(d.jitter_ms),
            pre_vote: self.pre_vote.unwrap_or(d.pre_vote),
            check_quorum: self.check_quorum.unwrap_or(d.check_quorum),
            snapshot_count: self.snapshot_count.unwrap_or(d.snapshot_count),
            snapshot_catchup_entries: self.snapshot_catchup_entries.unwrap_or(d.snapshot_catchup_entries),
            quota_backend_bytes: self.quota_bytes.unwrap_or(d.quota_backend_bytes),
            command_timeout_ms: self.command_timeout_ms.unwrap_or(d.command_timeout_ms),
            max_request_bytes: self.max_request_bytes.unwrap_or(d.max_request_bytes),
            max_size_per_msg: self.max_size_per_msg.unwrap_or(d.max_size_per_msg),
            ..d
        }
    }
}

pub(super) fn front(ctx: &mut Ctx, text: &str, first_line: usize) -> Option<(Meta, ClusterConfig)> {
    let f: Front = match basic_toml::from_str(text) {
        Ok(f) => f,
        Err(e) => {
            // basic-toml's positions are 0-based; its message may end with " at line …".
            let pos = e
                .line_col()
                .map(|(l, c)| Pos { line: first_line + l, col: c + 1 })
                .unwrap_or(Pos { line: first_line, col: 1 });
            let msg = e.to_string();
            let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
            // serde names an unknown field but basic-toml places it at its table: find its line.
            let field = msg.strip_prefix("unknown field `").and_then(|r| r.split('`').next());
            let pos = field
                .and_then(|f| text.lines().position(|l| l.trim_start().split(['=', ' ']).next() == Some(f)))
                .map(|i| Pos { line: first_line + i, col: 1 })
                .unwrap_or(pos);
            ctx.err(pos, LessonProblem::FrontMatter(msg));
            return None;
        }
    };
    let field_pos = |key: &str| {
        text.lines()
            .position(|l| l.trim_start().starts_with(key))
            .map(|i| Pos { line: first_line + i, col: 1 })
            .unwrap_or(Pos { line: first_line, col: 1 })
    };
    let before = ctx.errors.len();
    if f.id.is_empty() || !f.id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
        ctx.err(field_pos("id"), LessonProblem::BadId(f.id.clone()));
    }
    if !matches!(f.language.as_str(), "en" | "zh") {
        ctx.err(field_pos("language"), LessonProblem::BadLanguage(f.language.clone()));
    }
    let level = Level::parse(&f.level);
    if level.is_none() {
        ctx.err(field_pos("level"), LessonProblem::BadLevel(f.level.clone()));
    }
    if f.title.trim().is_empty() {
        ctx.err(field_pos("title"), LessonProblem::EmptyTitle);
    }
    if f.minutes == 0 || f.minutes > 240 {
        ctx.err(field_pos("minutes"), LessonProblem::BadMinutes(f.minutes));
    }
    let cluster = f.cluster.config();
    if let Err(e) = cluster.validate() {
        ctx.err(field_pos("[cluster]"), LessonProblem::Cluster(e));
    }
    if ctx.errors.len() > before {
        return None;
    }
    let meta = Meta {
        id: f.id,
        number: f.number,
        title: f.title,
        language: f.language,
        summary: f.summary,
        minutes: f.minutes,
        level: level.unwrap_or(Level::Beginner),
        prerequisites: f.prerequisites,
    };
    Some((meta, cluster))
}

//! The share URL: a run (config plus every action) packed into the URL fragment, so that
//! opening the link replays the run exactly.
//!
//! Contract: `decode(encode(run)) == run`. The fragment is `run=` followed by URL-safe
//! base64 of a version byte and a postcard body in which runs of identical consecutive
//! actions (playing time is many equal `Advance`s) are stored once with a count. `decode`
//! never panics: foreign or damaged text gets an error that says what is wrong.
//!
//! A link once shared must keep its meaning. postcard is positional: an `Action` is stored
//! as its variant's index and a struct as its fields in order, so reordering `Action`'s
//! variants, inserting one anywhere but at the end, or changing a field of `Action` or
//! `ClusterConfig` silently changes what every saved link says. `tests/golden.rs` holds a
//! link, a Run JSON and a trace hash for every variant (and for a version-1 link) in
//! `tests/testdata/golden/`, and fails when any of them changes. Only a deliberate bump of
//! `VERSION` may change them, and the bump must keep reading every older version (as
//! version 1 links are read through `ConfigV1`): add the new golden files, keep the old
//! ones decoding.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::{Deserialize, Serialize};

use crate::engine::{Action, ClusterConfig, ConfigError, Run};

/// 2 added `max_request_bytes` and `max_size_per_msg` to the config; version 1 links
/// still open, with those two at etcd's defaults.
const VERSION: u8 = 2;
/// A decoded run may not expand beyond this many actions (a hostile count cannot make the
/// page allocate without bound).
pub const MAX_ACTIONS: usize = 1_000_000;

#[derive(Serialize, Deserialize)]
struct Packed {
    config: ClusterConfig,
    actions: Vec<(u32, Action)>,
}

/// The config as version 1 links wrote it: postcard has no field names, so the old
/// layout must be read as it was.
#[derive(Deserialize)]
struct ConfigV1 {
    nodes: u64,
    seed: u64,
    tick_ms: u64,
    heartbeat_tick: u64,
    election_tick: u64,
    pre_vote: bool,
    check_quorum: bool,
    snapshot_count: u64,
    snapshot_catchup_entries: u64,
    quota_backend_bytes: u64,
    latency_ms: u64,
    jitter_ms: u64,
    command_timeout_ms: u64,
    record_raft_log: bool,
    record_raft_debug: bool,
}

#[derive(Deserialize)]
struct PackedV1 {
    config: ConfigV1,
    actions: Vec<(u32, Action)>,
}

impl From<PackedV1> for Packed {
    fn from(p: PackedV1) -> Packed {
        let c = p.config;
        let config = ClusterConfig {
            nodes: c.nodes,
            seed: c.seed,
            tick_ms: c.tick_ms,
            heartbeat_tick: c.heartbeat_tick,
            election_tick: c.election_tick,
            pre_vote: c.pre_vote,
            check_quorum: c.check_quorum,
            snapshot_count: c.snapshot_count,
            snapshot_catchup_entries: c.snapshot_catchup_entries,
            quota_backend_bytes: c.quota_backend_bytes,
            latency_ms: c.latency_ms,
            jitter_ms: c.jitter_ms,
            command_timeout_ms: c.command_timeout_ms,
            record_raft_log: c.record_raft_log,
            record_raft_debug: c.record_raft_debug,
            ..ClusterConfig::default()
        };
        Packed { config, actions: p.actions }
    }
}

/// The fragment (without `#`) that reproduces `run`.
pub fn encode(run: &Run) -> String {
    let mut actions: Vec<(u32, Action)> = Vec::new();
    for a in &run.actions {
        match actions.last_mut() {
            Some((n, last)) if last == a && *n < u32::MAX => *n += 1,
            _ => actions.push((1, a.clone())),
        }
    }
    let packed = Packed { config: run.config.clone(), actions };
    let mut bytes = vec![VERSION];
    // Serializing plain data into a Vec cannot fail.
    bytes.extend(postcard::to_allocvec(&packed).unwrap_or_default());
    format!("run={}", URL_SAFE_NO_PAD.encode(bytes))
}

/// Why a share link's run could not be read: one variant per stage of `decode`, each
/// holding what that stage found. The text is what the page has always shown.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The text after `run=` is not URL-safe base64.
    #[error("the link's run is not valid base64 ({0})")]
    Base64(#[source] base64::DecodeError),
    /// `run=` with nothing after it.
    #[error("the link's run is empty")]
    Empty,
    /// The bytes do not read as a run of their version (usually a link cut short).
    #[error("the link's run is damaged ({0}); was it cut short?")]
    Damaged(#[source] postcard::Error),
    /// A version this build does not know (a link from a newer lab, or not a lab link).
    #[error("the link's run has format version {found}; this lab reads versions 1 and {VERSION}")]
    UnknownVersion { found: u8 },
    /// The run's cluster settings are out of range.
    #[error("the link's cluster settings are invalid: {0}")]
    Config(#[source] ConfigError),
    /// More actions than a page will replay.
    #[error("the link's run has {total} actions; at most {MAX_ACTIONS} are replayed")]
    TooManyActions { total: u64 },
}

/// The run a fragment (with or without `#`) describes; `Ok(None)` when it holds no run.
pub fn decode(fragment: &str) -> Result<Option<Run>, DecodeError> {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    let Some(value) = fragment.split('&').find_map(|kv| kv.strip_prefix("run=")) else {
        return Ok(None);
    };
    let bytes = URL_SAFE_NO_PAD.decode(value.trim_end_matches('=')).map_err(DecodeError::Base64)?;
    let (version, body) = bytes.split_first().ok_or(DecodeError::Empty)?;
    let packed: Packed = match *version {
        1 => postcard::from_bytes::<PackedV1>(body).map_err(DecodeError::Damaged)?.into(),
        VERSION => postcard::from_bytes(body).map_err(DecodeError::Damaged)?,
        found => return Err(DecodeError::UnknownVersion { found }),
    };
    packed.config.validate().map_err(DecodeError::Config)?;
    let total: u64 = packed.actions.iter().map(|(n, _)| u64::from(*n)).sum();
    if total > MAX_ACTIONS as u64 {
        return Err(DecodeError::TooManyActions { total });
    }
    let mut actions = Vec::with_capacity(total as usize);
    for (n, a) in packed.actions {
        actions.extend(std::iter::repeat_n(a, n as usize));
    }
    Ok(Some(Run { config: packed.config, actions }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Cluster, TraceMode};

    fn sample() -> Run {
        let mut run = Run::new(ClusterConfig { nodes: 5, seed: 42, ..ClusterConfig::default() });
        run.actions.extend(std::iter::repeat_n(Action::Advance(50), 40));
        run.actions.push(Action::Kill(2));
        run.actions.extend(std::iter::repeat_n(Action::Advance(50), 20));
        run.actions.push(Action::Partition(vec![vec![1, 2], vec![3, 4, 5]]));
        run
    }

    #[test]
    fn a_run_survives_the_round_trip_and_replays_to_the_same_hash() {
        let run = sample();
        let frag = encode(&run);
        assert!(frag.len() < 200, "equal advances are packed: {} chars", frag.len());
        let back = decode(&format!("#{frag}")).unwrap().unwrap();
        assert_eq!(back, run);
        let a = run.replay(TraceMode::HashOnly).unwrap();
        let b = back.replay(TraceMode::HashOnly).unwrap();
        assert_eq!(a.trace().hash(), b.trace().hash());
        assert_eq!(b.now_ms(), 3_000);
    }

    #[test]
    fn a_version_1_link_still_opens_with_the_new_settings_at_their_defaults() {
        // Made by the lab before version 2: 3 nodes, seed 7, a kill and a second of time.
        #[derive(Serialize)]
        struct V1 {
            config: [u64; 5],
            flags: [bool; 2],
            rest: [u64; 6],
            record: [bool; 2],
            actions: Vec<(u32, Action)>,
        }
        let d = ClusterConfig::default();
        let v1 = V1 {
            config: [3, 7, d.tick_ms, d.heartbeat_tick, d.election_tick],
            flags: [d.pre_vote, d.check_quorum],
            rest: [
                d.snapshot_count,
                d.snapshot_catchup_entries,
                d.quota_backend_bytes,
                d.latency_ms,
                d.jitter_ms,
                d.command_timeout_ms,
            ],
            record: [d.record_raft_log, d.record_raft_debug],
            actions: vec![(1, Action::Kill(2)), (20, Action::Advance(50))],
        };
        let mut bytes = vec![1u8];
        bytes.extend(postcard::to_allocvec(&v1).unwrap());
        let run = decode(&format!("run={}", URL_SAFE_NO_PAD.encode(bytes))).unwrap().unwrap();
        assert_eq!(run.config, ClusterConfig::with_nodes(3, 7));
        assert_eq!(run.actions.len(), 21);
        assert_eq!(run.actions[0], Action::Kill(2));
    }

    #[test]
    fn a_fragment_without_a_run_is_not_an_error() {
        assert_eq!(decode("").unwrap(), None);
        assert_eq!(decode("#lang=zh-CN").unwrap(), None);
    }

    /// The variant and its exact text, which the page shows as it is.
    fn refused(fragment: &str) -> (DecodeError, String) {
        let e = decode(fragment).unwrap_err();
        let text = e.to_string();
        (e, text)
    }

    #[test]
    fn bad_fragments_say_what_is_wrong() {
        let (e, text) = refused("#run=@@@");
        assert!(matches!(e, DecodeError::Base64(base64::DecodeError::InvalidByte(0, b'@'))), "{e:?}");
        assert_eq!(text, "the link's run is not valid base64 (Invalid symbol 64, offset 0.)");
        assert_eq!(refused("#run="), (DecodeError::Empty, "the link's run is empty".to_string()));
        assert_eq!(
            refused(&format!("#run={}", URL_SAFE_NO_PAD.encode([9u8, 1, 2]))),
            (
                DecodeError::UnknownVersion { found: 9 },
                "the link's run has format version 9; this lab reads versions 1 and 2".to_string()
            )
        );
        let good = encode(&sample());
        // Cut a multiple of 4 characters, so the base64 stays well formed and the damage is
        // in the packed run itself.
        let cut = &good[..good.len() - 8];
        let (e, text) = refused(cut);
        assert!(matches!(e, DecodeError::Damaged(_)), "{e:?}");
        assert!(text.starts_with("the link's run is damaged (") && text.ends_with("); was it cut short?"), "{text}");
        let bad_nodes = Run::new(ClusterConfig { nodes: 12, ..ClusterConfig::default() });
        assert_eq!(
            refused(&encode(&bad_nodes)),
            (
                DecodeError::Config(ConfigError::Nodes(12)),
                "the link's cluster settings are invalid: nodes must be 1 to 9, got 12".to_string()
            )
        );
        // The cause stays reachable for whoever wants more than the sentence.
        let (e, _) = refused(&encode(&bad_nodes));
        assert_eq!(
            std::error::Error::source(&e).map(|s| s.to_string()).as_deref(),
            Some("nodes must be 1 to 9, got 12")
        );
    }

    #[test]
    fn a_hostile_count_is_refused_before_allocating() {
        let packed = Packed { config: ClusterConfig::default(), actions: vec![(u32::MAX, Action::Step)] };
        let mut bytes = vec![VERSION];
        bytes.extend(postcard::to_allocvec(&packed).unwrap());
        let frag = format!("run={}", URL_SAFE_NO_PAD.encode(bytes));
        assert_eq!(
            refused(&frag),
            (
                DecodeError::TooManyActions { total: u32::MAX as u64 },
                "the link's run has 4294967295 actions; at most 1000000 are replayed".to_string()
            )
        );
    }

    #[test]
    fn a_live_cluster_can_be_shared() {
        let mut c = Cluster::new(ClusterConfig::default()).unwrap();
        c.apply(Action::Advance(2_000)).unwrap();
        c.apply(Action::Kill(1)).unwrap();
        let run = Run::of(&c);
        let back = decode(&encode(&run)).unwrap().unwrap();
        assert_eq!(back.replay(TraceMode::HashOnly).unwrap().trace().hash(), c.trace().hash());
    }
}

//! The share URL: a run (config plus every action) packed into the URL fragment, so that
//! opening the link replays the run exactly.
//!
//! Contract: `decode(encode(run)) == run`. The fragment is `run=` followed by URL-safe
//! base64 of a version byte and a postcard body in which runs of identical consecutive
//! actions (playing time is many equal `Advance`s) are stored once with a count. `decode`
//! never panics: foreign or damaged text gets an error that says what is wrong.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::{Deserialize, Serialize};

use crate::engine::{Action, ClusterConfig, Run};

const VERSION: u8 = 1;
/// A decoded run may not expand beyond this many actions (a hostile count cannot make the
/// page allocate without bound).
pub const MAX_ACTIONS: usize = 1_000_000;

#[derive(Serialize, Deserialize)]
struct Packed {
    config: ClusterConfig,
    actions: Vec<(u32, Action)>,
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

/// The run a fragment (with or without `#`) describes; `Ok(None)` when it holds no run.
pub fn decode(fragment: &str) -> Result<Option<Run>, String> {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    let Some(value) = fragment.split('&').find_map(|kv| kv.strip_prefix("run=")) else {
        return Ok(None);
    };
    let bytes = URL_SAFE_NO_PAD
        .decode(value.trim_end_matches('='))
        .map_err(|e| format!("the link's run is not valid base64 ({e})"))?;
    let (version, body) = bytes.split_first().ok_or("the link's run is empty")?;
    if *version != VERSION {
        return Err(format!("the link's run has format version {version}; this lab reads version {VERSION}"));
    }
    let packed: Packed =
        postcard::from_bytes(body).map_err(|e| format!("the link's run is damaged ({e}); was it cut short?"))?;
    packed.config.validate().map_err(|e| format!("the link's cluster settings are invalid: {e}"))?;
    let total: u64 = packed.actions.iter().map(|(n, _)| u64::from(*n)).sum();
    if total > MAX_ACTIONS as u64 {
        return Err(format!("the link's run has {total} actions; at most {MAX_ACTIONS} are replayed"));
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
    fn a_fragment_without_a_run_is_not_an_error() {
        assert_eq!(decode("").unwrap(), None);
        assert_eq!(decode("#lang=zh-CN").unwrap(), None);
    }

    #[test]
    fn bad_fragments_say_what_is_wrong() {
        assert_eq!(
            decode("#run=@@@").unwrap_err(),
            "the link's run is not valid base64 (Invalid symbol 64, offset 0.)"
        );
        assert_eq!(decode("#run=").unwrap_err(), "the link's run is empty");
        assert_eq!(
            decode(&format!("#run={}", URL_SAFE_NO_PAD.encode([9u8, 1, 2]))).unwrap_err(),
            "the link's run has format version 9; this lab reads version 1"
        );
        let good = encode(&sample());
        // Cut a multiple of 4 characters, so the base64 stays well formed and the damage is
        // in the packed run itself.
        let cut = &good[..good.len() - 8];
        assert!(decode(cut).unwrap_err().starts_with("the link's run is damaged"), "{}", decode(cut).unwrap_err());
        let bad_nodes = Run::new(ClusterConfig { nodes: 12, ..ClusterConfig::default() });
        assert_eq!(
            decode(&encode(&bad_nodes)).unwrap_err(),
            format!("the link's cluster settings are invalid: {}", bad_nodes.config.validate().unwrap_err())
        );
    }

    #[test]
    fn a_hostile_count_is_refused_before_allocating() {
        let packed = Packed { config: ClusterConfig::default(), actions: vec![(u32::MAX, Action::Step)] };
        let mut bytes = vec![VERSION];
        bytes.extend(postcard::to_allocvec(&packed).unwrap());
        let frag = format!("run={}", URL_SAFE_NO_PAD.encode(bytes));
        assert_eq!(decode(&frag).unwrap_err(), "the link's run has 4294967295 actions; at most 1000000 are replayed");
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

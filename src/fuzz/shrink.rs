//! Shrinking a failing schedule: delta debugging (Zeller's ddmin) over its actions.
//!
//! Contract: `shrink` returns a sub-list of `actions`, in order, that still fails with the
//! same invariant, and from which removing any chunk it tried no longer does. It spends at
//! most `budget` replays, so it always ends; the result is then small, not necessarily
//! minimal.

use crate::engine::{Action, ClusterConfig};

use super::replay;

pub fn shrink(
    cfg: &ClusterConfig,
    actions: &[Action],
    invariant: &str,
    serializable: bool,
    budget: u32,
) -> Vec<Action> {
    shrink_by(actions, |list| replay(cfg, list, serializable).is_some_and(|(inv, _)| inv == invariant), budget)
}

/// ddmin with any test of failure.
pub fn shrink_by(actions: &[Action], fails: impl Fn(&[Action]) -> bool, budget: u32) -> Vec<Action> {
    let mut current = actions.to_vec();
    let mut chunks = 2usize;
    let mut spent = 0u32;
    while current.len() >= 2 && spent < budget {
        let size = current.len().div_ceil(chunks);
        let mut removed_one = false;
        let mut start = 0;
        while start < current.len() && spent < budget {
            let end = (start + size).min(current.len());
            let candidate: Vec<Action> = current[..start].iter().chain(&current[end..]).cloned().collect();
            spent += 1;
            if fails(&candidate) {
                current = candidate;
                removed_one = true;
                chunks = (chunks - 1).max(2);
            } else {
                start = end;
            }
        }
        if !removed_one {
            if size == 1 {
                break;
            }
            chunks = (chunks * 2).min(current.len());
        }
    }
    current
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ddmin_keeps_only_the_actions_the_failure_needs() {
        let mut actions: Vec<Action> = (0..300).map(Action::Advance).collect();
        actions.insert(77, Action::Kill(2));
        actions.insert(200, Action::Restart(2));
        let fails = |l: &[Action]| {
            let k = l.iter().position(|a| *a == Action::Kill(2));
            let r = l.iter().position(|a| *a == Action::Restart(2));
            matches!((k, r), (Some(k), Some(r)) if k < r)
        };
        assert_eq!(shrink_by(&actions, fails, 10_000), vec![Action::Kill(2), Action::Restart(2)]);
    }
}

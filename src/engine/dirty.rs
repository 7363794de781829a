//! The nodes whose `RawNode` may hold a Ready not yet handled.
//!
//! Contract: a set of node ids that hands them back smallest first, like the `BTreeSet` it
//! replaces, so the order Readies are handled in (and with it every trace) is unchanged.
//! It is filled on every raft call and emptied before the clock moves, many times per
//! simulated millisecond: a sorted `Vec` of at most a cluster's size keeps its buffer
//! between rounds, where a `BTreeSet` allocates a node each time it goes from empty to one.

use super::NodeId;

#[derive(Clone, Debug, Default)]
pub struct DirtyNodes(Vec<NodeId>);

impl DirtyNodes {
    pub fn insert(&mut self, id: NodeId) {
        if let Err(at) = self.0.binary_search(&id) {
            self.0.insert(at, id);
        }
    }

    pub fn pop_first(&mut self) -> Option<NodeId> {
        (!self.0.is_empty()).then(|| self.0.remove(0))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hands_back_each_id_once_smallest_first() {
        let mut d = DirtyNodes::default();
        for id in [3, 1, 9, 3, 1, 2] {
            d.insert(id);
        }
        let mut out = Vec::new();
        while let Some(id) = d.pop_first() {
            out.push(id);
            if id == 2 {
                // Handling one node can dirty another, even one already handed back.
                d.insert(1);
            }
        }
        assert_eq!(out, vec![1, 2, 1, 3, 9]);
        assert!(d.is_empty());
    }
}

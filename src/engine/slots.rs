//! The members by raft id, in a dense array.
//!
//! Contract: behaves as the `BTreeMap<NodeId, Node>` it replaced: lookups by id, and
//! iteration in increasing id order. Raft ids are 1..=MAX_NODES (the lab hands them out),
//! so a lookup is an index, not a tree search; the event loop looks a member up several
//! times per delivered message. An id the array cannot hold is simply absent.

use super::config::MAX_NODES;
use super::node::Node;
use super::NodeId;

#[derive(Default)]
pub(crate) struct NodeSlots {
    /// `slots[id]` holds member `id`; slot 0 is never used.
    slots: Vec<Option<Node>>,
}

fn index(id: NodeId) -> Option<usize> {
    (id <= MAX_NODES).then_some(id as usize)
}

impl NodeSlots {
    pub fn get(&self, id: &NodeId) -> Option<&Node> {
        self.slots.get(index(*id)?)?.as_ref()
    }

    pub fn get_mut(&mut self, id: &NodeId) -> Option<&mut Node> {
        self.slots.get_mut(index(*id)?)?.as_mut()
    }

    pub fn contains_key(&self, id: &NodeId) -> bool {
        self.get(id).is_some()
    }

    /// Puts member `id` in its slot (replacing any there). The lab only makes ids up to
    /// `MAX_NODES`; a larger one is refused, and says so in debug builds.
    pub fn insert(&mut self, id: NodeId, node: Node) {
        let Some(i) = index(id) else {
            debug_assert!(false, "raft id {id} is past MAX_NODES");
            return;
        };
        if self.slots.len() <= i {
            self.slots.resize_with(i + 1, || None);
        }
        self.slots[i] = Some(node);
    }

    pub fn clear(&mut self) {
        self.slots.clear();
    }

    /// Members in increasing id order.
    pub fn values(&self) -> impl Iterator<Item = &Node> {
        self.slots.iter().flatten()
    }

    pub fn keys(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.values().map(|n| n.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::disk::Disk;
    use crate::engine::rng::{SimRng, Stream};
    use crate::store::Store;

    fn node(id: NodeId) -> Node {
        let disk = Disk::bootstrap(vec![], Store::new(0, 2));
        Node::new(id, 100 + id, format!("n{id}"), disk, SimRng::derive(1, Stream::Timeouts, id), 0)
    }

    #[test]
    fn members_come_back_by_id_and_in_id_order() {
        let mut s = NodeSlots::default();
        for id in [4, 1, 9] {
            s.insert(id, node(id));
        }
        assert_eq!(s.keys().collect::<Vec<_>>(), vec![1, 4, 9]);
        assert_eq!(s.get(&4).map(|n| n.member_id), Some(104));
        assert!(s.get(&2).is_none() && s.get(&0).is_none() && s.get(&10).is_none());
        assert!(s.get(&u64::MAX).is_none());
        s.insert(4, node(4));
        assert_eq!(s.values().count(), 3, "inserting an id again replaces it");
        s.clear();
        assert_eq!(s.values().count(), 0);
    }
}

//! The sent messages a full trace still refers to, by message id.
//!
//! Contract: the network hands out message ids in increasing order and the trace records
//! every one of them as sent exactly once, so the summaries form a gapless run of ids:
//! `get` finds one in O(1), and `forget_before` and `keep_through` follow the trace's
//! records when the window moves or a rewind cuts it. A trace record names its message by
//! id, which keeps every record small and the summaries in one flat buffer.

use std::collections::VecDeque;

use super::message::MsgSummary;

#[derive(Clone, Debug, Default)]
pub struct SentMessages {
    /// The id of `ring[0]`.
    first: u64,
    ring: VecDeque<MsgSummary>,
}

impl SentMessages {
    pub fn push(&mut self, id: u64, msg: MsgSummary) {
        if self.ring.is_empty() || Some(id) != self.first.checked_add(self.ring.len() as u64) {
            // A gap means a record was not kept (the trace switched to keeping records
            // midway): start a new run rather than misfile ids.
            self.ring.clear();
            self.first = id;
        }
        self.ring.push_back(msg);
    }

    pub fn get(&self, id: u64) -> Option<&MsgSummary> {
        let i = usize::try_from(id.checked_sub(self.first)?).ok()?;
        self.ring.get(i)
    }

    /// Drops every summary below `id` (`None`: all of them).
    pub fn forget_before(&mut self, id: Option<u64>) {
        let Some(id) = id else { return self.ring.clear() };
        let n = id.saturating_sub(self.first).min(self.ring.len() as u64);
        self.ring.drain(..n as usize);
        self.first = self.first.max(id);
    }

    /// Keeps the summaries up to and including `id` (`None`: none).
    pub fn keep_through(&mut self, id: Option<u64>) {
        let keep = id.map_or(0, |id| (id + 1).saturating_sub(self.first).min(self.ring.len() as u64));
        self.ring.truncate(keep as usize);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use raft::eraftpb::Message;

    fn summary(term: u64) -> MsgSummary {
        MsgSummary::of(&Message { term, ..Message::default() })
    }

    #[test]
    fn ids_index_the_run_and_both_ends_can_be_cut() {
        let mut s = SentMessages::default();
        for id in 5..10 {
            s.push(id, summary(id));
        }
        assert_eq!(s.get(7).map(|m| m.term), Some(7));
        assert_eq!(s.get(4), None);
        assert_eq!(s.get(10), None);
        s.forget_before(Some(6));
        assert_eq!((s.get(5), s.get(6).map(|m| m.term)), (None, Some(6)));
        s.keep_through(Some(8));
        assert_eq!((s.get(8).map(|m| m.term), s.get(9)), (Some(8), None));
        s.push(9, summary(90));
        assert_eq!(s.get(9).map(|m| m.term), Some(90), "pushing after a cut continues the run");
        s.push(20, summary(20));
        assert_eq!((s.get(9), s.get(20).map(|m| m.term)), (None, Some(20)), "a gap starts a new run");
        s.forget_before(None);
        assert_eq!(s.get(20), None);
    }
}

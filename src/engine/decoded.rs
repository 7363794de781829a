//! Proposals decoded once per entry, for every member that applies it.
//!
//! Contract: `get(data)` gives the proposal `Proposal::decode(data)` would, decoding only
//! when none of the recent entries had the same bytes. Every member applies the same
//! entries, usually within a few milliseconds of each other, so a small table keyed by the
//! bytes themselves (not by index and term, which a restored cluster reuses) serves all
//! but the first. What a hit returns is equal to what a miss would decode, so the table
//! never changes an outcome.

use std::rc::Rc;

use super::proposal::Proposal;

/// Entries remembered, by index modulo this: more than a batch of client writes in flight.
const SLOTS: u64 = 256;

struct Slot {
    index: u64,
    data: Vec<u8>,
    proposal: Rc<Proposal>,
}

#[derive(Default)]
pub struct Decoded {
    slots: Vec<Option<Slot>>,
}

impl Decoded {
    /// The proposal in the entry at `index` whose payload is `data`.
    pub fn get(&mut self, index: u64, data: &[u8]) -> Result<Rc<Proposal>, postcard::Error> {
        if self.slots.is_empty() {
            self.slots.resize_with(SLOTS as usize, || None);
        }
        // `index % SLOTS` is below 256: a valid index on every target.
        let slot = &mut self.slots[(index % SLOTS) as usize];
        if let Some(s) = slot.as_ref().filter(|s| s.index == index && s.data == data) {
            return Ok(s.proposal.clone());
        }
        let proposal = Rc::new(Proposal::decode(data)?);
        *slot = Some(Slot { index, data: data.to_vec(), proposal: proposal.clone() });
        Ok(proposal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Request;

    fn entry(req_id: u64) -> Vec<u8> {
        Proposal { req_id, origin: 1, request: Request::AlarmGet }.encode()
    }

    #[test]
    fn the_same_bytes_at_an_index_decode_once_and_other_bytes_decode_afresh() {
        let mut d = Decoded::default();
        let a = d.get(7, &entry(1)).unwrap();
        let again = d.get(7, &entry(1)).unwrap();
        assert!(Rc::ptr_eq(&a, &again), "a second member's apply reuses the first decode");
        let other = d.get(7, &entry(2)).unwrap();
        assert_eq!(other.req_id, 2, "a restored cluster's entry 7 is not the old one");
        assert_eq!(d.get(7 + SLOTS, &entry(1)).unwrap().req_id, 1);
        assert!(d.get(9, &[0xff; 3]).is_err());
    }
}

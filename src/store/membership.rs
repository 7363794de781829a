//! etcd's membership buckets (`members`, `members_removed`, `cluster`): who is in the
//! cluster as the server applied it, apart from raft's own configuration.
//!
//! Contract: changed only by applying log entries, so every member that applied the same
//! log lists the same members. A member is "started" once it has published its name and
//! client URLs through the log (etcd's `publish`); until then `member list` shows it as
//! `unstarted`, with no name and no client URLs. A member of the initial cluster is known
//! by name from `--initial-cluster` from the start, and only its client URLs wait for its
//! publish. Removed ids are remembered and never come back.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub id: u64,
    /// Empty until the member publishes (for a member added at run time).
    pub name: String,
    pub peer_urls: Vec<String>,
    /// Empty until the member publishes.
    pub client_urls: Vec<String>,
    pub is_learner: bool,
}

impl Member {
    /// etcdctl's `member list` prints `started` when the member has a name.
    pub fn is_started(&self) -> bool {
        !self.name.is_empty()
    }
}

/// A membership change as a conf-change entry carries it (etcd puts the member in the
/// entry's context).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MemberChange {
    Add(Member),
    Remove(u64),
    Promote(u64),
}

/// Why the server refuses a membership change when it applies it
/// (`RaftCluster.ValidateConfigurationChange`); the entry still takes its index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeRefused {
    IdRemoved,
    IdExists,
    PeerUrlExists,
    IdNotFound,
    TooManyLearners,
    NotLearner,
}

/// etcd 3.4's `maxLearners`.
pub const MAX_LEARNERS: usize = 1;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membership {
    members: BTreeMap<u64, Member>,
    removed: BTreeSet<u64>,
    /// The cluster version the leader set (`3.4.0`), or none yet.
    version: Option<String>,
}

impl Membership {
    /// The initial cluster: every member named, none published yet.
    pub fn initial(members: Vec<Member>) -> Membership {
        Membership { members: members.into_iter().map(|m| (m.id, m)).collect(), ..Default::default() }
    }

    /// Members ordered by id, as `member list` prints them.
    pub fn members(&self) -> impl Iterator<Item = &Member> {
        self.members.values()
    }

    pub fn get(&self, id: u64) -> Option<&Member> {
        self.members.get(&id)
    }

    pub fn is_removed(&self, id: u64) -> bool {
        self.removed.contains(&id)
    }

    pub fn removed_count(&self) -> usize {
        self.removed.len()
    }

    pub fn version(&self) -> Option<&str> {
        self.version.as_deref()
    }

    pub fn learners(&self) -> usize {
        self.members.values().filter(|m| m.is_learner).count()
    }

    /// `ValidateConfigurationChange`: whether the change may be applied.
    pub fn validate(&self, change: &MemberChange) -> Result<(), ChangeRefused> {
        match change {
            MemberChange::Add(m) => {
                if self.removed.contains(&m.id) {
                    return Err(ChangeRefused::IdRemoved);
                }
                if self.members.contains_key(&m.id) {
                    return Err(ChangeRefused::IdExists);
                }
                if self.members.values().any(|o| o.peer_urls.iter().any(|u| m.peer_urls.contains(u))) {
                    return Err(ChangeRefused::PeerUrlExists);
                }
                if m.is_learner && self.learners() + 1 > MAX_LEARNERS {
                    return Err(ChangeRefused::TooManyLearners);
                }
                Ok(())
            }
            MemberChange::Remove(id) => {
                if self.removed.contains(id) {
                    return Err(ChangeRefused::IdRemoved);
                }
                if !self.members.contains_key(id) {
                    return Err(ChangeRefused::IdNotFound);
                }
                Ok(())
            }
            MemberChange::Promote(id) => match self.members.get(id) {
                _ if self.removed.contains(id) => Err(ChangeRefused::IdRemoved),
                None => Err(ChangeRefused::IdNotFound),
                Some(m) if !m.is_learner => Err(ChangeRefused::NotLearner),
                Some(_) => Ok(()),
            },
        }
    }

    /// Applies a change that `validate` accepted.
    pub fn apply(&mut self, change: &MemberChange) {
        match change {
            MemberChange::Add(m) => {
                self.members.insert(m.id, m.clone());
            }
            MemberChange::Remove(id) => {
                self.members.remove(id);
                self.removed.insert(*id);
            }
            MemberChange::Promote(id) => {
                if let Some(m) = self.members.get_mut(id) {
                    m.is_learner = false;
                }
            }
        }
    }

    /// etcd's publish: the member's name and client URLs, through the log. A removed or
    /// unknown member's publish changes nothing.
    pub fn publish(&mut self, id: u64, name: &str, client_urls: &[String]) {
        if let Some(m) = self.members.get_mut(&id) {
            m.name = name.to_string();
            m.client_urls = client_urls.to_vec();
        }
    }

    /// `member update`, validated as etcd's `ValidateConfigurationChange` does for
    /// `ConfChangeUpdateNode`: the member exists, and no other member has these URLs.
    pub fn update(&mut self, id: u64, peer_urls: &[String]) -> Result<(), super::StoreError> {
        if !self.members.contains_key(&id) {
            return Err(super::StoreError::MemberNotFound);
        }
        let taken = self.members.values().any(|o| o.id != id && o.peer_urls.iter().any(|u| peer_urls.contains(u)));
        if taken {
            return Err(super::StoreError::PeerUrlExists);
        }
        if let Some(m) = self.members.get_mut(&id) {
            m.peer_urls = peer_urls.to_vec();
        }
        Ok(())
    }

    pub fn set_version(&mut self, version: &str) {
        self.version = Some(version.to_string());
    }
}

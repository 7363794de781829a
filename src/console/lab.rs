//! Lab commands in a session: the simulation's own verbs (kill, partition, run, …) turned
//! into `Action`s, with a one-line confirmation in the learner's words.
//!
//! Contract: a command that names something absent is refused with an error and applies
//! nothing; `status` prints a table of every node. Refusals are `LabWordError`s, printed
//! as `Error: <text>` with the engine's own words for the engine's refusals.

use crate::engine::{Action, ActionError, ClientOp, ClientReply, NodeId, Role};

use super::command::{Globals, LabCommand, Link, NodeRef};
use super::format::{self, Output};
use super::session::Session;

/// Why a lab word (kill, partition, run, cancel, …) was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LabWordError {
    /// The word named `leader` while no node leads.
    #[error("there is no leader right now")]
    NoLeader,
    /// The engine refused the action the word stands for.
    #[error(transparent)]
    Action(#[from] ActionError),
    /// A call was accepted and awaited but left no reply (the engine always leaves one;
    /// this is the error rather than a panic if it ever does not).
    #[error("no reply")]
    NoReply,
}

impl Session {
    fn resolve(&self, r: NodeRef) -> Result<NodeId, LabWordError> {
        match r {
            NodeRef::Id(id) => Ok(id),
            NodeRef::Leader => self.cluster.leader().ok_or(LabWordError::NoLeader),
        }
    }

    /// Applies the actions in order, stopping at the first the engine refuses (the ones
    /// before it stay applied, as they would in a shell typing them one by one).
    pub(super) fn act(&mut self, actions: Vec<Action>) -> Result<(), ActionError> {
        for a in actions {
            self.cluster.apply(a)?;
        }
        Ok(())
    }

    /// One call and its reply, with the engine's refusal kept typed (`call` is the same for
    /// the etcdctl words, whose errors are etcdctl's text).
    pub(super) fn call_typed(
        &mut self,
        endpoint: NodeId,
        op: ClientOp,
        g: &Globals,
    ) -> Result<ClientReply, LabWordError> {
        let req_id = self.cluster.fresh_req_id();
        self.cluster.apply(Action::Client { req_id, endpoint, op: op.into(), timeout_ms: g.command_timeout_ms })?;
        self.cluster.apply(Action::AwaitReply { req_id, stop_at_ms: None })?;
        self.cluster.reply(req_id).cloned().ok_or(LabWordError::NoReply)
    }

    fn links(&self, link: Link) -> Result<Vec<(NodeId, NodeId)>, LabWordError> {
        let (a, b) = (self.resolve(link.from)?, self.resolve(link.to)?);
        Ok(if link.both_ways { vec![(a, b), (b, a)] } else { vec![(a, b)] })
    }

    pub(super) fn lab(&mut self, cmd: LabCommand) -> Output {
        if let LabCommand::Kube(k) = cmd {
            return self.kube(k);
        }
        match self.lab_inner(cmd) {
            Ok(text) => Output::out(text),
            Err(e) => format::error(&e.to_string()),
        }
    }

    fn lab_inner(&mut self, cmd: LabCommand) -> Result<String, LabWordError> {
        let done = |s: String| Ok(s + "\n");
        match cmd {
            LabCommand::Kill(r) => {
                let id = self.resolve(r)?;
                let was = self.cluster.node_view(id).map(|v| v.role);
                self.act(vec![Action::Kill(id)])?;
                match was {
                    Some(Role::Leader) => done(format!("n{id} killed (it was the leader)")),
                    _ => done(format!("n{id} killed")),
                }
            }
            LabCommand::Restart(r) | LabCommand::Start(r) => {
                let id = self.resolve(r)?;
                let first = self.cluster.never_started(id);
                self.act(vec![Action::Restart(id)])?;
                if first {
                    done(format!("n{id} started: it joins with --initial-cluster-state existing"))
                } else {
                    done(format!("n{id} restarted from its disk"))
                }
            }
            LabCommand::Partition(groups) => {
                let mut ids = Vec::new();
                for g in groups {
                    ids.push(g.into_iter().map(|r| self.resolve(r)).collect::<Result<Vec<_>, _>>()?);
                }
                let words: Vec<String> =
                    ids.iter().map(|g| g.iter().map(|i| format!("n{i}")).collect::<Vec<_>>().join(",")).collect();
                self.act(vec![Action::Partition(ids)])?;
                done(format!("partitioned: {}", words.join(" | ")))
            }
            LabCommand::Isolate(r) => {
                let id = self.resolve(r)?;
                self.act(vec![Action::Partition(vec![vec![id]])])?;
                done(format!("n{id} isolated"))
            }
            LabCommand::Cut(link) => {
                let links = self.links(link)?;
                self.act(links.iter().map(|(from, to)| Action::Cut { from: *from, to: *to }).collect())?;
                done(links.iter().map(|(a, b)| format!("cut n{a}->n{b}")).collect::<Vec<_>>().join(", "))
            }
            LabCommand::Restore(link) => {
                let links = self.links(link)?;
                self.act(links.iter().map(|(from, to)| Action::Restore { from: *from, to: *to }).collect())?;
                done(links.iter().map(|(a, b)| format!("restored n{a}->n{b}")).collect::<Vec<_>>().join(", "))
            }
            LabCommand::Heal => {
                self.act(vec![Action::Heal])?;
                done("healed: every link restored".into())
            }
            LabCommand::DropMessage { id } => {
                self.act(vec![Action::DropMessage(id)])?;
                done(format!("message #{id} dropped"))
            }
            LabCommand::DropLink { link, probability_ppm } => {
                let links = self.links(link)?;
                let acts =
                    links.iter().map(|(from, to)| Action::LinkDropRate { from: *from, to: *to, ppm: probability_ppm });
                self.act(acts.collect())?;
                done(format!("dropping {} of messages on {}", percent(probability_ppm), link_words(&links)))
            }
            LabCommand::DuplicateLink { link, probability_ppm } => {
                let links = self.links(link)?;
                let acts = links.iter().map(|(from, to)| Action::LinkDuplicateRate {
                    from: *from,
                    to: *to,
                    ppm: probability_ppm,
                });
                self.act(acts.collect())?;
                done(format!("duplicating {} of messages on {}", percent(probability_ppm), link_words(&links)))
            }
            LabCommand::DelayMessage { id, delay_ms } => {
                self.act(vec![Action::DelayMessage { id, by_ms: delay_ms }])?;
                done(format!("message #{id} delayed by {delay_ms}ms"))
            }
            LabCommand::DelayLink { link, delay_ms } => {
                let links = self.links(link)?;
                let acts =
                    links.iter().map(|(from, to)| Action::LinkDelay { from: *from, to: *to, extra_ms: delay_ms });
                self.act(acts.collect())?;
                done(format!("{} now {delay_ms}ms slower", link_words(&links)))
            }
            LabCommand::Duplicate { id } => {
                self.act(vec![Action::DuplicateMessage(id)])?;
                done(format!("message #{id} duplicated"))
            }
            LabCommand::Latency { base_ms, jitter_ms } => {
                self.act(vec![Action::SetLatency { base_ms, jitter_ms }])?;
                done(format!("link latency {base_ms}ms + up to {jitter_ms}ms jitter"))
            }
            LabCommand::Tick(n) => {
                self.act(vec![Action::Tick(n)])?;
                done(format!("t={}", ms_words(self.cluster.now_ms())))
            }
            LabCommand::Run { duration_ms } => {
                self.act(vec![Action::Advance(duration_ms)])?;
                done(format!("t={}", ms_words(self.cluster.now_ms())))
            }
            LabCommand::Step(n) => {
                self.act((0..n.min(100_000)).map(|_| Action::Step).collect())?;
                done(format!("t={}", ms_words(self.cluster.now_ms())))
            }
            LabCommand::Campaign(r) => {
                let id = self.resolve(r)?;
                self.act(vec![Action::Campaign(id)])?;
                done(format!("n{id} campaigns"))
            }
            LabCommand::Transfer(r) => {
                let id = self.resolve(r)?;
                self.act(vec![Action::TransferLeader(id)])?;
                done(format!("leadership transfer to n{id} requested"))
            }
            LabCommand::StartFrom { node, data_dir } => {
                let id = self.resolve(node)?;
                self.act(vec![Action::StartFrom { node: id, data_dir: data_dir.clone() }])?;
                let member = self.cluster.node_view(id).map(|v| v.member_id).unwrap_or(0);
                let cluster = self.cluster.cluster_id();
                done(format!("n{id} started from {data_dir}: member {member:x} of cluster {cluster:x}"))
            }
            LabCommand::Disk { node, delay_ms } => {
                let id = self.resolve(node)?;
                self.act(vec![Action::DiskDelay { node: id, delay_ms }])?;
                if delay_ms == 0 {
                    done(format!("n{id}'s disk is fast again"))
                } else {
                    done(format!("n{id}'s disk now takes {delay_ms}ms for every fsync"))
                }
            }
            LabCommand::Status => Ok(self.status_table()),
            LabCommand::History => {
                // Serializable reads included: they are the ones a partition makes stale.
                let h = crate::history::record::of(self.cluster.trace(), true);
                Ok(crate::history::report::report(&h, &crate::history::check::linearizable(&h)))
            }
            LabCommand::Leader => done(match self.cluster.leader() {
                Some(id) => format!("n{id}"),
                None => "none".into(),
            }),
            LabCommand::TraceHash => done(format!("{:016x}", self.cluster.trace_hash())),
            // Answered by `Session::kube` before it gets here.
            LabCommand::Kube(_) => Ok(String::new()),
            LabCommand::Cancel(which) => {
                let ids: Vec<u64> = match which {
                    Some(id) => vec![id],
                    None => self.watch_formats.keys().copied().collect(),
                };
                let mut stopped = Vec::new();
                for stream in ids {
                    let ep = self.default_endpoint;
                    let res = self.call_typed(ep, ClientOp::WatchCancel { watch_id: stream }, &Globals::default());
                    self.watch_formats.remove(&stream);
                    self.kube_streams.remove(&stream);
                    match res {
                        Ok(_) => stopped.push(stream.to_string()),
                        // Cancelling everything skips streams that already ended by themselves.
                        Err(e) if which.is_some() => return Err(e),
                        Err(_) => {}
                    }
                }
                match stopped.is_empty() {
                    true => done("no watch or keep-alive is running".into()),
                    false => done(format!("stopped stream {}", stopped.join(", "))),
                }
            }
        }
    }

    fn status_table(&self) -> String {
        let mut rows = vec![["NODE", "ROLE", "TERM", "VOTE", "COMMIT", "APPLIED", "LEADER"].map(String::from).to_vec()];
        for id in self.cluster.node_ids() {
            let Some(v) = self.cluster.node_view(id) else { continue };
            let role = if v.removed { "removed".to_string() } else { v.role.word().to_string() };
            let who = |n: u64| if n == 0 { "-".to_string() } else { format!("n{n}") };
            rows.push(vec![
                format!("n{id}"),
                role,
                v.term.to_string(),
                who(v.vote),
                v.committed.to_string(),
                if v.alive { v.applied.to_string() } else { "-".into() },
                if v.alive { who(v.leader) } else { "-".into() },
            ]);
        }
        let widths: Vec<usize> = (0..7).map(|c| rows.iter().map(|r| r[c].len()).max().unwrap_or(0)).collect();
        let mut out = String::new();
        for r in rows {
            let cells: Vec<String> = r.iter().enumerate().map(|(i, c)| format!("{c:<w$}", w = widths[i])).collect();
            out.push_str(cells.join("  ").trim_end());
            out.push('\n');
        }
        out
    }
}

fn percent(ppm: u32) -> String {
    let whole = ppm / 10_000;
    let frac = ppm % 10_000;
    if frac == 0 {
        format!("{whole}%")
    } else {
        format!("{}%", format!("{whole}.{frac:04}").trim_end_matches('0'))
    }
}

fn link_words(links: &[(NodeId, NodeId)]) -> String {
    links.iter().map(|(a, b)| format!("n{a}->n{b}")).collect::<Vec<_>>().join(" and ")
}

fn ms_words(ms: u64) -> String {
    if ms % 1000 == 0 {
        format!("{}s", ms / 1000)
    } else {
        format!("{}.{:03}s", ms / 1000, ms % 1000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::ClusterConfig;

    #[test]
    fn lab_words_are_refused_with_a_variant_and_the_printed_text() {
        let mut s = Session::new(ClusterConfig::with_nodes(3, 1)).unwrap();
        // At time 0 nobody has won an election yet.
        let e = s.lab_inner(LabCommand::Kill(NodeRef::Leader)).unwrap_err();
        assert_eq!((e.clone(), e.to_string()), (LabWordError::NoLeader, "there is no leader right now".into()));
        let e = s.lab_inner(LabCommand::Kill(NodeRef::Id(7))).unwrap_err();
        assert_eq!(e, LabWordError::Action(ActionError::NotMember(7)));
        assert_eq!(e.to_string(), "n7 is not a member of this cluster");
        let e = s.lab_inner(LabCommand::Cancel(Some(42))).unwrap_err();
        assert_eq!(e, LabWordError::Action(ActionError::NoSuchWatch(42)));
        assert_eq!(e.to_string(), "no watch or keep-alive 42 is running");
    }
}

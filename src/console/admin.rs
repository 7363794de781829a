//! The etcdctl commands that look after a cluster rather than its keys: `endpoint hashkv`,
//! `move-leader`, `check perf`, and the `lock` and `elect` streams.
//!
//! Contract: as the rest of the session, each turns a parsed command into the calls
//! etcdctl 3.4 makes, in its order (`move-leader` asks each endpoint's status in turn and
//! moves through the first one that leads; `hashkv` asks each endpoint in turn), and
//! prints what etcdctl prints. Endpoints print as the user typed them.

use crate::engine::{ClientOp, ClientResult, NodeId, PerfOp, RecipeOp};

use super::command::{Globals, OutputFormat};
use super::format::{self, Output};
use super::render::{endpoint_name, header};
use super::session::Session;

impl Session {
    pub(super) fn hashkv(
        &mut self,
        g: &Globals,
        cluster: bool,
        revision: i64,
        endpoints: &[NodeId],
    ) -> Result<Output, String> {
        let fmt = g.write_out;
        let (eps, names) = self.targets(g, cluster, endpoints)?;
        let replies = self.call_in_turn(&eps, ClientOp::HashKv { revision }, g)?;
        let mut hashes = Vec::new();
        let mut failed = String::new();
        let mut last_err = None;
        for (r, name) in replies.iter().zip(&names) {
            match &r.result {
                Ok(ClientResult::HashKv { hash, compact_revision }) => hashes.push(format::EndpointHash {
                    endpoint: name.clone(),
                    header: header(&r.header),
                    hash: *hash,
                    compact_revision: *compact_revision,
                }),
                Err(e) => {
                    failed.push_str(&format::endpoint_hashkv_failed(name, &e.to_string()).stderr);
                    last_err = Some(e.to_string());
                }
                Ok(_) => {}
            }
        }
        let mut o = format::endpoint_hashkv(fmt, &hashes);
        o.stderr = failed + &o.stderr;
        if let Some(e) = last_err {
            o.stderr.push_str(&format::error_line(&e));
        }
        Ok(o)
    }

    pub(super) fn move_leader(&mut self, g: &Globals, target: u64, endpoints: &[NodeId]) -> Result<Output, String> {
        let fmt = g.write_out;
        // etcdctl asks each endpoint's status in turn, and the first one that leads
        // is asked to move.
        let names = self.typed_names(g, endpoints);
        let mut leader = None;
        for ep in endpoints {
            let r = self.call(*ep, ClientOp::Status, g)?;
            match &r.result {
                Ok(ClientResult::Status(s)) if s.leader != 0 && s.leader == r.header.member_id => {
                    leader = Some((*ep, s.leader));
                    break;
                }
                Ok(_) => {}
                Err(e) => return Ok(format::error(&e.to_string())),
            }
        }
        let Some((ep, leader_id)) = leader else {
            return Ok(format::error(&format!("no leader endpoint given at [{}]", names.join(" "))));
        };
        let r = self.call(ep, ClientOp::MoveLeader { target_member_id: target }, g)?;
        Ok(match &r.result {
            Ok(ClientResult::LeaderMoved { .. }) => format::move_leader(fmt, leader_id, target),
            Err(e) => format::error(&e.to_string()),
            Ok(_) => format::error("unexpected reply"),
        })
    }

    /// `check perf`: the load runs in the engine; etcdctl's verdict is printed from its
    /// figures, without the progress bar (a wall-clock display).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn check_perf(
        &mut self,
        g: &Globals,
        ep: NodeId,
        rate: u32,
        clients: u32,
        prefix: String,
        auto_compact: bool,
        auto_defrag: bool,
    ) -> Result<Output, String> {
        let op = PerfOp {
            rate,
            clients,
            duration_ms: 60_000,
            prefix: prefix.clone().into_bytes(),
            auto_compact,
            auto_defrag,
        };
        let r = self.call(ep, ClientOp::CheckPerf(op), g)?;
        Ok(match &r.result {
            Ok(ClientResult::Perf(rep)) => {
                let secs = |us: u64| us as f64 / 1e6;
                let total = secs(rep.total_us);
                let figures = format::PerfFigures {
                    writes_per_sec: if total > 0.0 { rep.writes as f64 / total } else { 0.0 },
                    rate_limit: rate,
                    slowest_secs: secs(rep.slowest_us),
                    stddev_secs: secs(rep.stddev_us),
                    errors: rep.errors.clone(),
                };
                format::check_perf(&figures)
            }
            Ok(ClientResult::PerfPrefixInUse) => {
                format::error(&format!("prefix {prefix:?} has keys. Delete with etcdctl del --prefix {prefix} first"))
            }
            Err(e) => format::error(&e.to_string()),
            Ok(_) => format::error("unexpected reply"),
        })
    }

    /// Starts `lock` or `elect`: a stream that prints when it holds or leads.
    pub(super) fn start_recipe(
        &mut self,
        ep: NodeId,
        op: RecipeOp,
        fmt: OutputFormat,
        g: &Globals,
    ) -> Result<Output, String> {
        let r = self.call(ep, ClientOp::Recipe(op), g)?;
        Ok(match r.result {
            Ok(ClientResult::RecipeStarted { stream_id }) => {
                self.watch_formats.insert(stream_id, fmt);
                Output::default()
            }
            Ok(_) => format::error("unexpected reply"),
            Err(e) => format::error(&e.to_string()),
        })
    }

    /// The endpoints as the user typed them (etcdctl prints them so), or `nK` for the
    /// selected member when none was given.
    pub(super) fn typed_names(&self, g: &Globals, endpoints: &[NodeId]) -> Vec<String> {
        if g.endpoints.len() == endpoints.len() {
            g.endpoints.clone()
        } else {
            endpoints.iter().map(|id| format!("n{id}")).collect()
        }
    }

    /// The endpoints a per-endpoint command visits and the names it prints: the given
    /// ones, or with `--cluster` every started member's client URL.
    pub(super) fn targets(
        &mut self,
        g: &Globals,
        cluster: bool,
        endpoints: &[NodeId],
    ) -> Result<(Vec<NodeId>, Vec<String>), String> {
        if cluster {
            let eps = self.cluster_endpoints(g)?;
            let names = eps.iter().map(|id| endpoint_name(*id, true)).collect();
            return Ok((eps, names));
        }
        Ok((endpoints.to_vec(), self.typed_names(g, endpoints)))
    }
}

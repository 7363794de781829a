//! Looking at the real cluster: what the runner reads with etcdctl for a check (statuses,
//! `member list`, serializable gets), and etcdctl's texts with their masks.
//!
//! Contract: each look is a fresh set of etcdctl runs; a member that does not answer is
//! absent from the view, never an error. An `Err` is the harness failing (etcdctl would
//! not start). Every look notes the leader it saw, for `the old leader`.

use base64::Engine as _;

use crate::lesson::cond::Cond;
use crate::oracle::mask::Masker;
use crate::oracle::real::with_ports;
use crate::oracle::transcript::Transcript;
use crate::oracle::vars::member_list;

use super::checks::{needs, Text, View};
use super::{drop_logs, Player};

impl Player<'_> {
    /// The real cluster now: statuses, and what `cond` needs besides. `instant` for an
    /// `expect`, whose values must be the cluster's at this instant.
    pub(super) fn view(&mut self, cond: Option<&Cond>, instant: bool) -> Result<View, String> {
        let statuses = self.session.statuses()?;
        let mut v = View { running: self.session.running().into_iter().collect(), ..Default::default() };
        for s in statuses {
            if s.member_id != 0 {
                self.ids.insert(s.member_id, s.node);
            }
            v.statuses.insert(s.node, s);
        }
        v.ids = self.ids.clone();
        v.fresh = self.fresh.clone();
        v.instant = instant;
        v.now_ms = self.session.elapsed_ms();
        let leader = v.leader();
        self.leaders.observe(leader);
        v.old_leader = self.leaders.old(leader);
        let Some(cond) = cond else { return Ok(v) };
        let (members, gets, keys) = needs(cond);
        if members {
            v.members = Some(self.members(&v));
        }
        for (name, key) in gets {
            if let Ok(Some(id)) = v.resolve(name) {
                if v.running.contains(&id) {
                    let got = self.get(id, &key, false);
                    v.gets.insert((id, key), got.map(|(value, _)| value));
                }
            }
        }
        for name in keys {
            if let Ok(Some(id)) = v.resolve(name) {
                if v.running.contains(&id) {
                    let got = self.get(id, "", true);
                    v.keys.insert(id, got.map(|(_, count)| count));
                }
            }
        }
        v.reply = self.reply.clone();
        v.output = self.output_real.then(|| self.text("", &self.output));
        Ok(v)
    }

    /// (voters, learners) from `member list`, asked of the leader or else a running voter.
    pub(super) fn members(&mut self, v: &View) -> Result<(i64, i64), String> {
        let ask =
            v.leader().or_else(|| v.running.iter().copied().find(|k| !v.statuses.get(k).is_some_and(|s| s.is_learner)));
        let ask = ask.ok_or("no member is running")?;
        let args =
            with_ports(vec!["member".into(), "list".into(), "-w".into(), "json".into(), format!("--endpoints=n{ask}")]);
        let c = self.session.etcdctl(&args, None)?;
        for (node, id) in member_list(&c.stdout) {
            self.ids.insert(id, node);
        }
        let json: serde_json::Value = serde_json::from_str(c.stdout.trim())
            .map_err(|_| format!("member list on n{ask}: {}", c.stderr.lines().last().unwrap_or("no answer")))?;
        let list = json.get("members").and_then(|m| m.as_array()).cloned().unwrap_or_default();
        let learners =
            list.iter().filter(|m| m.get("isLearner").and_then(|x| x.as_bool()) == Some(true)).count() as i64;
        Ok((list.len() as i64 - learners, learners))
    }

    /// A serializable get on member `id`: (the value of `key`, the live key count when `count`).
    pub(super) fn get(&mut self, id: u64, key: &str, count: bool) -> Result<(Option<String>, i64), String> {
        let mut args: Vec<String> =
            vec!["get".into(), key.into(), "--consistency=s".into(), "-w".into(), "json".into()];
        if count {
            args.extend(["--prefix".into(), "--keys-only".into()]);
        }
        args.extend([format!("--endpoints=n{id}"), "--command-timeout=1s".into(), "--dial-timeout=1s".into()]);
        let c = self.session.etcdctl(&with_ports(args), None)?;
        let json: serde_json::Value = serde_json::from_str(c.stdout.trim()).map_err(|_| {
            format!("n{id} did not answer a serializable get: {}", c.stderr.lines().last().unwrap_or(""))
        })?;
        let n = json.get("count").and_then(|x| x.as_i64()).unwrap_or(0);
        let value = json
            .get("kvs")
            .and_then(|k| k.get(0))
            .map(|kv| kv.get("value").and_then(|x| x.as_str()).unwrap_or(""))
            .map(|b64| {
                base64::engine::general_purpose::STANDARD.decode(b64).map(|b| String::from_utf8_lossy(&b).into_owned())
            })
            .transpose()
            .map_err(|e| format!("n{id}: a value that is not base64: {e}"))?;
        Ok((value, n))
    }

    /// What etcdctl printed for `line`, and its masked form.
    pub(super) fn text(&self, line: &str, raw: &str) -> Text {
        let t = Transcript { steps: self.records.clone(), ..Default::default() };
        let after_defrag = self.after_defrag && !line.is_empty();
        let masked = Masker::new(&t).text_of(line, raw, after_defrag);
        Text { line: line.to_string(), raw: raw.to_string(), masked, after_defrag }
    }

    /// Takes in what the streams printed since the last look.
    pub(super) fn drain_streams(&mut self) {
        let (out, err) = self.session.stream_output();
        self.output.push_str(&out);
        self.output.push_str(&drop_logs(&err));
    }
}

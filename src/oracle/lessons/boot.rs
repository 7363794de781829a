//! Booting the real cluster for a lesson: until its first leader is the lab's, or once more
//! so that the lesson's time 0 is etcd's.
//!
//! Contract: a boot counts once every running member names one leader that has applied
//! its first entry; who wins etcd's first election is luck, so `fit_boot` reboots (fresh
//! data, same member ids) until the winner and its term are the lab's, and says how it
//! went; it gives up after `MAX_BOOTS` and says that too.

use std::time::{Duration, Instant};

use super::{Leaders, Player, BOOT_LIMIT, MAX_BOOTS};

impl Player<'_> {
    /// The first boot in new namespaces spends seconds before raft starts (etcd asks each
    /// peer URL whether it is bootstrapped, and the first connections are slow to fail);
    /// later boots do not. A lesson that checks the cluster before its first leader is
    /// played on a second boot, so that its time 0 is etcd's.
    pub(super) fn warm_up(&mut self) -> Result<(), String> {
        let t = Instant::now();
        while self.first_leader()?.is_none() && t.elapsed() < BOOT_LIMIT {
            std::thread::sleep(Duration::from_millis(20));
        }
        self.session.reboot()
    }

    /// The leader every running member names, once it has applied its first entry:
    /// (node, its RAFT TERM, milliseconds since the start).
    pub(super) fn first_leader(&mut self) -> Result<Option<(u64, u64, u64)>, String> {
        let v = self.view(None, false)?;
        let all = v.running.iter().all(|k| v.statuses.get(k).is_some_and(|s| s.leader != 0));
        // Agreed, and the leader has applied its first entry (RAFT TERM shows its term).
        let agreed = v.leader().filter(|l| {
            all && v.statuses.values().all(|s| Some(s.leader) == v.statuses.get(l).map(|x| x.member_id))
                && v.statuses.get(l).is_some_and(|s| s.term > 1)
        });
        Ok(agreed.map(|l| (l, v.statuses.get(&l).map_or(0, |s| s.term), v.now_ms)))
    }

    /// Boots until the first leader is the lab's (`node` in `term`): who wins etcd's first
    /// election is luck, as the scenarios' seed fitting knows; the lesson's seed chose the
    /// lab's. Returns the boots it took (`None` if none matched) and a note saying how it went.
    pub(super) fn fit_boot(&mut self, node: u64, term: u64) -> Result<(Option<usize>, String), String> {
        let mut seen = Vec::new();
        for attempt in 1..=MAX_BOOTS {
            if attempt > 1 {
                self.session.reboot()?;
            }
            let t = Instant::now();
            let first = loop {
                if let Some(first) = self.first_leader()? {
                    break Some(first);
                }
                if t.elapsed() > BOOT_LIMIT {
                    break None;
                }
                std::thread::sleep(Duration::from_millis(20));
            };
            seen.push(match first {
                Some((l, t, ms)) => format!("n{l} term {t} at {ms} ms"),
                None => "none".into(),
            });
            if first.is_some_and(|(l, t, _)| (l, t) == (node, term)) {
                self.fresh.clear();
                self.leaders = Leaders::default();
                self.leaders.observe(Some(node));
                let note = format!(
                    "booted {attempt} time(s) until the first leader was the lab's, n{node} in term {term} (who wins etcd's first election is luck); first leaders seen: {}",
                    seen.join(", ")
                );
                return Ok((Some(attempt), note));
            }
        }
        let note = format!(
            "after {MAX_BOOTS} boots the first leader was never the lab's n{node} in term {term}: {}",
            seen.join(", ")
        );
        Ok((None, note))
    }
}

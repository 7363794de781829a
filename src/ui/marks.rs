//! What each mark in the picture and the log panel means, in words: the tooltips of a node,
//! its election-timer arc, a link, a message in flight and a log cell, in both languages.
//!
//! Contract: pure functions of the engine's views. Every number a tooltip names is the one
//! drawn (`p`/`c`/`a` are `NodeView::persisted`, `committed` and `applied`; the arc is
//! `election_elapsed` of `election_timeout` ticks), and each claim is what raft-rs 0.7 does:
//! the election timer is reset by the leader's append, heartbeat or snapshot and by granting
//! a vote; a learner's timer fills without a campaign; a message's fields keep raft-rs's
//! meaning (an append's `index`/`log_term` name the entry its entries follow, a rejected
//! append response carries the follower's hint in `reject_hint`/`log_term`).

use crate::engine::{InFlightView, NodeView, Role};
use crate::ui::i18n::{t, Lang, Text};

fn role_word(lang: Lang, role: Role, alive: bool) -> &'static str {
    let role = if alive { role } else { Role::Dead };
    t(
        lang,
        match role {
            Role::Leader => Text::Leader,
            Role::Candidate => Text::Candidate,
            Role::PreCandidate => Text::PreCandidate,
            Role::Follower => Text::Follower,
            Role::Learner => Text::Learner,
            Role::Dead => Text::Dead,
        },
    )
}

/// A node's tooltip: who it is, its term and vote, and the `p c a` line spelt out.
pub fn node_title(lang: Lang, n: &NodeView) -> String {
    let role = role_word(lang, n.role, n.alive);
    let (id, term, p, c, a) = (n.id, n.term, n.persisted, n.committed, n.applied);
    match lang {
        Lang::En => {
            let vote =
                if n.vote > 0 { format!("voted for n{} in this term", n.vote) } else { "no vote in this term".into() };
            format!(
                "n{id}: {role}, term {term}, {vote}\n\
                 p {p} persisted: the last log index written to its disk\n\
                 c {c} committed: the highest index it knows a majority has stored\n\
                 a {a} applied: the highest index applied to its key-value store"
            )
        }
        Lang::ZhCn => {
            let vote = if n.vote > 0 { format!("本任期投票给 n{}", n.vote) } else { "本任期未投票".into() };
            format!(
                "n{id}：{role}，任期 {term}，{vote}\n\
                 p {p} 已持久化：已写入磁盘的最后一条日志索引\n\
                 c {c} 已提交：它所知的、多数节点已保存的最高索引\n\
                 a {a} 已应用：已应用到键值存储的最高索引"
            )
        }
    }
}

/// The election-timer arc's tooltip (drawn for every live node but the leader).
pub fn timer_title(lang: Lang, n: &NodeView, tick_ms: u64) -> String {
    let (e, to) = (n.election_elapsed.min(n.election_timeout), n.election_timeout);
    let ms = to * tick_ms;
    match (lang, n.role) {
        (Lang::En, Role::Learner) => format!(
            "Election timer: {e} of {to} ticks ({ms} ms). A learner never campaigns: its timer fills without starting an election."
        ),
        (Lang::En, Role::Candidate | Role::PreCandidate) => format!(
            "Election timer: {e} of {to} ticks ({ms} ms) since this election began. If it fills before a majority says yes, the node starts another election."
        ),
        (Lang::En, _) => format!(
            "Election timer: {e} of {to} ticks ({ms} ms, randomized so nodes rarely time out together). The leader's appends and heartbeats reset it, and so does granting a vote. When it fills, the node starts an election (a pre-vote first when PreVote is on)."
        ),
        (Lang::ZhCn, Role::Learner) => {
            format!("选举计时器：{e} / {to} 个 tick（{ms} 毫秒）。学习者从不发起选举：计时器走满也不会开始选举。")
        }
        (Lang::ZhCn, Role::Candidate | Role::PreCandidate) => format!(
            "选举计时器：本轮选举开始后已过 {e} / {to} 个 tick（{ms} 毫秒）。如果走满时还没有得到多数赞成，节点会再发起一次选举。"
        ),
        (Lang::ZhCn, _) => format!(
            "选举计时器：{e} / {to} 个 tick（{ms} 毫秒，随机化，使节点很少同时超时）。领导者的追加和心跳会重置它，投出一票也会。走满时节点发起选举（开启 PreVote 时先进行预投票）。"
        ),
    }
}

/// One direction of a link: working or cut, and what a click does.
pub fn link_title(lang: Lang, from: u64, to: u64, cut: bool, drop_ppm: u32) -> String {
    let pct = drop_ppm as f64 / 10_000.0;
    match (lang, cut) {
        (Lang::En, true) => {
            format!("Link n{from} → n{to}: cut. Every message from n{from} to n{to} is dropped. Click to restore it.")
        }
        (Lang::En, false) => {
            let drops = if drop_ppm > 0 { format!(", dropping {pct:.0}% of messages") } else { String::new() };
            format!(
                "Link n{from} → n{to}: working{drops}. Click to cut this direction (n{to} → n{from} stays as it is)."
            )
        }
        (Lang::ZhCn, true) => format!("链路 n{from} → n{to}：已切断，n{from} 发给 n{to} 的消息全部丢弃。点击恢复。"),
        (Lang::ZhCn, false) => {
            let drops = if drop_ppm > 0 { format!("，丢弃 {pct:.0}% 的消息") } else { String::new() };
            format!("链路 n{from} → n{to}：正常{drops}。点击切断这个方向（n{to} → n{from} 不受影响）。")
        }
    }
}

/// A message in flight: its raft-rs type, from → to, term, and what it carries.
pub fn message_title(lang: Lang, m: &InFlightView) -> String {
    let v = &m.msg;
    let reject = match (lang, v.reject) {
        (_, false) => "",
        (Lang::En, true) => ", rejected",
        (Lang::ZhCn, true) => "，拒绝",
    };
    let head = match lang {
        Lang::En => format!("{} n{} → n{}, term {}{reject}", v.msg_type, m.from, m.to, v.term),
        Lang::ZhCn => format!("{} n{} → n{}，任期 {}{reject}", v.msg_type, m.from, m.to, v.term),
    };
    format!("{head}\n{}", message_meaning(lang, m))
}

fn message_meaning(lang: Lang, m: &InFlightView) -> String {
    let v = &m.msg;
    let (idx, lt, commit, k, to) = (v.index, v.log_term, v.commit, v.entries.len() as u64, m.to);
    let en = lang == Lang::En;
    match (v.msg_type.as_str(), v.reject) {
        ("MsgAppend", _) if k > 0 => {
            let (a, b) = (idx + 1, idx + k);
            if en {
                format!("The leader sends {k} entries ({a}–{b}) that follow entry {idx} of term {lt}, and its commit index {commit}.")
            } else {
                format!(
                    "领导者发送 {k} 条日志（{a}–{b}），接在任期 {lt} 的第 {idx} 条之后，并带上它的提交索引 {commit}。"
                )
            }
        }
        ("MsgAppend", _) => {
            if en {
                format!("No entries: the leader probes whether the follower has entry {idx} of term {lt}, and passes on its commit index {commit}.")
            } else {
                format!("不带日志：领导者探测跟随者是否有任期 {lt} 的第 {idx} 条，并传递提交索引 {commit}。")
            }
        }
        ("MsgAppendResponse", false) => {
            if en {
                format!("Accepted: the follower's log matches the leader's up to index {idx}.")
            } else {
                format!("接受：跟随者的日志与领导者一致，直到索引 {idx}。")
            }
        }
        ("MsgAppendResponse", true) => {
            let hint = v.reject_hint;
            if en {
                format!("Rejected: the follower's log does not match at index {idx}. Its hint: it has up to index {hint} (term {lt}), so the leader backs up and retries.")
            } else {
                format!("拒绝：跟随者的日志在索引 {idx} 处不一致。它的提示：它有到索引 {hint}（任期 {lt}），领导者据此回退重试。")
            }
        }
        ("MsgHeartbeat", _) => {
            if en {
                format!("The leader is alive: this resets the follower's election timer, and carries commit index {commit}.")
            } else {
                format!("领导者还在：它会重置跟随者的选举计时器，并带上提交索引 {commit}。")
            }
        }
        ("MsgHeartbeatResponse", _) => {
            if en {
                "The follower answers the heartbeat: the leader still reaches it.".into()
            } else {
                "跟随者回应心跳：领导者仍能联系到它。".into()
            }
        }
        ("MsgRequestVote", _) => {
            if en {
                format!("The candidate asks for a vote in term {}. Its last entry is index {idx}, term {lt}: a node votes only for a log at least as up to date as its own.", v.term)
            } else {
                format!("候选人请求任期 {} 的选票。它的最后一条日志是索引 {idx}、任期 {lt}：节点只投给日志至少和自己一样新的候选人。", v.term)
            }
        }
        ("MsgRequestVoteResponse", false) => {
            if en {
                format!("Vote granted for term {}.", v.term)
            } else {
                format!("同意投票（任期 {}）。", v.term)
            }
        }
        ("MsgRequestVoteResponse", true) => {
            if en {
                "Vote refused: it already voted for another node in this term, or the candidate's log is behind.".into()
            } else {
                "拒绝投票：它在本任期已投给别的节点，或者候选人的日志落后。".into()
            }
        }
        ("MsgRequestPreVote", _) => {
            if en {
                format!("Pre-vote: would you vote for me in term {}? Its last entry is index {idx}, term {lt}. No term changes until a majority says yes.", v.term)
            } else {
                format!("预投票：如果我在任期 {} 参选，你会投我吗？它的最后一条日志是索引 {idx}、任期 {lt}。在多数同意之前，任何任期都不变。", v.term)
            }
        }
        ("MsgRequestPreVoteResponse", false) => {
            if en {
                "Pre-vote granted.".into()
            } else {
                "同意预投票。".into()
            }
        }
        ("MsgRequestPreVoteResponse", true) => {
            if en {
                "Pre-vote refused: it still hears from a leader, or the candidate's log is behind.".into()
            } else {
                "拒绝预投票：它仍能收到领导者的消息，或者候选人的日志落后。".into()
            }
        }
        ("MsgSnapshot", _) => {
            let (si, st) = v.snapshot.as_ref().map_or((0, 0), |s| (s.index, s.term));
            if en {
                format!("A snapshot up to index {si} (term {st}): the leader has compacted the entries this follower needs.")
            } else {
                format!("快照，截至索引 {si}（任期 {st}）：跟随者需要的日志已被领导者压缩。")
            }
        }
        ("MsgTimeoutNow", _) => {
            if en {
                format!("Leadership transfer: the leader tells n{to} to start an election now.")
            } else {
                format!("领导权转移：领导者让 n{to} 立即发起选举。")
            }
        }
        ("MsgReadIndex", _) => {
            if en {
                "Asks the leader for its commit index, for a linearizable read.".into()
            } else {
                "向领导者请求提交索引，用于线性一致读。".into()
            }
        }
        ("MsgReadIndexResp", _) => {
            if en {
                format!("The leader's answer: the read may be served once index {idx} is applied.")
            } else {
                format!("领导者的回答：应用到索引 {idx} 后即可读取。")
            }
        }
        ("MsgPropose", _) => {
            if en {
                format!("A proposal ({k} entries) forwarded to the leader.")
            } else {
                format!("转发给领导者的提案（{k} 条）。")
            }
        }
        ("MsgTransferLeader", _) => {
            if en {
                "Asks the leader to hand leadership over.".into()
            } else {
                "请求领导者转移领导权。".into()
            }
        }
        _ => {
            if en {
                "A message raft-rs produced.".into()
            } else {
                "raft-rs 产生的消息。".into()
            }
        }
    }
}

fn entry_kind(lang: Lang, entry_type: &str) -> String {
    match (lang, entry_type) {
        (Lang::En, kind) => format!("{kind} entry"),
        (Lang::ZhCn, "normal") => "普通日志".into(),
        (Lang::ZhCn, "conf change") => "配置变更日志".into(),
        (Lang::ZhCn, "conf change v2") => "配置变更（v2）日志".into(),
        (Lang::ZhCn, kind) => format!("{kind} 日志"),
    }
}

/// Where a log cell stands on its node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CellState {
    pub committed: bool,
    pub applied: bool,
    pub persisted: bool,
}

/// A log cell's tooltip: index, term, entry type, payload, committed, persisted.
pub fn entry_title(lang: Lang, index: u64, term: u64, entry_type: &str, summary: &str, s: CellState) -> String {
    let kind = entry_kind(lang, entry_type);
    match lang {
        Lang::En => {
            let commit = match (s.committed, s.applied) {
                (true, true) => "committed and applied",
                (true, false) => "committed, not yet applied",
                _ => "not committed yet (it could still be overwritten)",
            };
            let disk = if s.persisted { "persisted on its disk" } else { "not yet on its disk" };
            format!("Index {index}, term {term}, {kind}: {summary}\n{commit}; {disk}")
        }
        Lang::ZhCn => {
            let commit = match (s.committed, s.applied) {
                (true, true) => "已提交并已应用",
                (true, false) => "已提交，尚未应用",
                _ => "尚未提交（仍可能被覆盖）",
            };
            let disk = if s.persisted { "已持久化到磁盘" } else { "尚未写入磁盘" };
            format!("索引 {index}，任期 {term}，{kind}：{summary}\n{commit}；{disk}")
        }
    }
}

/// A compacted cell: the entry is gone, folded into the snapshot.
pub fn compacted_title(lang: Lang, index: u64, snapshot_index: u64) -> String {
    match lang {
        Lang::En => format!(
            "Index {index}: compacted. The entry is gone from the log; its effect lives in the snapshot up to index {snapshot_index}."
        ),
        Lang::ZhCn => format!("索引 {index}：已压缩。这条日志已从日志中删除，它的效果保存在截至索引 {snapshot_index} 的快照里。"),
    }
}

#[cfg(test)]
#[path = "marks_tests.rs"]
mod tests;

use raft::eraftpb::{Entry, Message, MessageType};

use super::*;
use crate::engine::{ClusterConfig, ClusterView, MessageView};
use crate::lab::Lab;

fn view() -> ClusterView {
    let mut lab = Lab::new(ClusterConfig { nodes: 3, seed: 1, ..ClusterConfig::default() }).expect("lab");
    lab.play(3_000);
    lab.session().cluster().view()
}

fn in_flight(m: Message) -> InFlightView {
    InFlightView { id: 1, from: m.from, to: m.to, sent_at_ms: 0, deliver_at_ms: 10, msg: MessageView::from(&m) }
}

fn msg(kind: MessageType, from: u64, to: u64, term: u64) -> Message {
    let mut m = Message::default();
    m.set_msg_type(kind);
    (m.from, m.to, m.term) = (from, to, term);
    m
}

#[test]
fn a_node_names_its_role_term_vote_and_the_p_c_a_numbers_it_draws() {
    let v = view();
    let leader = v.nodes.iter().find(|n| n.role == Role::Leader).expect("a leader");
    let title = node_title(Lang::En, leader);
    let first = title.lines().next().unwrap();
    assert_eq!(first, format!("n{}: leader, term {}, voted for n{} in this term", leader.id, leader.term, leader.id));
    assert!(title.contains(&format!("p {} persisted", leader.persisted)), "{title}");
    assert!(title.contains(&format!("c {} committed", leader.committed)), "{title}");
    assert!(title.contains(&format!("a {} applied", leader.applied)), "{title}");
    let zh = node_title(Lang::ZhCn, leader);
    assert!(zh.starts_with(&format!("n{}：领导者，任期 {}", leader.id, leader.term)), "{zh}");
    assert!(zh.contains("已持久化") && zh.contains("已提交") && zh.contains("已应用"), "{zh}");

    let mut dead = leader.clone();
    dead.alive = false;
    dead.vote = 0;
    assert!(node_title(Lang::En, &dead).starts_with(&format!("n{}: dead, term", dead.id)));
    assert!(node_title(Lang::En, &dead).contains("no vote in this term"));
}

#[test]
fn the_timer_arc_says_what_it_counts_and_what_filling_it_does() {
    let v = view();
    let mut f = v.nodes.iter().find(|n| n.role == Role::Follower).expect("a follower").clone();
    (f.election_elapsed, f.election_timeout) = (4, 13);
    let en = timer_title(Lang::En, &f, 100);
    assert!(en.starts_with("Election timer: 4 of 13 ticks (1300 ms"), "{en}");
    assert!(en.contains("starts an election") && en.contains("reset"), "{en}");
    f.role = Role::Learner;
    f.election_elapsed = 40;
    let learner = timer_title(Lang::En, &f, 100);
    assert!(learner.starts_with("Election timer: 13 of 13 ticks"), "clamped to what the arc draws: {learner}");
    assert!(learner.contains("never campaigns"), "{learner}");
    assert!(timer_title(Lang::ZhCn, &f, 100).contains("学习者从不发起选举"));
}

#[test]
fn a_link_says_whether_it_is_cut_and_what_a_click_does() {
    assert_eq!(
        link_title(Lang::En, 1, 2, true, 0),
        "Link n1 → n2: cut. Every message from n1 to n2 is dropped. Click to restore it."
    );
    let open = link_title(Lang::En, 2, 1, false, 100_000);
    assert!(open.starts_with("Link n2 → n1: working, dropping 10% of messages. Click to cut"), "{open}");
    assert!(link_title(Lang::ZhCn, 1, 2, true, 0).contains("已切断"));
}

#[test]
fn an_append_names_the_entries_it_carries_and_what_they_follow() {
    let mut m = msg(MessageType::MsgAppend, 1, 2, 3);
    (m.index, m.log_term, m.commit) = (5, 2, 4);
    m.entries = vec![Entry::default(), Entry::default()];
    let title = message_title(Lang::En, &in_flight(m));
    assert_eq!(
        title,
        "MsgAppend n1 → n2, term 3\nThe leader sends 2 entries (6–7) that follow entry 5 of term 2, and its commit index 4."
    );
}

#[test]
fn a_rejection_says_so_and_why() {
    let mut m = msg(MessageType::MsgRequestVoteResponse, 3, 1, 4);
    m.reject = true;
    let title = message_title(Lang::En, &in_flight(m));
    assert!(title.starts_with("MsgRequestVoteResponse n3 → n1, term 4, rejected\nVote refused"), "{title}");
    let mut m = msg(MessageType::MsgAppendResponse, 2, 1, 4);
    (m.reject, m.index, m.reject_hint, m.log_term) = (true, 9, 6, 3);
    let title = message_title(Lang::En, &in_flight(m));
    assert!(title.contains("does not match at index 9") && title.contains("up to index 6 (term 3)"), "{title}");
    let zh = message_title(Lang::ZhCn, &in_flight(msg(MessageType::MsgHeartbeat, 1, 2, 5)));
    assert!(zh.starts_with("MsgHeartbeat n1 → n2，任期 5\n领导者还在"), "{zh}");
}

#[test]
fn a_log_cell_names_index_term_type_and_its_state() {
    let s = CellState { committed: true, applied: false, persisted: true };
    assert_eq!(
        entry_title(Lang::En, 12, 3, "normal", "put x 1", s),
        "Index 12, term 3, normal entry: put x 1\ncommitted, not yet applied; persisted on its disk"
    );
    let s = CellState { committed: false, applied: false, persisted: false };
    let t = entry_title(Lang::ZhCn, 7, 2, "conf change", "add n4", s);
    assert_eq!(t, "索引 7，任期 2，配置变更日志：add n4\n尚未提交（仍可能被覆盖）；尚未写入磁盘");
    assert!(compacted_title(Lang::En, 3, 10).starts_with("Index 3: compacted"));
}

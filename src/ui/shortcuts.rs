//! The keyboard shortcuts' meaning: which key does what to which node. The `?` overlay
//! lists them; the browser side only decides whether a key press is a shortcut at all (not
//! typed into a field, no modifier).
//!
//! Contract: a pure function of the key, the selected node and the current `ClusterView`;
//! a node action becomes the console line a click on the node menu would run, so the
//! transcript shows it and a share link replays it.

use crate::engine::{ClusterView, NodeId};
use crate::lab::StepKind;

/// What a key asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Shortcut {
    ToggleHelp,
    /// Close the overlays and forget the selection.
    Escape,
    TogglePlay,
    /// One step of this kind; the clock keeps its play state.
    Step(StepKind),
    StepBack,
    /// A console line, as the node menu would run it.
    Line(String),
    Select(NodeId),
}

/// Every shortcut, for the help overlay: (keys, what they do).
pub const HELP: [(&str, &str); 18] = [
    ("Space / p", "play / pause"),
    (".", "next event"),
    ("t", "next tick"),
    ("n", "next role change, commit or crash"),
    (",", "step back"),
    ("1–9", "select a node"),
    ("k", "kill / restart the selected node"),
    ("r", "restart the selected node"),
    ("i", "isolate the selected node"),
    ("c", "the selected node campaigns"),
    ("l", "transfer leadership to the selected node"),
    ("h", "heal the network"),
    ("a / A", "add a member / add a learner"),
    ("m", "promote the selected learner"),
    ("x", "remove the selected member"),
    ("Tab, Enter", "reach and press any control, node, link or message"),
    ("?", "this help"),
    ("Esc", "close"),
];

/// The shortcut for `key` (a `KeyboardEvent.key`), or `None` when the key means nothing
/// here (a node key with no node selected, a digit with no such node).
pub fn shortcut(key: &str, selected: Option<NodeId>, view: &ClusterView) -> Option<Shortcut> {
    let node = selected.and_then(|id| view.nodes.iter().find(|n| n.id == id));
    Some(match key {
        "?" => Shortcut::ToggleHelp,
        "Escape" => Shortcut::Escape,
        " " | "p" => Shortcut::TogglePlay,
        "." => Shortcut::Step(StepKind::Event),
        "t" => Shortcut::Step(StepKind::Tick),
        "n" => Shortcut::Step(StepKind::Interesting),
        "," => Shortcut::StepBack,
        "h" => Shortcut::Line("heal".into()),
        "a" | "A" => {
            let next = view.nodes.iter().map(|n| n.id).max().unwrap_or(0) + 1;
            let learner = if key == "A" { " --learner" } else { "" };
            Shortcut::Line(format!("member add n{next}{learner}"))
        }
        "m" | "x" => {
            let verb = if key == "m" { "promote" } else { "remove" };
            Shortcut::Line(format!("member {verb} {:x}", node?.member_id))
        }
        "k" | "r" | "i" | "c" | "l" => {
            let n = node?;
            let id = n.id;
            Shortcut::Line(match key {
                "k" if n.alive => format!("kill n{id}"),
                "r" | "k" if !n.alive => format!("restart n{id}"),
                "i" => format!("isolate n{id}"),
                "c" => format!("campaign n{id}"),
                "l" => format!("transfer n{id}"),
                _ => return None,
            })
        }
        d if d.len() == 1 && d.chars().all(|c| ('1'..='9').contains(&c)) => {
            let id: NodeId = d.parse().ok()?;
            view.nodes.iter().any(|n| n.id == id).then_some(Shortcut::Select(id))?
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::ClusterConfig;
    use crate::lab::Lab;

    fn view() -> ClusterView {
        let mut lab = Lab::new(ClusterConfig { nodes: 3, seed: 1, ..ClusterConfig::default() }).expect("lab");
        lab.play(3_000);
        lab.session().cluster().view()
    }

    #[test]
    fn time_and_panel_keys_need_no_selection() {
        let v = view();
        assert_eq!(shortcut(" ", None, &v), Some(Shortcut::TogglePlay));
        assert_eq!(shortcut("p", None, &v), Some(Shortcut::TogglePlay));
        assert_eq!(shortcut(".", None, &v), Some(Shortcut::Step(StepKind::Event)));
        assert_eq!(shortcut("t", None, &v), Some(Shortcut::Step(StepKind::Tick)));
        assert_eq!(shortcut("n", None, &v), Some(Shortcut::Step(StepKind::Interesting)));
        assert_eq!(shortcut(",", None, &v), Some(Shortcut::StepBack));
        assert_eq!(shortcut("?", None, &v), Some(Shortcut::ToggleHelp));
        assert_eq!(shortcut("Escape", None, &v), Some(Shortcut::Escape));
        assert_eq!(shortcut("h", None, &v), Some(Shortcut::Line("heal".into())));
        assert_eq!(shortcut("a", None, &v), Some(Shortcut::Line("member add n4".into())));
        assert_eq!(shortcut("A", None, &v), Some(Shortcut::Line("member add n4 --learner".into())));
        assert_eq!(shortcut("z", None, &v), None);
        assert_eq!(shortcut("Enter", None, &v), None);
    }

    #[test]
    fn node_keys_act_on_the_selected_node() {
        let v = view();
        for key in ["k", "r", "i", "c", "l", "m", "x"] {
            assert_eq!(shortcut(key, None, &v), None, "{key} without a selection");
        }
        let line = |k: &str| match shortcut(k, Some(2), &v) {
            Some(Shortcut::Line(l)) => l,
            other => panic!("{k}: {other:?}"),
        };
        assert_eq!(line("k"), "kill n2");
        assert_eq!(shortcut("r", Some(2), &v), None, "r restarts only a dead node");
        assert_eq!(line("i"), "isolate n2");
        assert_eq!(line("c"), "campaign n2");
        assert_eq!(line("l"), "transfer n2");
        let member = v.nodes.iter().find(|n| n.id == 2).map(|n| n.member_id).unwrap_or_default();
        assert_eq!(line("m"), format!("member promote {member:x}"));
        assert_eq!(line("x"), format!("member remove {member:x}"));
    }

    #[test]
    fn a_dead_node_is_restarted_by_k_and_r() {
        let mut v = view();
        if let Some(n) = v.nodes.iter_mut().find(|n| n.id == 2) {
            n.alive = false;
        }
        assert_eq!(shortcut("k", Some(2), &v), Some(Shortcut::Line("restart n2".into())));
        assert_eq!(shortcut("r", Some(2), &v), Some(Shortcut::Line("restart n2".into())));
    }

    #[test]
    fn digits_select_existing_nodes_only() {
        let v = view();
        assert_eq!(shortcut("3", None, &v), Some(Shortcut::Select(3)));
        assert_eq!(shortcut("4", None, &v), None);
        assert_eq!(shortcut("0", None, &v), None);
    }
}

//! Dragging a node to another side of the network: what a drop means, as console lines.
//!
//! Contract: a pure function of the `ClusterView`, the dragged node and where it was let go
//! (in the picture's coordinates, `layout::VIEW`), so a drag replays from a share link like
//! any typed line. Dropping on another node joins its side; on empty space, the node goes
//! on its own; on itself (a click) nothing happens.

use crate::engine::{ClusterView, NodeId};
use crate::ui::layout::{node_xy, regroup, sides};

/// A node's radius in the picture: the drop target, and where messages leave the rim.
pub const NODE_R: f64 = 86.0;

/// The console lines for dropping `node` at `at`. `None` for a click (dropped on itself)
/// or a drop that changes no side.
pub fn drop_command(view: &ClusterView, node: NodeId, at: (f64, f64)) -> Option<Vec<String>> {
    let ids: Vec<NodeId> = view.nodes.iter().filter(|n| !n.removed).map(|n| n.id).collect();
    let n = view.nodes.len();
    let hit = view.nodes.iter().enumerate().find_map(|(i, nv)| {
        let (x, y) = node_xy(i, n);
        (((x - at.0).powi(2) + (y - at.1).powi(2)).sqrt() <= NODE_R).then_some(nv.id)
    });
    if hit == Some(node) {
        return None;
    }
    let current = sides(&ids, |a, b| view.links.iter().any(|l| l.from == a && l.to == b && l.cut));
    let groups = regroup(&current, node, hit)?;
    if groups.len() == 1 {
        // Everyone on one side again: restore the cut links (link faults stay).
        return Some(view.links.iter().filter(|l| l.cut).map(|l| format!("restore n{}->n{}", l.from, l.to)).collect());
    }
    let words: Vec<String> =
        groups.iter().map(|g| g.iter().map(|id| format!("n{id}")).collect::<Vec<_>>().join(",")).collect();
    Some(vec![format!("partition {}", words.join(" "))])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::ClusterConfig;
    use crate::lab::Lab;
    use crate::ui::layout::VIEW;

    fn lab() -> Lab {
        let mut lab = Lab::new(ClusterConfig { nodes: 3, seed: 1, ..ClusterConfig::default() }).expect("lab");
        lab.play(1_000);
        lab
    }

    fn at(i: usize, n: usize) -> (f64, f64) {
        node_xy(i, n)
    }

    #[test]
    fn a_click_is_not_a_drop() {
        let v = lab().session().cluster().view();
        assert_eq!(drop_command(&v, 1, at(0, 3)), None);
        // Anywhere within the node's circle.
        let (x, y) = at(0, 3);
        assert_eq!(drop_command(&v, 1, (x + NODE_R - 1.0, y)), None);
    }

    #[test]
    fn dropping_in_empty_space_isolates_the_node() {
        let v = lab().session().cluster().view();
        let cmds = drop_command(&v, 1, (VIEW / 2.0, VIEW / 2.0)).expect("a change");
        assert_eq!(cmds.len(), 1);
        assert!(cmds[0].starts_with("partition "), "{cmds:?}");
        assert!(cmds[0].split_whitespace().any(|w| w == "n1"), "n1 alone: {cmds:?}");
    }

    #[test]
    fn dropping_back_onto_the_others_restores_the_cut_links() {
        let mut lab = lab();
        let _ = lab.console("partition n1 n2,n3");
        let v = lab.session().cluster().view();
        assert!(v.links.iter().any(|l| l.cut), "the partition cut links");
        let cmds = drop_command(&v, 1, at(1, 3)).expect("a change");
        assert!(!cmds.is_empty() && cmds.iter().all(|c| c.starts_with("restore ")), "{cmds:?}");
        assert_eq!(cmds.len(), v.links.iter().filter(|l| l.cut).count());
    }

    #[test]
    fn dropping_onto_a_node_pairs_them_off_or_changes_nothing() {
        let mut lab = lab();
        let v = lab.session().cluster().view();
        // Out of one undivided network, the two make a side of their own.
        assert_eq!(drop_command(&v, 1, at(1, 3)), Some(vec!["partition n1,n2 n3".to_string()]));
        let _ = lab.console("partition n1,n2 n3");
        let v = lab.session().cluster().view();
        assert_eq!(drop_command(&v, 1, at(1, 3)), None, "already on n2's side");
    }
}

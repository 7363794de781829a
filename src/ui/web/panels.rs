//! What each node holds: the logs side by side (aligned by index, windowed), each node's
//! keys with their revisions, and raft-rs's own lines for the selected node.
//!
//! Contract: drawn from the current `ClusterView`, and the lab's log and trace through the
//! context; nothing per frame grows with the run (the log window and the key rows are
//! bounded).

use std::rc::Rc;

use yew::prelude::*;

use crate::engine::{ClusterView, NodeId, NodeView, TraceEvent};
use crate::ui::i18n::{t, Lang, Text};

use super::app::LabHandle;

#[derive(Properties, PartialEq)]
pub struct ViewProps {
    pub view: Rc<ClusterView>,
    pub lang: Lang,
}

/// How many indexes the log panel shows, ending at the newest entry (a window, so a run
/// with 10,000 entries draws as fast as one with ten).
const LOG_WINDOW: u64 = 30;

/// Keys shown per node (the first in key order); the rest are counted, not drawn.
pub const STORE_ROWS: usize = 12;

#[component]
pub fn Logs(p: &ViewProps) -> Html {
    let (lang, view) = (p.lang, &p.view);
    let Some(h) = use_context::<LabHandle>() else { return html! {} };
    let m = h.model.borrow();
    let cluster = m.lab.session().cluster();
    let last = view.nodes.iter().map(|n| n.last_index).max().unwrap_or(0);
    let from = last.saturating_sub(LOG_WINDOW - 1).max(1);
    let header = view.nodes.iter().map(|n| html! { <th>{ format!("n{}", n.id) }</th> });
    let columns: Vec<Vec<crate::engine::EntryView>> =
        view.nodes.iter().map(|n| cluster.log_entries(n.id, from, last)).collect();
    let rows = (from..=last).rev().map(|idx| {
        let cells = view.nodes.iter().zip(&columns).map(|(n, col)| {
            let marks = format!(
                "{}{}{}",
                if idx == n.committed { " C" } else { "" },
                if idx == n.applied { " A" } else { "" },
                if idx == n.snapshot_index { " S" } else { "" }
            );
            match col.iter().find(|e| e.index == idx) {
                Some(e) => {
                    let class = classes!(
                        "entry",
                        format!("term{}", e.term % 8),
                        (idx > n.committed).then_some("uncommitted"),
                        (idx > n.persisted).then_some("unpersisted")
                    );
                    html! {
                        <td class={class} title={format!("{} {}: {}", t(lang, Text::Term), e.term, e.entry_type)}>
                            <span class="term">{ e.term }</span>{ " " }{ e.summary.clone() }<span class="marks">{ marks }</span>
                        </td>
                    }
                }
                None if idx <= n.snapshot_index => html! { <td class="compacted">{ t(lang, Text::Snapshot) }</td> },
                None => html! { <td></td> },
            }
        });
        html! { <tr><th>{ idx }</th>{ for cells }</tr> }
    });
    html! {
        <div class="logs panel">
            <h2>{ t(lang, Text::Log) }</h2>
            <table id="logs"><thead><tr><th>{ "#" }</th>{ for header }</tr></thead><tbody>{ for rows }</tbody></table>
        </div>
    }
}

#[derive(Properties)]
pub struct StoresProps {
    pub view: Rc<ClusterView>,
    pub lang: Lang,
}

/// Equal when every store would draw the same: most frames move time, not keys, and the
/// key tables are then left as they are.
impl PartialEq for StoresProps {
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (&self.view.nodes, &other.view.nodes);
        let same = |x: &NodeView, y: &NodeView| {
            (x.id, x.alive, x.revision, x.key_count) == (y.id, y.alive, y.revision, y.key_count) && x.kvs == y.kvs
        };
        self.lang == other.lang && a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y))
    }
}

#[component]
pub fn Stores(p: &StoresProps) -> Html {
    let (lang, view) = (p.lang, &p.view);
    let per_node = view.nodes.iter().map(|n| {
        let rows = n.kvs.iter().map(|kv| {
            html! {
                <tr>
                    <td class="key">{ String::from_utf8_lossy(&kv.key).into_owned() }</td>
                    <td class="value">{ String::from_utf8_lossy(&kv.value).into_owned() }</td>
                    <td>{ kv.create_revision }</td><td>{ kv.mod_revision }</td><td>{ kv.version }</td>
                </tr>
            }
        });
        html! {
            <div class="store" data-node={n.id.to_string()}>
                <h3>{ format!("n{} · rev {}", n.id, n.revision) }</h3>
                if !n.alive { <p class="muted">{ t(lang, Text::Dead) }</p> }
                else if n.kvs.is_empty() { <p class="muted">{ t(lang, Text::Empty) }</p> }
                else {
                    <table><thead><tr><th>{ "key" }</th><th>{ "value" }</th><th>{ "create" }</th><th>{ "mod" }</th><th>{ "ver" }</th></tr></thead>
                    <tbody>{ for rows }</tbody></table>
                    if n.key_count > n.kvs.len() as u64 {
                        <p class="muted">{ format!("… {} more", n.key_count - n.kvs.len() as u64) }</p>
                    }
                }
            </div>
        }
    });
    html! {
        <div class="stores panel" id="stores">
            <h2>{ t(lang, Text::Store) }</h2>
            <div class="grid">{ for per_node }</div>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct RaftLinesProps {
    pub selected: Option<NodeId>,
    pub lang: Lang,
}

/// Lines shown: raft-rs's newest for the node.
const RAFT_LINES: usize = 30;

#[component]
pub fn RaftLines(p: &RaftLinesProps) -> Html {
    let lang = p.lang;
    let Some(h) = use_context::<LabHandle>() else { return html! {} };
    let Some(id) = p.selected else { return html! {} };
    let m = h.model.borrow();
    let trace = m.lab.session().cluster().trace();
    let lines: Vec<Html> = trace
        .records()
        .iter()
        .rev()
        .filter_map(|r| match &r.event {
            TraceEvent::RaftLog { node, line } if *node == id => {
                Some(html! { <li><span class="muted">{ format!("{} ms {} ", r.time_ms, line.level) }</span>{ line.text.clone() }</li> })
            }
            _ => None,
        })
        .take(RAFT_LINES)
        .collect();
    html! {
        <div class="raftlog panel">
            <h2>{ format!("{} · n{id}", t(lang, Text::RaftLog)) }</h2>
            <ol reversed=true>{ for lines }</ol>
        </div>
    }
}

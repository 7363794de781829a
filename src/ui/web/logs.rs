//! The log panel: every node's log side by side, aligned by index, with commit, apply and
//! snapshot marks.
//!
//! Contract: draws a window of the newest indexes (so a run with 10,000 entries draws as
//! fast as one with ten), read from the lab through the context, and only when a column
//! changed: a log is the same as long as its first and last index, its last entry's term and
//! its marks are (Raft's log matching: an index and a term fix everything up to them), so
//! a frame that only moved messages skips the table and its 270 tooltips.

use std::rc::Rc;

use yew::prelude::*;

use crate::engine::ClusterView;
use crate::ui::i18n::{t, Lang, Text};
use crate::ui::marks::{compacted_title, entry_title, CellState};

use super::app::{LabHandle, ModelRef};

#[derive(Properties, PartialEq)]
pub struct LogsProps {
    pub view: Rc<ClusterView>,
    pub lang: Lang,
}

/// How many indexes the log panel shows, ending at the newest entry (a window, so a run
/// with 10,000 entries draws as fast as one with ten).
const LOG_WINDOW: u64 = 30;

/// What a column shows: equal columns draw equal cells.
#[derive(Clone, Copy, PartialEq)]
struct Column {
    id: crate::engine::NodeId,
    first: u64,
    last: u64,
    last_term: u64,
    committed: u64,
    applied: u64,
    persisted: u64,
    snapshot: u64,
}

#[component]
pub fn Logs(p: &LogsProps) -> Html {
    let Some(h) = use_context::<LabHandle>() else { return html! {} };
    let columns: Vec<Column> = {
        let m = h.model.borrow();
        let cluster = m.lab.session().cluster();
        p.view
            .nodes
            .iter()
            .map(|n| Column {
                id: n.id,
                first: n.first_index,
                last: n.last_index,
                last_term: cluster.log_entries(n.id, n.last_index, n.last_index).first().map_or(0, |e| e.term),
                committed: n.committed,
                applied: n.applied,
                persisted: n.persisted,
                snapshot: n.snapshot_index,
            })
            .collect()
    };
    let generation = h.model.borrow().generation;
    html! { <LogTable {columns} {generation} lang={p.lang} model={ModelRef(h.model.clone())} /> }
}

#[derive(Properties, PartialEq)]
struct LogTableProps {
    columns: Vec<Column>,
    /// A new run or lesson draws afresh, whatever its columns.
    generation: u64,
    lang: Lang,
    model: ModelRef,
}

#[component]
fn LogTable(p: &LogTableProps) -> Html {
    let lang = p.lang;
    let m = p.model.0.borrow();
    let cluster = m.lab.session().cluster();
    let nodes = &p.columns;
    let last = nodes.iter().map(|n| n.last).max().unwrap_or(0);
    let from = last.saturating_sub(LOG_WINDOW - 1).max(1);
    let header = nodes.iter().map(|n| html! { <th>{ format!("n{}", n.id) }</th> });
    let columns: Vec<Vec<crate::engine::EntryView>> =
        nodes.iter().map(|n| cluster.log_entries(n.id, from, last)).collect();
    let rows = (from..=last).rev().map(|idx| {
        let cells = nodes.iter().zip(&columns).map(|(n, col)| {
            let marks = format!(
                "{}{}{}",
                if idx == n.committed { " C" } else { "" },
                if idx == n.applied { " A" } else { "" },
                if idx == n.snapshot { " S" } else { "" }
            );
            match col.iter().find(|e| e.index == idx) {
                Some(e) => {
                    let class = classes!(
                        "entry",
                        format!("term{}", e.term % 8),
                        (idx > n.committed).then_some("uncommitted"),
                        (idx > n.persisted).then_some("unpersisted")
                    );
                    let state =
                        CellState { committed: idx <= n.committed, applied: idx <= n.applied, persisted: idx <= n.persisted };
                    let title = entry_title(lang, idx, e.term, &e.entry_type, &e.summary, state);
                    html! {
                        <td class={class} title={title}>
                            <span class="term">{ e.term }</span>{ " " }{ e.summary.clone() }<span class="marks">{ marks }</span>
                        </td>
                    }
                }
                None if idx <= n.snapshot => html! {
                    <td class="compacted" title={compacted_title(lang, idx, n.snapshot)}>{ t(lang, Text::Snapshot) }</td>
                },
                None => html! { <td></td> },
            }
        });
        html! { <tr><th>{ idx }</th>{ for cells }</tr> }
    });
    html! {
        <div class="logs panel">
            <h2>{ t(lang, Text::Log) }</h2>
            <table id="logs" style={format!("--log-cols: {}", nodes.len())}><thead><tr><th>{ "#" }</th>{ for header }</tr></thead><tbody>{ for rows }</tbody></table>
        </div>
    }
}

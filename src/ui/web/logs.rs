//! The log panel: every node's log side by side, aligned by index, with commit, apply and
//! snapshot marks.
//!
//! Contract: draws a window of the newest indexes (so a run with 10,000 entries draws as
//! fast as one with ten), read from the lab through the context.

use std::rc::Rc;

use yew::prelude::*;

use crate::engine::ClusterView;
use crate::ui::i18n::{t, Lang, Text};
use crate::ui::marks::{compacted_title, entry_title, CellState};

use super::app::LabHandle;

#[derive(Properties, PartialEq)]
pub struct LogsProps {
    pub view: Rc<ClusterView>,
    pub lang: Lang,
}

/// How many indexes the log panel shows, ending at the newest entry (a window, so a run
/// with 10,000 entries draws as fast as one with ten).
const LOG_WINDOW: u64 = 30;

#[component]
pub fn Logs(p: &LogsProps) -> Html {
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
                    let state =
                        CellState { committed: idx <= n.committed, applied: idx <= n.applied, persisted: idx <= n.persisted };
                    let title = entry_title(lang, idx, e.term, &e.entry_type, &e.summary, state);
                    html! {
                        <td class={class} title={title}>
                            <span class="term">{ e.term }</span>{ " " }{ e.summary.clone() }<span class="marks">{ marks }</span>
                        </td>
                    }
                }
                None if idx <= n.snapshot_index => html! {
                    <td class="compacted" title={compacted_title(lang, idx, n.snapshot_index)}>{ t(lang, Text::Snapshot) }</td>
                },
                None => html! { <td></td> },
            }
        });
        html! { <tr><th>{ idx }</th>{ for cells }</tr> }
    });
    html! {
        <div class="logs panel">
            <h2>{ t(lang, Text::Log) }</h2>
            <table id="logs" style={format!("--log-cols: {}", view.nodes.len())}><thead><tr><th>{ "#" }</th>{ for header }</tr></thead><tbody>{ for rows }</tbody></table>
        </div>
    }
}

//! raft-rs's own log lines for the selected node, newest first.
//!
//! Contract: reads the trace through the context; a bounded number of lines.

use yew::prelude::*;

use crate::engine::{NodeId, TraceEvent};
use crate::ui::i18n::{t, Lang, Text};

use super::app::LabHandle;

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

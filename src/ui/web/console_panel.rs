//! The console and what streams beside it: the etcdctl prompt (the transcript, the endpoint
//! selector, pending requests), the watch panels and the lease countdown.
//!
//! Contract: the prompt's keys become UI actions (arrow up/down, Tab: `ui::prompt` decides
//! what they do) or `on_run` with the typed line; where a line goes is decided by the model
//! (`ui::prompt::with_endpoint`), never here. The transcript, watches and leases are read
//! from the lab through the context.

use std::rc::Rc;

use yew::prelude::*;

use crate::engine::{ClusterView, NodeId};
use crate::ui::i18n::{t, Lang, Text};

use super::app::{LabHandle, ModelRef};
use super::dom::input_value;
use super::state::UiAction;

/// Transcript entries drawn: the newest, so a long session draws as fast as a short one.
const TRANSCRIPT_SHOWN: usize = 60;

#[derive(Properties, PartialEq)]
pub struct ConsoleProps {
    pub view: Rc<ClusterView>,
    pub lang: Lang,
    pub input: String,
    pub endpoint: NodeId,
    /// Lines were typed before: arrow up recalls them (else it moves the caret, as usual).
    pub can_recall: bool,
    /// Prompt keys and typing.
    pub on_ui: Callback<UiAction>,
    /// A line entered (as typed; blank lines too, which print nothing).
    pub on_run: Callback<String>,
}

#[component]
pub fn Console(p: &ConsoleProps) -> Html {
    let lang = p.lang;
    let lab = use_context::<LabHandle>();
    // What the transcript shows changes only when a line is added or a reply arrives.
    let transcript = lab.map(|h| {
        let shown = {
            let m = h.model.borrow();
            (m.generation, m.lab.transcript.len(), m.lab.pending())
        };
        html! { <Transcript model={ModelRef(h.model)} {shown} {lang} /> }
    });
    let options = p.view.nodes.iter().map(|n| {
        html! { <option value={n.id.to_string()} selected={n.id == p.endpoint}>{ format!("n{}", n.id) }</option> }
    });
    let onkeydown = {
        let (on_ui, on_run, can_recall) = (p.on_ui.clone(), p.on_run.clone(), p.can_recall);
        Callback::from(move |e: KeyboardEvent| {
            let action = match e.key().as_str() {
                "Enter" => {
                    e.prevent_default();
                    // The field's own value: what is on screen is what runs.
                    on_run.emit(input_value(&e));
                    return;
                }
                "ArrowUp" if can_recall => UiAction::HistoryUp,
                "ArrowDown" => UiAction::HistoryDown,
                "Tab" => UiAction::Complete,
                _ => return,
            };
            e.prevent_default();
            on_ui.emit(action);
        })
    };
    html! {
        <div class="console" aria-label={t(lang, Text::Console)}>
            <h2>{ t(lang, Text::Console) }</h2>
            { for transcript }
            <div class="prompt">
                <label>{ t(lang, Text::Endpoint) }
                    <select id="endpoint" onchange={p.on_ui.reform(|e: Event| UiAction::Endpoint(input_value(&e).parse().unwrap_or(1)))}>
                        { for options }
                    </select>
                </label>
                <input id="console-input" type="text" autocomplete="off" spellcheck="false" placeholder="put x 1"
                       value={p.input.clone()} aria-label={t(lang, Text::Console)}
                       oninput={p.on_ui.reform(|e: InputEvent| UiAction::Input(input_value(&e)))}
                       {onkeydown} />
            </div>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct TranscriptProps {
    model: ModelRef,
    /// (lab generation, lines, lines still pending): what the transcript shows.
    shown: (u64, usize, usize),
    lang: Lang,
}

#[component]
fn Transcript(p: &TranscriptProps) -> Html {
    let lang = p.lang;
    let m = p.model.0.borrow();
    // Newest first in the DOM; the column is reversed, so the newest shows at the bottom and
    // the view stays scrolled to it.
    let lines = m.lab.transcript.iter().rev().take(TRANSCRIPT_SHOWN).map(|said| {
        let pending = said.pending.is_some();
        html! {
            <div class={classes!("item", pending.then_some("pending"))}>
                if !said.line.is_empty() { <div class="cmd">{ format!("$ {}", said.line) }</div> }
                if pending {
                    <div class="wait" role="status">{ format!("… {}", t(lang, Text::Pending)) }</div>
                } else {
                    <pre class="out">{ said.out.clone() }</pre>
                }
            </div>
        }
    });
    html! { <div class="transcript" id="transcript">{ for lines }</div> }
}

#[derive(Properties, PartialEq)]
pub struct WatchesProps {
    pub lang: Lang,
}

/// Events shown per watch stream: the newest.
const WATCH_LINES: usize = 20;

/// One panel per watch stream: its events as they arrive (newest last).
#[component]
pub fn Watches(p: &WatchesProps) -> Html {
    let lang = p.lang;
    let Some(h) = use_context::<LabHandle>() else { return html! {} };
    let m = h.model.borrow();
    let streams = &m.lab.notes.watches;
    if streams.is_empty() {
        return html! {};
    }
    let panels = streams.iter().map(|(id, (node, lines, canceled))| {
        let shown = lines.iter().rev().take(WATCH_LINES).rev().map(|l| html! { <li>{ l.clone() }</li> });
        html! {
            <div class="watch" data-watch={id.to_string()}>
                <h3>{ format!("{} {id} · n{node}{}", t(lang, Text::Watch), if *canceled { " · canceled" } else { "" }) }</h3>
                <ol>{ for shown }</ol>
            </div>
        }
    });
    html! { <div class="watches panel" id="watches"><h2>{ t(lang, Text::Watches) }</h2>{ for panels }</div> }
}

#[derive(Properties, PartialEq)]
pub struct LeasesProps {
    pub leader: Option<NodeId>,
    pub lang: Lang,
}

/// Leases as the leader's lessor sees them, counting down with simulated time.
#[component]
pub fn Leases(p: &LeasesProps) -> Html {
    let lang = p.lang;
    let Some(h) = use_context::<LabHandle>() else { return html! {} };
    let Some(leader) = p.leader else { return html! {} };
    let m = h.model.borrow();
    let infos = m.lab.session().cluster().lease_infos(leader);
    if infos.is_empty() {
        return html! {};
    }
    let rows = infos.iter().map(|(id, ttl, granted, keys)| {
        html! { <tr><td>{ format!("{id:016x}") }</td><td class="ttl">{ format!("{ttl}s / {granted}s") }</td><td>{ keys.join(", ") }</td></tr> }
    });
    html! {
        <div class="leases panel" id="leases">
            <h2>{ format!("{} · n{leader}", t(lang, Text::Leases)) }</h2>
            <table>{ for rows }</table>
        </div>
    }
}

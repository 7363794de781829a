//! The console: the etcdctl prompt, the transcript (pending requests included) and the
//! endpoint selector.
//!
//! Contract: the prompt's keys become UI actions (arrow up/down, Tab: `ui::prompt` decides
//! what they do) or `on_run` with the typed line; where a line goes is decided by the model
//! (`ui::prompt::with_endpoint`), never here. The transcript is read from the lab through
//! the context, and redrawn only when a line or a reply arrived.

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

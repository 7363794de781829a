//! The console: the etcdctl prompt, the transcript (pending requests included), the
//! endpoint selector, example lines while nothing was run yet, and the completions of the
//! word being typed as a listbox under the prompt.
//!
//! Contract: the prompt's keys become UI actions (arrow up/down, Tab, Escape: `ui::prompt`,
//! `ui::suggest` and `ui::ui_state` decide what they do) or `on_run` with the typed line;
//! where a line goes is decided by the model (`ui::prompt::with_endpoint`), never here. The
//! transcript is read from the lab through the context, and redrawn only when a line or a
//! reply arrived.

use std::rc::Rc;

use yew::prelude::*;

use crate::engine::{ClusterView, NodeId};
use crate::ui::i18n::{t, Lang, Text};
use crate::ui::suggest::{Suggestion, EXAMPLES};

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
    /// The completions listed under the prompt (`UiState::suggestions`), and the one the
    /// arrow keys reached.
    pub suggestions: Vec<Suggestion>,
    pub active: Option<usize>,
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
    let input_ref = use_node_ref();
    let mut empty = false;
    let transcript = lab.map(|h| {
        let shown = {
            let m = h.model.borrow();
            (m.generation, m.lab.transcript.len(), m.lab.pending())
        };
        empty = shown.1 == 0;
        html! { <Transcript model={ModelRef(h.model)} {shown} {lang} /> }
    });
    // A picked line goes into the prompt, which keeps (or gets back) the focus.
    let pick = {
        let (on_ui, input_ref) = (p.on_ui.clone(), input_ref.clone());
        Callback::from(move |line: String| {
            on_ui.emit(UiAction::Pick(line));
            if let Some(el) = input_ref.cast::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        })
    };
    // The examples fill the prompt rather than run: the learner reads the line, may change
    // it, and presses Enter as with every line after it, which is the habit to learn.
    // Shown while nothing was run, typing or not, so the box does not jump at the first key.
    let examples = empty.then(|| {
        let buttons = EXAMPLES.iter().map(|line| {
            let pick = pick.clone();
            html! { <li><button type="button" class="example" onclick={move |_| pick.emit(line.to_string())}>{ *line }</button></li> }
        });
        html! {
            <div class="console-try" id="console-examples">
                <p>{ t(lang, Text::ConsoleTry) }</p>
                <ul>{ for buttons }</ul>
                <p class="how">{ t(lang, Text::ConsoleTryHow) }</p>
            </div>
        }
    });
    let open = !p.suggestions.is_empty();
    let active = p.active.filter(|i| *i < p.suggestions.len());
    let listed = p.suggestions.iter().enumerate().map(|(i, s)| {
        let (pick, line) = (pick.clone(), s.line.clone());
        let selected = active == Some(i);
        html! {
            // mousedown would take the focus from the prompt before the click picks.
            <li id={format!("suggestion-{i}")} role="option" aria-selected={selected.to_string()}
                class={classes!("suggestion", selected.then_some("active"))}
                onmousedown={|e: MouseEvent| e.prevent_default()}
                onclick={move |_| pick.emit(line.clone())}>
                <code class="word">{ s.word.clone() }</code>
                if !s.help.is_empty() { <span class="help">{ s.help.clone() }</span> }
            </li>
        }
    });
    let options = p.view.nodes.iter().map(|n| {
        html! { <option value={n.id.to_string()} selected={n.id == p.endpoint}>{ format!("n{}", n.id) }</option> }
    });
    let onkeydown = {
        let (on_ui, on_run, can_recall) = (p.on_ui.clone(), p.on_run.clone(), p.can_recall);
        let reached = active.and_then(|i| p.suggestions.get(i)).map(|s| s.line.clone());
        Callback::from(move |e: KeyboardEvent| {
            let action = match e.key().as_str() {
                "Enter" if reached.is_some() => UiAction::Pick(reached.clone().unwrap_or_default()),
                "Enter" => {
                    e.prevent_default();
                    // The field's own value: what is on screen is what runs.
                    on_run.emit(input_value(&e));
                    return;
                }
                // The arrows walk the open list; closed, they walk the lines typed before.
                "ArrowUp" if open => UiAction::SuggestMove(false),
                "ArrowDown" if open => UiAction::SuggestMove(true),
                "Escape" if open => UiAction::SuggestClose,
                "ArrowUp" if can_recall => UiAction::HistoryUp,
                "ArrowDown" => UiAction::HistoryDown,
                "Tab" => UiAction::Complete,
                _ => return,
            };
            e.prevent_default();
            e.stop_propagation();
            on_ui.emit(action);
        })
    };
    html! {
        <div class="console" aria-label={t(lang, Text::Console)}>
            <h2>{ t(lang, Text::Console) }</h2>
            { for transcript }
            { for examples }
            <div class="prompt">
                <label>{ t(lang, Text::Endpoint) }
                    <select id="endpoint" onchange={p.on_ui.reform(|e: Event| UiAction::Endpoint(input_value(&e).parse().unwrap_or(1)))}>
                        { for options }
                    </select>
                </label>
                <input id="console-input" type="text" autocomplete="off" spellcheck="false" placeholder="put x 1"
                       value={p.input.clone()} aria-label={t(lang, Text::Console)} ref={input_ref}
                       role="combobox" aria-autocomplete="list" aria-controls="console-suggestions"
                       aria-expanded={open.to_string()}
                       aria-activedescendant={active.map(|i| format!("suggestion-{i}"))}
                       oninput={p.on_ui.reform(|e: InputEvent| UiAction::Input(input_value(&e)))}
                       {onkeydown} />
                <ul id="console-suggestions" role="listbox" class="suggestions" hidden={!open}
                    aria-label={t(lang, Text::Suggestions)}>
                    { for listed }
                </ul>
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

//! The live console: a prompt whose lines go to the real cluster, and the output where each
//! request shows as `$ line` with its reply (pending until it comes), between the text the
//! running streams print.
//!
//! Contract: drawn from the `ConsoleLog` alone; Enter or Send hands the typed line to
//! `on_line` and clears the prompt at once, so the next line can be typed while a slow one
//! (etcdctl waits up to 5 s) is pending. The prompt is the field's own value, not state: the
//! page redraws ten times a second and must not fight the typing. While the bridge is busy
//! (a lesson playing) sending is off, since the bridge would only queue the line.

use std::cell::Cell;
use std::rc::Rc;

use yew::prelude::*;

use crate::ui::i18n::{t, Lang, Text};
use crate::ui::live_state::{recall, Block, ConsoleLog};

pub struct ConsoleArgs {
    pub lang: Lang,
    pub log: Rc<ConsoleLog>,
    /// Sending is off (the bridge is busy, or gone).
    pub blocked: bool,
    pub input: NodeRef,
    /// Where the arrows are in the lines sent (`None`: a fresh prompt).
    pub recall_at: Rc<Cell<Option<usize>>>,
    pub on_line: Callback<String>,
    pub on_cancel: Callback<()>,
}

pub fn console(a: ConsoleArgs) -> Html {
    let lang = a.lang;
    let blocks = a.log.blocks.iter().map(|b| match b {
        Block::Asked { id, line, reply } => html! {
            <div class="live-block" key={*id}>
                <div class="cmd">{ format!("$ {line}") }</div>
                if let Some(r) = reply {
                    <pre class="live-reply" data-ok={r.ok.to_string()}>{ r.output.clone() }</pre>
                } else {
                    <div class="wait">{ format!("… {}", t(lang, Text::Pending)) }</div>
                }
            </div>
        },
        Block::Stream { id, text } => html! { <pre class="live-stream" key={*id}>{ text.clone() }</pre> },
    });
    let send = {
        let (input, on_line, at, blocked) = (a.input.clone(), a.on_line.clone(), a.recall_at.clone(), a.blocked);
        move || {
            let Some(el) = input.cast::<web_sys::HtmlInputElement>() else { return };
            let line = el.value().trim().to_string();
            if blocked || line.is_empty() {
                return;
            }
            el.set_value("");
            at.set(None);
            on_line.emit(line);
        }
    };
    let onkeydown = {
        let (send, input, log, at) = (send.clone(), a.input.clone(), a.log.clone(), a.recall_at.clone());
        Callback::from(move |e: KeyboardEvent| {
            let older = match e.key().as_str() {
                "Enter" => {
                    e.prevent_default();
                    send();
                    return;
                }
                "ArrowUp" => true,
                "ArrowDown" => false,
                _ => return,
            };
            e.prevent_default();
            let (to, line) = recall(&log.recall, at.get(), older);
            at.set(to);
            if let Some(el) = input.cast::<web_sys::HtmlInputElement>() {
                el.set_value(&line);
            }
        })
    };
    let pending = a.log.pending();
    html! {
        <div class="console live-console" aria-label={t(lang, Text::Console)}>
            <h2>{ t(lang, Text::Console) }</h2>
            <div id="console-output" class="live-output" role="log" data-pending={pending.to_string()}>
                { for blocks }
            </div>
            <div class="prompt">
                <input id="console-input" type="text" autocomplete="off" spellcheck="false" placeholder="put x 1"
                       aria-label={t(lang, Text::Console)} aria-describedby="live-console-how" ref={a.input.clone()}
                       {onkeydown} />
                <button id="console-send" class="primary" disabled={a.blocked} onclick={move |_| send()}>{ t(lang, Text::LiveSend) }</button>
                <button id="live-cancel" onclick={a.on_cancel.reform(|_| ())}>{ t(lang, Text::LiveCancel) }</button>
            </div>
            <p class="how" id="live-console-how">{ t(lang, Text::LiveConsoleHow) }</p>
        </div>
    }
}

/// Keeps the newest output in view after it was drawn.
pub fn scroll_to_end() {
    if let Some(el) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("console-output")) {
        el.set_scroll_top(el.scroll_height());
    }
}

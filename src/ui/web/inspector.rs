//! The message inspector: one message in flight, its fields, and dropping or delivering
//! it now.
//!
//! Contract: draws the message from the view (nothing when it has arrived); drop is the
//! console's `drop <id>`, deliver is the engine's `DeliverMessage`, both through callbacks.

use std::rc::Rc;

use yew::prelude::*;

use crate::engine::ClusterView;
use crate::ui::i18n::{t, Lang, Text};

#[derive(Properties, PartialEq)]
pub struct InspectorProps {
    pub view: Rc<ClusterView>,
    pub lang: Lang,
    pub inspect: Option<u64>,
    pub on_line: Callback<String>,
    pub on_deliver: Callback<u64>,
    pub on_close: Callback<()>,
}

#[component]
pub fn Inspector(p: &InspectorProps) -> Html {
    let lang = p.lang;
    let Some(id) = p.inspect else { return html! {} };
    let Some(m) = p.view.in_flight.iter().find(|m| m.id == id) else {
        return html! {};
    };
    let fields = serde_json::to_string_pretty(&m.msg).unwrap_or_default();
    html! {
        <div class="inspector" id="inspector" role="dialog" aria-label={t(lang, Text::Inspector)}>
            <h2>{ format!("{} #{id}: n{} → n{}", t(lang, Text::Inspector), m.from, m.to) }</h2>
            <p>{ format!("sent {} ms, arrives {} ms", m.sent_at_ms, m.deliver_at_ms) }</p>
            <pre>{ fields }</pre>
            <button id="drop-msg" onclick={p.on_line.reform(move |_| format!("drop {id}"))}>{ t(lang, Text::DropMsg) }</button>
            <button id="deliver-msg" onclick={p.on_deliver.reform(move |_| id)}>{ t(lang, Text::DeliverNow) }</button>
            <button onclick={p.on_close.reform(|_| ())}>{ t(lang, Text::Close) }</button>
        </div>
    }
}

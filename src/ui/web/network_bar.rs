//! The network bar above the picture: latency and drop rate for every link at once.
//!
//! Contract: each slider runs the console line a learner could type (`latency …`, or
//! `on_drop_all` with a percentage), so the transcript and a share link show it; it draws
//! only from the view.

use std::rc::Rc;

use yew::prelude::*;

use crate::engine::ClusterView;
use crate::ui::clock::global_drop;
use crate::ui::i18n::{t, Lang, Text};

use super::dom::input_value;
use super::icons::{icon, Icon};

#[derive(Properties, PartialEq)]
pub struct NetworkBarProps {
    pub view: Rc<ClusterView>,
    pub lang: Lang,
    pub on_line: Callback<String>,
    pub on_drop_all: Callback<u32>,
}

#[component]
pub fn NetworkBar(p: &NetworkBarProps) -> Html {
    let lang = p.lang;
    let drop = global_drop(&p.view);
    html! {
        <div class="network" role="group" aria-label={t(lang, Text::Network)}>
            { icon(Icon::Network) }
            <label>{ t(lang, Text::Latency) }
                <input id="latency" type="range" min="0" max="500" step="5" value={p.view.latency_ms.to_string()}
                       onchange={p.on_line.reform(|e: Event| {
                           let ms: u64 = input_value(&e).parse().unwrap_or(0);
                           format!("latency {ms}ms {}ms", ms / 2)
                       })} />
                <output>{ format!("{}+{} ms", p.view.latency_ms, p.view.jitter_ms) }</output>
            </label>
            <label>{ t(lang, Text::DropRate) }
                <input id="drop-all" type="range" min="0" max="50" step="1" value={drop.to_string()}
                       onchange={p.on_drop_all.reform(|e: Event| input_value(&e).parse::<u32>().unwrap_or(0).min(100))} />
                <output>{ format!("{drop}%") }</output>
            </label>
        </div>
    }
}

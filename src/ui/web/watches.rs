//! The watch panels: one per watch stream, its events as they arrive (newest last).
//!
//! Contract: reads the lab's notes through the context (the trace is read once, by the
//! lab, as it grows); draws a bounded tail of each stream.

use yew::prelude::*;

use crate::ui::i18n::{t, Lang, Text};

use super::app::LabHandle;

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

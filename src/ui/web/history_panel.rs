//! The history panel: the clients' operations on a timeline, numbered in linearization
//! order, with the verdict and the operation that cannot be placed in red.
//!
//! Contract: shows a `history_layout::Layout` and nothing else (the geometry, the words
//! and the SVG markup are decided and tested natively there, with typed text escaped); the
//! layout comes from the app's cache, so a frame that did not change the trace costs no
//! rescan and no search.

use yew::html::Scope;
use yew::prelude::*;

use crate::ui::history_layout::svg;
use crate::ui::i18n::{t, Text};

use super::app::{App, Msg};

pub fn panel(app: &App, link: &Scope<App>) -> Html {
    let lang = app.lang;
    let cluster = app.lab.session().cluster();
    let mut cache = app.history_cache.borrow_mut();
    let l = cache.get(cluster.trace(), cluster.now_ms());
    html! {
        <section class="history panel" id="history">
            <div class="history-head">
                <h2>{ t(lang, Text::History) }</h2>
                <button class="close" aria-label={t(lang, Text::Close)} onclick={link.callback(|_| Msg::ToggleHistory)}>{ "×" }</button>
            </div>
            <p id="history-verdict" class={classes!("verdict", l.violated.then_some("violated"))} role="status">{ l.verdict.clone() }</p>
            if l.hidden > 0 { <p class="muted">{ format!("{} {}", l.hidden, t(lang, Text::HistoryHidden)) }</p> }
            if !l.rows.is_empty() {
                { Html::from_html_unchecked(svg(l).into()) }
                <p class="muted legend">{ t(lang, Text::HistoryLegend) }</p>
            }
        </section>
    }
}

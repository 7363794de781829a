//! The history panel: the clients' operations on a timeline, numbered in linearization
//! order, with the verdict and the operation that cannot be placed in red.
//!
//! Contract: shows a `history_layout::Layout` and nothing else (the geometry, the words
//! and the SVG markup are decided and tested natively there, with typed text escaped). The
//! layout is memoized in three steps: the trace is rescanned only when it changed, the
//! linearizability search re-run only when the history did, and the layout redone only
//! when either or the time did.

use yew::prelude::*;

use crate::history::record;
use crate::ui::history_layout::{judge, layout, svg, Layout};
use crate::ui::i18n::{t, Lang, Text};

use super::app::LabHandle;

#[derive(Properties, PartialEq)]
pub struct HistoryPanelProps {
    pub lang: Lang,
    pub on_close: Callback<()>,
}

#[component]
pub fn HistoryPanel(p: &HistoryPanelProps) -> Html {
    let lang = p.lang;
    let lab = use_context::<LabHandle>();
    let (trace_key, now_ms) = lab.as_ref().map_or(((0, 0, 0), 0), |h| {
        let m = h.model.borrow();
        let c = m.lab.session().cluster();
        ((m.generation, c.trace().len(), c.trace().hash()), c.now_ms())
    });
    let history = {
        let lab = lab.clone();
        use_memo(trace_key, move |_| {
            lab.map(|h| record::of(h.model.borrow().lab.session().cluster().trace(), true)).unwrap_or_default()
        })
    };
    let judged = use_memo(history.clone(), |h| judge(h));
    let l = {
        let (history, judged) = (history.clone(), judged.clone());
        use_memo((trace_key, now_ms), move |_| layout(&history, &judged, now_ms))
    };
    html! {
        <section class="history panel" id="history">
            <div class="history-head">
                <h2>{ t(lang, Text::History) }</h2>
                <button class="close" aria-label={t(lang, Text::Close)} onclick={p.on_close.reform(|_| ())}>{ "×" }</button>
            </div>
            { history_body(lang, &l) }
        </section>
    }
}

/// The verdict, the timeline and its legend: what the lab's panel and live mode's draw alike.
pub fn history_body(lang: Lang, l: &Layout) -> Html {
    html! {
        <>
            <p id="history-verdict" class={classes!("verdict", l.violated.then_some("violated"))} role="status">{ l.verdict.clone() }</p>
            if l.hidden > 0 { <p class="muted">{ format!("{} {}", l.hidden, t(lang, Text::HistoryHidden)) }</p> }
            if !l.rows.is_empty() {
                { Html::from_html_unchecked(svg(l).into()) }
                <p class="muted legend">{ t(lang, Text::HistoryLegend) }</p>
            }
        </>
    }
}

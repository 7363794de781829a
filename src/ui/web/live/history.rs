//! The history panel in live mode: the console's puts, gets and deletes on the real
//! cluster as client operations on a timeline, with the same linearizability verdict the
//! lab gives its simulated clients.
//!
//! Contract: draws `history_layout`'s `Layout` of the history the bridge sent (judged once
//! when it arrived, in `LivePage`), laid out up to the cluster's real elapsed time; the
//! markup is the lab's own (`svg`, typed text escaped there), so it looks and reads the same.

use yew::prelude::*;

use crate::history::History;
use crate::ui::history_layout::{layout, svg, Judged};
use crate::ui::i18n::{t, Lang, Text};

pub fn history_panel(lang: Lang, (history, judged): &(History, Judged), now_ms: u64) -> Html {
    let l = layout(history, judged, now_ms);
    html! {
        <section class="history panel" id="history">
            <h2>{ t(lang, Text::History) }</h2>
            <p id="history-verdict" class={classes!("verdict", l.violated.then_some("violated"))} role="status">{ l.verdict.clone() }</p>
            if l.hidden > 0 { <p class="muted">{ format!("{} {}", l.hidden, t(lang, Text::HistoryHidden)) }</p> }
            if !l.rows.is_empty() {
                { Html::from_html_unchecked(svg(&l).into()) }
                <p class="muted legend">{ t(lang, Text::HistoryLegend) }</p>
            }
        </section>
    }
}

//! The history panel in live mode: the console's puts, gets and deletes on the real
//! cluster as client operations on a timeline, with the same linearizability verdict the
//! lab gives its simulated clients.
//!
//! Contract: draws `history_layout`'s `Layout` of the history the bridge sent (judged once
//! when it arrived, in `LivePage`), laid out up to the cluster's real elapsed time; the
//! markup is the lab's own (`svg`, typed text escaped there), so it looks and reads the same.

use yew::prelude::*;

use crate::history::History;
use crate::ui::history_layout::{layout, Judged};
use crate::ui::i18n::{t, Lang, Text};

use super::super::history_panel::history_body;

pub fn history_panel(lang: Lang, (history, judged): &(History, Judged), now_ms: u64) -> Html {
    let l = layout(history, judged, now_ms);
    html! {
        <section class="history panel" id="history">
            <h2>{ t(lang, Text::History) }</h2>
            { history_body(lang, &l) }
        </section>
    }
}

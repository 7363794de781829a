//! The history panel: the clients' operations on a timeline, numbered in linearization
//! order, with the verdict and the operation that cannot be placed in red.
//!
//! Contract: draws a `history_layout::Layout` and nothing else (the geometry and the
//! words are decided and tested natively there); the layout comes from the app's cache,
//! so a frame that did not change the trace costs no rescan and no search.

use yew::html::Scope;
use yew::prelude::*;

use crate::ui::history_layout::{violation_note, Bar, Place, AXIS_H, LEFT, WIDTH};
use crate::ui::i18n::{t, Text};

use super::app::{App, Msg};

fn fmt(v: f64) -> String {
    format!("{v:.1}")
}

fn bar(b: &Bar) -> Html {
    let (kind, order, note) = match &b.place {
        Place::At(n) => ("placed", Some(format!("{n} ")), None),
        Place::Unplaced => ("unplaced", None, None),
        Place::Violation(why) => ("violation", None, Some(format!(" {}", violation_note(why)))),
    };
    let class = classes!("op", kind, b.open.then_some("unknown"));
    let w = (b.x1 - b.x0).max(0.0);
    // An unanswered op ends in an arrowhead at the right edge: it may still take effect.
    let arrow = b.open.then(|| {
        let (x, y) = (b.x1, b.y + 3.0);
        html! { <path class="arrow" d={format!("M{} {} l-6 -5 v10 z", fmt(x), fmt(y))} /> }
    });
    let point = b.point.map(|x| html! { <circle class="point" cx={fmt(x)} cy={fmt(b.y + 3.0)} r="3" /> });
    html! {
        <g class={class} data-op={b.op.to_string()} data-row={b.row.to_string()}>
            <title>{ b.title.clone() }</title>
            <rect x={fmt(b.x0)} y={fmt(b.y)} width={fmt(w)} height="6" rx="2" />
            { for arrow }
            { for point }
            <text x={fmt(b.x0)} y={fmt(b.y + 18.0)}>
                if let Some(o) = order { <tspan class="order">{ o }</tspan> }
                { b.words.clone() }
                if let Some(n) = note { <tspan class="why">{ n }</tspan> }
            </text>
        </g>
    }
}

pub fn panel(app: &App, link: &Scope<App>) -> Html {
    let lang = app.lang;
    let cluster = app.lab.session().cluster();
    let mut cache = app.history_cache.borrow_mut();
    let l = cache.get(cluster.trace(), cluster.now_ms());
    let trimmed = cluster.trace().offset() > 0;
    let ticks = l.ticks.iter().map(|tk| {
        html! {
            <g class="tick">
                <line x1={fmt(tk.x)} y1={fmt(AXIS_H - 4.0)} x2={fmt(tk.x)} y2={fmt(l.height)} />
                <text x={fmt(tk.x)} y="12">{ tk.label.clone() }</text>
            </g>
        }
    });
    let rows = l.rows.iter().enumerate().map(|(i, r)| {
        html! {
            <g class={classes!("client-row", (i % 2 == 1).then_some("alt"))} data-client={r.client.to_string()}>
                <rect class="band" x="0" y={fmt(r.y)} width={fmt(WIDTH)} height={fmt(r.height)} />
                <text class="row-label" x="4" y={fmt(r.y + 18.0)}>{ r.label.clone() }</text>
            </g>
        }
    });
    let chains = l.chains.iter().map(|c| {
        let pts: Vec<String> = c.points.iter().map(|(x, y)| format!("{},{}", fmt(*x), fmt(*y))).collect();
        html! { <polyline class="lin-order" data-key={c.key.clone()} points={pts.join(" ")} /> }
    });
    let bars = l.bars.iter().map(bar);
    html! {
        <section class="history panel" id="history">
            <div class="history-head">
                <h2>{ t(lang, Text::History) }</h2>
                <button class="close" aria-label={t(lang, Text::Close)} onclick={link.callback(|_| Msg::ToggleHistory)}>{ "×" }</button>
            </div>
            <p id="history-verdict" class={classes!("verdict", l.violated.then_some("violated"))} role="status">{ l.verdict.clone() }</p>
            if l.hidden > 0 { <p class="muted">{ format!("{} {}", l.hidden, t(lang, Text::HistoryHidden)) }</p> }
            if trimmed { <p class="muted">{ t(lang, Text::HistoryTrimmed) }</p> }
            if !l.rows.is_empty() {
                <svg id="history-svg" viewBox={format!("0 0 {} {}", fmt(WIDTH), fmt(l.height))} role="img" aria-label={l.verdict.clone()}>
                    { for rows }
                    <line class="axis" x1={fmt(LEFT)} y1={fmt(AXIS_H - 4.0)} x2={fmt(WIDTH)} y2={fmt(AXIS_H - 4.0)} />
                    { for ticks }
                    { for chains }
                    { for bars }
                </svg>
                <p class="muted legend">{ t(lang, Text::HistoryLegend) }</p>
            }
        </section>
    }
}

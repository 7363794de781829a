//! The picture's legend: a collapsed `<details>` with a swatch for each role, the `p c a`
//! code, the timer arc, a cut link, a rejected message and a log cell's styles.
//!
//! Contract: static apart from the language; the swatches are drawn with the same role
//! tokens as the picture, each beside its word (never colour alone). The details of any
//! one mark are its tooltip (`ui::marks`); the legend says so.

use yew::prelude::*;

use crate::engine::Role;
use crate::ui::i18n::{t, Lang, Text};
use crate::ui::layout::arc_path;

use super::app::role_style;

#[derive(Properties, PartialEq)]
pub struct LegendProps {
    pub lang: Lang,
}

fn swatch(inner: Html) -> Html {
    html! { <svg class="swatch" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">{ inner }</svg> }
}

#[component]
pub fn Legend(p: &LegendProps) -> Html {
    let lang = p.lang;
    let roles =
        [Role::Leader, Role::Follower, Role::PreCandidate, Role::Candidate, Role::Learner, Role::Dead].map(|r| {
            let (class, word) = role_style(lang, r);
            html! {
                <li class="legend-role">
                    { swatch(html! { <circle class={classes!("sw-node", class)} cx="12" cy="12" r="9" /> }) }
                    <span>{ word }</span>
                </li>
            }
        });
    let row = |mark: Html, text: Text| html! { <li>{ mark }<span>{ t(lang, text) }</span></li> };
    html! {
        <details class="legend" id="legend">
            <summary>{ t(lang, Text::Legend) }</summary>
            <ul class="legend-roles">{ for roles }</ul>
            <ul class="legend-marks">
                { row(html! { <code class="legend-code">{ "p c a" }</code> }, Text::LegendPca) }
                { row(swatch(html! { <path class="sw-arc" d={arc_path(12.0, 12.0, 9.0, 0.7)} /> }), Text::LegendArc) }
                { row(swatch(html! { <line class="sw-cut" x1="2" y1="12" x2="22" y2="12" /> }), Text::LegendCut) }
                { row(html! { <span class="sw-reject">{ "✗ Msg" }</span> }, Text::LegendReject) }
                { row(html! { <span class="sw-log"><i>{ "3" }</i>{ " " }<u>{ "4" }</u></span> }, Text::LegendLog) }
            </ul>
            <p class="legend-hover">{ t(lang, Text::LegendHover) }</p>
        </details>
    }
}

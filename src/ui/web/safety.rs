//! The safety strip: four marks, one per Raft safety property, under the picture; and,
//! when one was violated, the alarm with the evidence and the share link to report it.
//!
//! Contract: draws `ui::safety_view` and nothing else (what each mark says is decided
//! there); the report button sends the existing `CopyLink` command. The model pauses
//! the lab when the violation first shows.

use yew::prelude::*;

use crate::lab::safety::{Found, SafetyStatus};
use crate::ui::i18n::Lang;
use crate::ui::safety_view::safety_view;

use super::cmd::Cmd;

#[derive(Properties, PartialEq)]
pub struct SafetyProps {
    pub lang: Lang,
    /// The lab's first violation, if any (the check count is left out: the strip need not
    /// redraw on every frame).
    pub found: Option<Found>,
    /// The page's command callback, made once (a callback made per render would redraw
    /// the strip every frame); the report button sends `Cmd::CopyLink` through it.
    pub on_cmd: Callback<Cmd>,
}

#[component]
pub fn SafetyStrip(p: &SafetyProps) -> Html {
    let status = SafetyStatus { checks: 0, found: p.found.clone() };
    let v = safety_view(p.lang, &status);
    let marks = v.marks.iter().map(|m| {
        html! {
            <li id={format!("safety-{}", m.slug)} class={classes!("safety-mark", if m.ok { "ok" } else { "bad" })}
                title={m.title.clone()} aria-label={m.title.clone()} tabindex="0">
                <span class="glyph" aria-hidden="true">{ m.glyph }</span>{ m.name }
            </li>
        }
    });
    let copy = p.on_cmd.reform(|_: MouseEvent| Cmd::CopyLink);
    html! {
        <div class="safety" id="safety">
            <span class="safety-label" aria-hidden="true">{ v.label }</span>
            <ul class="safety-strip" aria-label={v.label}>{ for marks }</ul>
            if let Some(a) = v.alarm {
                <div class="safety-alarm" id="safety-alarm" role="alert">
                    <strong>{ a.heading }</strong>
                    <code class="detail">{ a.detail }</code>
                    <span class="when">{ a.when }</span>
                    <p>{ a.bug }</p>
                    <button id="safety-report" onclick={copy}>{ a.report }</button>
                </div>
            }
        </div>
    }
}

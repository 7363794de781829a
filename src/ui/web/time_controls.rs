//! The time controls: play, the step buttons, speed and the scrubber with its marks.
//!
//! Contract: draws from its props and the lab's timeline marks (through the context);
//! every control calls one `on_<verb>` with a number, never an event. Each button carries
//! an icon beside its word (`icons`), so the group reads at a glance without losing the
//! words.

use std::rc::Rc;

use yew::prelude::*;

use crate::engine::ClusterView;
use crate::lab::StepKind;
use crate::ui::clock::visible_marks;
use crate::ui::i18n::{t, Lang, Text};

use super::app::LabHandle;
use super::dom::input_value;
use super::icons::{icon, Icon};

#[derive(Properties, PartialEq)]
pub struct TimeControlsProps {
    pub view: Rc<ClusterView>,
    pub lang: Lang,
    pub playing: bool,
    pub speed_log: f64,
    /// Where the timeline ends (the kept future's end after a step back).
    pub end_ms: u64,
    pub on_toggle_play: Callback<()>,
    pub on_step: Callback<StepKind>,
    pub on_step_back: Callback<()>,
    pub on_speed: Callback<f64>,
    pub on_seek: Callback<u64>,
}

#[component]
pub fn TimeControls(p: &TimeControlsProps) -> Html {
    let lab = use_context::<LabHandle>();
    let lang = p.lang;
    let end = p.end_ms;
    let marks = lab.map(|h| visible_marks(&h.model.borrow().lab.notes.marks, end)).unwrap_or_default();
    let step = |kind: StepKind| p.on_step.reform(move |_: MouseEvent| kind);
    html! {
        <div class="time" role="group" aria-label={t(lang, Text::TimeGroup)}>
            <div class="seg">
                <button id="play" class="primary" aria-pressed={p.playing.to_string()} onclick={p.on_toggle_play.reform(|_| ())}>
                    { icon(if p.playing { Icon::Pause } else { Icon::Play }) }
                    { if p.playing { t(lang, Text::Pause) } else { t(lang, Text::Play) } }
                </button>
                <button id="step-back" onclick={p.on_step_back.reform(|_| ())}>
                    { icon(Icon::StepBack) }{ t(lang, Text::StepBack) }
                </button>
            </div>
            <div class="seg">
                <button id="step-message" onclick={step(StepKind::Message)}>
                    { icon(Icon::Message) }{ t(lang, Text::StepMessage) }
                </button>
                <button id="step-tick" onclick={step(StepKind::Tick)}>
                    { icon(Icon::Tick) }{ t(lang, Text::StepTick) }
                </button>
                <button id="step-next" onclick={step(StepKind::Interesting)}>
                    { icon(Icon::Next) }{ t(lang, Text::StepInteresting) }
                </button>
            </div>
            <label class="speed">{ t(lang, Text::Speed) }
                <input id="speed" type="range" min="-2" max="2" step="0.1" value={format!("{:.1}", p.speed_log)}
                       oninput={p.on_speed.reform(|e: InputEvent| input_value(&e).parse().unwrap_or(-1.0))} />
                <output>{ format!("{:.2}×", 10f64.powf(p.speed_log)) }</output>
            </label>
            <label class="scrub">{ t(lang, Text::Time) }
                <span class="track">
                    <input id="scrubber" type="range" min="0" max={end.to_string()} value={p.view.now_ms.to_string()}
                           onchange={p.on_seek.reform(|e: Event| input_value(&e).parse().unwrap_or(0))} />
                    { for marks.into_iter().map(|m| html! {
                        <span class={classes!("mark", m.kind)} style={format!("left:{:.2}%", m.left_pct)} title={m.title}></span>
                    }) }
                </span>
            </label>
        </div>
    }
}

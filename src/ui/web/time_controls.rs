//! The time controls: play, the step buttons, speed, the scrubber with its marks, and the
//! latency and drop sliders for every link.
//!
//! Contract: draws from its props and the lab's timeline marks (through the context);
//! every control calls one `on_<verb>` with a number, never an event.

use std::rc::Rc;

use yew::prelude::*;

use crate::engine::ClusterView;
use crate::lab::StepKind;
use crate::ui::clock::{global_drop, visible_marks};
use crate::ui::i18n::{t, Lang, Text};

use super::app::LabHandle;
use super::dom::input_value;

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
    pub on_line: Callback<String>,
    pub on_drop_all: Callback<u32>,
}

#[component]
pub fn TimeControls(p: &TimeControlsProps) -> Html {
    let lab = use_context::<LabHandle>();
    let lang = p.lang;
    let end = p.end_ms;
    let marks = lab.map(|h| visible_marks(&h.model.borrow().lab.notes.marks, end)).unwrap_or_default();
    let step = |kind: StepKind| p.on_step.reform(move |_: MouseEvent| kind);
    let drop = global_drop(&p.view);
    html! {
        <div class="time" role="group">
            <button id="play" aria-pressed={p.playing.to_string()} onclick={p.on_toggle_play.reform(|_| ())}>
                { if p.playing { t(lang, Text::Pause) } else { t(lang, Text::Play) } }
            </button>
            <button id="step-back" onclick={p.on_step_back.reform(|_| ())}>{ t(lang, Text::StepBack) }</button>
            <button id="step-message" onclick={step(StepKind::Message)}>{ t(lang, Text::StepMessage) }</button>
            <button id="step-tick" onclick={step(StepKind::Tick)}>{ t(lang, Text::StepTick) }</button>
            <button id="step-next" onclick={step(StepKind::Interesting)}>{ t(lang, Text::StepInteresting) }</button>
            <label>{ t(lang, Text::Speed) }
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

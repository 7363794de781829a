//! The live lesson panel: pick a built-in lesson, have the bridge play it on a fresh real
//! cluster, and follow its steps and checks as the bridge judges them.
//!
//! Contract: lists `lesson::index` (both languages, by title) and sends the chosen entry's
//! `path`; everything else is drawn from the `LessonProgress` the bridge's `LessonEvent`s
//! built. The page judges nothing: a check's verdict and its why are the bridge's, drawn as
//! text. The lab-only verdict is said in words, since it is not a failure.

use yew::prelude::*;

use crate::lab::live::CheckVerdict;
use crate::lesson::index;
use crate::ui::i18n::{t, Lang, Text};
use crate::ui::live_state::LessonProgress;

use super::super::dom::input_value;

pub struct LessonArgs<'a> {
    pub lang: Lang,
    pub progress: Option<&'a LessonProgress>,
    /// Playing is off (the bridge is busy, or gone).
    pub blocked: bool,
    pub select: NodeRef,
    /// The lesson chosen in the list (`None`: the first in the learner's language).
    pub chosen: Option<String>,
    pub on_choose: Callback<String>,
    /// A lesson's path, to play.
    pub on_play: Callback<String>,
}

pub fn lesson_panel(a: LessonArgs) -> Html {
    let lang = a.lang;
    let mine = match lang {
        Lang::En => "en",
        Lang::ZhCn => "zh",
    };
    let group = |language: &'static str, label: &'static str| {
        let options = index::index().into_iter().filter(|e| e.language == language).enumerate().map(|(i, e)| {
            // Said, not left to the browser: Yew inserts the options last first (the first
            // one inserted, the last lesson, would be chosen), and a redraw that rebuilds
            // the list must not lose the learner's choice.
            let chosen = match &a.chosen {
                Some(path) => path == e.path,
                None => i == 0 && language == mine,
            };
            html! { <option value={e.path} selected={chosen}>{ format!("{:02} · {}", e.number, e.title) }</option> }
        });
        html! { <optgroup {label} lang={language}>{ for options }</optgroup> }
    };
    // The learner's language first, so its first lesson is the one chosen at the start.
    let groups = if mine == "en" {
        html! { <>{ group("en", "English") }{ group("zh", "中文") }</> }
    } else {
        html! { <>{ group("zh", "中文") }{ group("en", "English") }</> }
    };
    let on_play = {
        let (select, on_play) = (a.select.clone(), a.on_play.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(s) = select.cast::<web_sys::HtmlSelectElement>() {
                on_play.emit(s.value());
            }
        })
    };
    html! {
        <div class="live-lesson" id="live-lesson">
            <h2>{ t(lang, Text::LiveLessonTitle) }</h2>
            <div class="live-lesson-pick">
                <select id="live-lesson-select" ref={a.select} aria-label={t(lang, Text::Lessons)}
                        onchange={a.on_choose.reform(|e: Event| input_value(&e))}>{ groups }</select>
                <button id="live-lesson-play" class="primary" disabled={a.blocked} onclick={on_play}>{ t(lang, Text::LiveLessonPlay) }</button>
            </div>
            <p class="muted live-note" id="live-lab-only-note">{ t(lang, Text::LiveLabOnlyNote) }</p>
            { for a.progress.map(|p| progress(lang, p)) }
        </div>
    }
}

fn progress(lang: Lang, p: &LessonProgress) -> Html {
    let steps = p.steps.iter().enumerate().map(|(i, s)| {
        let current = p.current == Some(i);
        html! {
            <li class={classes!(current.then_some("current"))} aria-current={current.then_some("step")}>{ s.clone() }</li>
        }
    });
    let checks = p.checks.iter().map(|c| {
        let (verdict, word) = verdict(lang, c.verdict);
        html! {
            <li class="check" data-verdict={verdict} data-step={c.step.to_string()} data-line={c.line.to_string()}>
                <span class="verdict">{ word }</span>
                <code class="what">{ c.what.clone() }</code>
                if !c.why.is_empty() { <span class="why">{ c.why.clone() }</span> }
            </li>
        }
    });
    html! {
        <div class="live-progress" data-path={p.path.clone()}>
            if !p.title.is_empty() { <h3 id="live-lesson-title">{ p.title.clone() }</h3> }
            <ol class="live-steps">{ for steps }</ol>
            if let Some((held, failed, lab_only)) = p.done {
                <p id="live-lesson-done" data-held={held.to_string()} data-failed={failed.to_string()}
                   data-lab-only={lab_only.to_string()} role="status">
                    { format!("{} {held} {} · {failed} {} · {lab_only} {}", t(lang, Text::LiveLessonDone),
                        t(lang, Text::LiveHeld), t(lang, Text::LiveFailed), t(lang, Text::LiveLabOnly)) }
                </p>
            }
            if let Some(why) = &p.error {
                <p class="live-error" id="live-lesson-error" role="alert">{ format!("{} {why}", t(lang, Text::LiveLessonStopped)) }</p>
            }
            <ul class="live-checks">{ for checks }</ul>
        </div>
    }
}

/// The verdict's attribute value and its word.
fn verdict(lang: Lang, v: CheckVerdict) -> (&'static str, &'static str) {
    match v {
        CheckVerdict::Held => ("held", t(lang, Text::LiveHeld)),
        CheckVerdict::Failed => ("failed", t(lang, Text::LiveFailed)),
        CheckVerdict::LabOnly => ("lab-only", t(lang, Text::LiveLabOnly)),
    }
}

//! The lesson side panel: the step's narration, its checks going green or red, the predict
//! question, the your-turn task with its hints, and next, back and restart.
//!
//! Contract: draws the model's `LessonRun` (through the context) and only calls its
//! `on_<verb>` callbacks. Narration goes in as HTML only after `lesson::markdown::to_html`
//! has made any HTML in it inert; every other string from the lesson file is drawn as text.

use yew::prelude::*;

use crate::lesson::{markdown, Item, Mark, Status};
use crate::ui::i18n::{t, Lang, Text};
use crate::ui::lesson_view::{mark_class, mark_detail as detail, mark_sign};

use super::app::LabHandle;
use super::lesson_flow::LessonRun;

#[derive(Properties, PartialEq)]
pub struct LessonPanelProps {
    pub lang: Lang,
    pub on_next: Callback<()>,
    pub on_back: Callback<()>,
    pub on_restart: Callback<()>,
    /// A predict question answered: the option chosen, 0-based.
    pub on_answer: Callback<usize>,
    pub on_show_me: Callback<()>,
}

#[component]
pub fn LessonPanel(props: &LessonPanelProps) -> Html {
    let Some(h) = use_context::<LabHandle>() else { return html! {} };
    let m = h.model.borrow();
    let Some(run) = m.lesson.as_ref() else { return html! {} };
    panel(props, run)
}

fn panel(props: &LessonPanelProps, run: &LessonRun) -> Html {
    let lang = props.lang;
    let p = &run.player;
    let lesson = &p.lesson;
    let k = p.step();
    let n = lesson.steps.len();
    let Some(step) = lesson.steps.get(k) else { return html! {} };
    // Items appear as they start, and a note once the items before it are done: neither
    // may give away a predict question's answer before it is asked.
    let done = |n: usize| p.marks.iter().take(n).all(|m| !matches!(m, Mark::NotYet | Mark::Running));
    let note = |n: usize| {
        step.notes.iter().filter(move |(at, _)| *at == n && done(n)).map(|(_, text)| {
            html! { <li class="note narration">{ Html::from_html_unchecked(markdown::to_html(text).into()) }</li> }
        })
    };
    let items = step.items.iter().zip(&p.marks).enumerate().map(|(i, (item, mark))| {
        let shown = (*mark != Mark::NotYet).then(|| item_view(props, run, i, item, mark));
        html! { <>{ for note(i) }{ for shown }</> }
    });
    let trailing = note(step.items.len());
    let intro = (k == 0 && !lesson.intro.is_empty()).then(|| {
        html! { <div class="narration intro">{ Html::from_html_unchecked(markdown::to_html(&lesson.intro).into()) }</div> }
    });
    let status = match run.status {
        Status::StepDone if p.is_last_step() => {
            html! { <p class="step-status done" id="lesson-done">{ t(lang, Text::LessonDone) }</p> }
        }
        Status::StepDone => html! { <p class="step-status done">{ t(lang, Text::StepDone) }</p> },
        _ => match p.waiting_on() {
            Some(c) => {
                html! { <p class="step-status waiting">{ format!("{} ", t(lang, Text::Waiting)) }<code>{ c }</code></p> }
            }
            None => html! {},
        },
    };
    let progress = format!("{}%", (k + 1) * 100 / n.max(1));
    html! {
        <aside class="lesson" id="lesson-panel" data-step={(k + 1).to_string()} data-steps={n.to_string()}
               data-lesson={lesson.meta.id.clone()} data-step-start={p.step_start_ms().to_string()}
               data-status={format!("{:?}", run.status)} aria-live="polite">
            <p class="lesson-title">{ &lesson.meta.title }</p>
            <div class="progress" role="progressbar" aria-label={t(lang, Text::Steps)} aria-valuemin="1" aria-valuemax={n.to_string()} aria-valuenow={(k + 1).to_string()}>
                <span style={format!("width:{progress}")}></span>
            </div>
            <h2>{ format!("{} {}/{n} · {}", t(lang, Text::StepOf), k + 1, step.title) }</h2>
            { for intro }
            <div class="narration">{ Html::from_html_unchecked(markdown::to_html(&step.narration).into()) }</div>
            <ol class="items">{ for items }{ for trailing }</ol>
            { status }
            <nav class="lesson-nav">
                <button id="lesson-back" onclick={props.on_back.reform(|_| ())}>{ t(lang, Text::BackStep) }</button>
                <button id="lesson-restart" onclick={props.on_restart.reform(|_| ())}>{ t(lang, Text::RestartLesson) }</button>
                <button id="lesson-next" disabled={p.is_last_step()} onclick={props.on_next.reform(|_| ())}>{ t(lang, Text::NextStep) }</button>
            </nav>
        </aside>
    }
}

fn item_view(props: &LessonPanelProps, run: &LessonRun, i: usize, item: &Item, mark: &Mark) -> Html {
    let lang = props.lang;
    let class = classes!("item", mark_class(mark));
    let state = mark_class(mark);
    match item {
        Item::Action { line, .. } => html! {
            <li class={class} data-state={state}><span class="sign">{ mark_sign(mark) }</span><code>{ line }</code>
                if let Mark::Fail(d) = mark { <span class="detail">{ d }</span> }
            </li>
        },
        Item::Pause { ms, .. } => html! {
            <li class={class} data-state={state}><span class="sign">{ mark_sign(mark) }</span><code>{ format!("wait {ms} ms") }</code></li>
        },
        Item::WaitUntil { cond, .. } | Item::Expect { cond, .. } => html! {
            <li class={classes!(class, "check")} data-state={state}>
                <span class="sign">{ mark_sign(mark) }</span>
                <code>{ &cond.text }</code>
                if let Some(d) = detail(mark) { <span class="detail">{ d }</span> }
            </li>
        },
        Item::Predict(q) => {
            let asking = run.status == Status::Ask(i);
            let options = q.options.iter().enumerate().map(|(k, o)| {
                let chosen = matches!(mark, Mark::Answered { chosen, .. } if *chosen == k);
                let right = !asking && *mark != Mark::NotYet && *mark != Mark::Running && k == q.answer;
                html! {
                    <li>
                        <button class={classes!("option", chosen.then_some("chosen"), right.then_some("right"))}
                                disabled={!asking} onclick={props.on_answer.reform(move |_| k)}>{ o }</button>
                    </li>
                }
            });
            let verdict = match mark {
                Mark::Answered { right: true, .. } => Some(t(lang, Text::Right)),
                Mark::Answered { right: false, .. } => Some(t(lang, Text::NotQuite)),
                _ => None,
            };
            html! {
                <li class={classes!(class, "predict")} data-state={state} id={format!("predict-{i}")}>
                    <p><strong>{ t(lang, Text::Predict) }{ ": " }</strong>{ &q.question }</p>
                    <ol class="options">{ for options }</ol>
                    if let Some(v) = verdict { <p class="explain"><strong>{ v }</strong>{ " " }{ &q.explain }</p> }
                </li>
            }
        }
        Item::YourTurn(y) => {
            let waiting = run.status == Status::Turn(i);
            let elapsed = run.turn_elapsed_s();
            let hints = y.hints.iter().filter(|(after, _)| waiting && *after <= elapsed).map(|(_, h)| {
                html! { <p class="hint"><strong>{ t(lang, Text::Hint) }{ ": " }</strong>{ h }</p> }
            });
            html! {
                <li class={classes!(class, "your-turn")} data-state={state} id={format!("turn-{i}")}>
                    <p><strong>{ t(lang, Text::YourTurn) }{ ": " }</strong>{ &y.task }</p>
                    <p class="goal">{ format!("{}: ", t(lang, Text::Goal)) }<code>{ &y.goal.text }</code>
                        if let Some(d) = detail(mark) { <span class="detail">{ d }</span> }
                    </p>
                    { for hints }
                    if waiting { <button id="show-me" onclick={props.on_show_me.reform(|_| ())}>{ t(lang, Text::ShowMe) }</button> }
                </li>
            }
        }
    }
}

//! The lessons page: every built-in lesson, filtered by language and level, with the ones
//! finished on this browser marked.
//!
//! Contract: reads the index built from `lessons/` at build time and the completed set from
//! local storage; choosing a lesson sends `Msg::OpenLesson`. Draws lesson text as text.

use web_sys::HtmlSelectElement;
use yew::html::Scope;
use yew::prelude::*;

use crate::lesson::index;
use crate::ui::i18n::{t, Text};

use super::app::{App, Msg};
use super::dom;

fn select_value(e: &Event) -> String {
    e.target_unchecked_into::<HtmlSelectElement>().value()
}

fn level_word(app: &App, level: &str) -> &'static str {
    match level {
        "beginner" => t(app.lang, Text::Beginner),
        "intermediate" => t(app.lang, Text::Intermediate),
        _ => t(app.lang, Text::Advanced),
    }
}

pub fn page(app: &App, link: &Scope<App>) -> Html {
    let lang = app.lang;
    let done = dom::completed_lessons();
    let entries = index::index();
    let rows = entries
        .iter()
        .filter(|e| app.filter_lang.as_deref().is_none_or(|l| l == e.language))
        .filter(|e| app.filter_level.as_deref().is_none_or(|l| l == e.level))
        .map(|e| {
            let id = e.id.to_string();
            let language = e.language.to_string();
            let finished = done.contains(&format!("{}:{}", e.id, e.language));
            html! {
                <li class={classes!("lesson-entry", finished.then_some("completed"))} data-id={e.id} data-lang={e.language}>
                    <button class="open-lesson" onclick={link.callback(move |_| Msg::OpenLesson(id.clone(), language.clone(), 0))}>
                        <span class="number">{ e.number }</span>
                        <span class="title">{ e.title }</span>
                    </button>
                    <span class="meta">{ format!("{} · {} · {} {} · {} {}", e.language, level_word(app, e.level), e.minutes, t(lang, Text::Minutes), e.steps, t(lang, Text::Steps)) }</span>
                    if finished { <span class="done-mark">{ format!("✓ {}", t(lang, Text::Completed)) }</span> }
                    <p class="summary">{ e.summary }</p>
                </li>
            }
        });
    let lang_value = app.filter_lang.clone().unwrap_or_default();
    let level_value = app.filter_level.clone().unwrap_or_default();
    html! {
        <section class="lessons-page" id="lessons-page">
            <h2>{ t(lang, Text::Lessons) }</h2>
            <div class="filters">
                <select id="filter-lang" onchange={link.callback(|e: Event| Msg::FilterLang(select_value(&e)))}>
                    <option value="" selected={lang_value.is_empty()}>{ t(lang, Text::AllLanguages) }</option>
                    <option value="en" selected={lang_value == "en"}>{ "English" }</option>
                    <option value="zh" selected={lang_value == "zh"}>{ "中文" }</option>
                </select>
                <select id="filter-level" onchange={link.callback(|e: Event| Msg::FilterLevel(select_value(&e)))}>
                    <option value="" selected={level_value.is_empty()}>{ t(lang, Text::AllLevels) }</option>
                    <option value="beginner" selected={level_value == "beginner"}>{ t(lang, Text::Beginner) }</option>
                    <option value="intermediate" selected={level_value == "intermediate"}>{ t(lang, Text::Intermediate) }</option>
                    <option value="advanced" selected={level_value == "advanced"}>{ t(lang, Text::Advanced) }</option>
                </select>
                <button id="open-lab" onclick={link.callback(|_| Msg::CloseLesson)}>{ t(lang, Text::OpenLab) }</button>
            </div>
            <ol class="lesson-list">{ for rows }</ol>
        </section>
    }
}

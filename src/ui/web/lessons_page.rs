//! The lessons page: every built-in lesson, filtered by language and level, with the ones
//! finished on this browser marked.
//!
//! Contract: reads the index built from `lessons/` at build time and the completed set from
//! local storage; choosing a lesson calls `on_open` with its id and language. Draws lesson
//! text as text.

use yew::prelude::*;

use crate::lesson::index;
use crate::ui::i18n::{t, Lang, Text};

use super::dom::{self, input_value};

#[derive(Properties, PartialEq)]
pub struct LessonsPageProps {
    pub lang: Lang,
    pub filter_lang: Option<String>,
    pub filter_level: Option<String>,
    /// A lesson chosen: (id, language).
    pub on_open: Callback<(String, String)>,
    /// A filter changed ("" for all).
    pub on_filter_lang: Callback<String>,
    pub on_filter_level: Callback<String>,
    /// Back to the free lab.
    pub on_close: Callback<()>,
}

fn level_word(lang: Lang, level: &str) -> &'static str {
    match level {
        "beginner" => t(lang, Text::Beginner),
        "intermediate" => t(lang, Text::Intermediate),
        _ => t(lang, Text::Advanced),
    }
}

#[component]
pub fn LessonsPage(p: &LessonsPageProps) -> Html {
    let lang = p.lang;
    let done = dom::completed_lessons();
    let entries = index::index();
    let rows = entries
        .iter()
        .filter(|e| p.filter_lang.as_deref().is_none_or(|l| l == e.language))
        .filter(|e| p.filter_level.as_deref().is_none_or(|l| l == e.level))
        .map(|e| {
            let id = e.id.to_string();
            let language = e.language.to_string();
            let finished = done.contains(&format!("{}:{}", e.id, e.language));
            html! {
                <li class={classes!("lesson-entry", finished.then_some("completed"))} data-id={e.id} data-lang={e.language}>
                    <button class="open-lesson" onclick={p.on_open.reform(move |_| (id.clone(), language.clone()))}>
                        <span class="number">{ e.number }</span>
                        <span class="title">{ e.title }</span>
                    </button>
                    <span class="meta">{ format!("{} · {} · {} {} · {} {}", e.language, level_word(lang, e.level), e.minutes, t(lang, Text::Minutes), e.steps, t(lang, Text::Steps)) }</span>
                    if finished { <span class="done-mark">{ format!("✓ {}", t(lang, Text::Completed)) }</span> }
                    <p class="summary">{ e.summary }</p>
                </li>
            }
        });
    let lang_value = p.filter_lang.clone().unwrap_or_default();
    let level_value = p.filter_level.clone().unwrap_or_default();
    html! {
        <main class="lessons-page" id="lessons-page">
            <h2>{ t(lang, Text::Lessons) }</h2>
            <div class="filters">
                <select id="filter-lang" aria-label={t(lang, Text::AllLanguages)} onchange={p.on_filter_lang.reform(|e: Event| input_value(&e))}>
                    <option value="" selected={lang_value.is_empty()}>{ t(lang, Text::AllLanguages) }</option>
                    <option value="en" selected={lang_value == "en"}>{ "English" }</option>
                    <option value="zh" lang="zh-CN" selected={lang_value == "zh"}>{ "中文" }</option>
                </select>
                <select id="filter-level" aria-label={t(lang, Text::AllLevels)} onchange={p.on_filter_level.reform(|e: Event| input_value(&e))}>
                    <option value="" selected={level_value.is_empty()}>{ t(lang, Text::AllLevels) }</option>
                    <option value="beginner" selected={level_value == "beginner"}>{ t(lang, Text::Beginner) }</option>
                    <option value="intermediate" selected={level_value == "intermediate"}>{ t(lang, Text::Intermediate) }</option>
                    <option value="advanced" selected={level_value == "advanced"}>{ t(lang, Text::Advanced) }</option>
                </select>
                <button id="open-lab" onclick={p.on_close.reform(|_| ())}>{ t(lang, Text::OpenLab) }</button>
            </div>
            <ol class="lesson-list">{ for rows }</ol>
        </main>
    }
}

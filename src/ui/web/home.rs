//! The home page a first-time visitor lands on: what this is, three doors (lesson 1, the
//! free lab, the lesson list), the language, and the tour.
//!
//! Contract: drawn from the language and the built-in lesson index only (the lesson count
//! and lesson 1's title are read from it, never written here); every choice is a callback
//! with a domain value. Whether the home shows at all is `ui::entry`'s decision.

use yew::prelude::*;

use crate::lesson::index;
use crate::ui::entry::{browse_label, first_lesson, lesson_count, lesson_language};
use crate::ui::i18n::{t, Lang, Text};

use super::cmd::Door;

#[derive(Properties, PartialEq)]
pub struct HomeProps {
    pub lang: Lang,
    pub on_door: Callback<Door>,
    /// A language chosen.
    pub on_lang: Callback<Lang>,
    /// "What am I looking at?": the free lab, with the tour open.
    pub on_tour: Callback<()>,
}

#[component]
pub fn Home(p: &HomeProps) -> Html {
    let lang = p.lang;
    let count = lesson_count(lang);
    let lesson1 = first_lesson().and_then(|id| index::find(id, lesson_language(lang)));
    let door = |d: Door| p.on_door.reform(move |_: MouseEvent| d);
    let lang_button = |l: Lang, word: &'static str| {
        html! {
            <button lang={l.tag()} aria-pressed={(l == lang).to_string()} onclick={p.on_lang.reform(move |_| l)}>{ word }</button>
        }
    };
    html! {
        <div class="home" id="home">
            <main class="home-main">
                <div class="home-hero">
                    { art() }
                    <div class="home-words">
                        <h1>{ t(lang, Text::Title) }</h1>
                        <p class="home-tagline">{ t(lang, Text::HomeTagline) }</p>
                        <p>{ t(lang, Text::HomeIntro) }</p>
                        <p>{ t(lang, Text::HomeBreakIt) }</p>
                    </div>
                </div>
                <div class="doors">
                    <button class="door door-primary" id="door-lesson1" onclick={door(Door::FirstLesson)}>
                        <span class="door-title">{ t(lang, Text::DoorLesson1) }</span>
                        if let Some(e) = lesson1 {
                            <span class="door-note">{ format!("{} · {} {}", e.title, e.minutes, t(lang, Text::Minutes)) }</span>
                        }
                    </button>
                    <button class="door" id="door-lab" onclick={door(Door::Lab)}>
                        <span class="door-title">{ t(lang, Text::DoorLab) }</span>
                        <span class="door-note">{ t(lang, Text::DoorLabNote) }</span>
                    </button>
                    <button class="door" id="door-lessons" data-count={count.to_string()} onclick={door(Door::Lessons)}>
                        <span class="door-title">{ browse_label(lang, count) }</span>
                        <span class="door-note">{ t(lang, Text::DoorLessonsNote) }</span>
                    </button>
                </div>
                <div class="home-foot">
                    <div class="home-lang" role="group" aria-label={t(lang, Text::HomeLanguage)}>
                        { lang_button(Lang::En, "English") }
                        { lang_button(Lang::ZhCn, "中文") }
                    </div>
                    <button class="home-tour" id="home-tour" onclick={p.on_tour.reform(|_| ())}>
                        { t(lang, Text::TourOpen) }
                    </button>
                </div>
            </main>
        </div>
    }
}

/// A small cluster in role colours: a leader sending to three followers and a learner,
/// one message on its way. Decoration only (hidden from assistive technology).
fn art() -> Html {
    let at = |i: usize| {
        let a = -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * i as f64 / 5.0;
        (100.0 + 68.0 * a.cos(), 100.0 + 68.0 * a.sin())
    };
    let (lx, ly) = at(0);
    let links = (1..5).map(|i| {
        let (x, y) = at(i);
        html! { <line class="art-link" x1={format!("{lx:.1}")} y1={format!("{ly:.1}")} x2={format!("{x:.1}")} y2={format!("{y:.1}")} /> }
    });
    let nodes = (0..5).map(|i| {
        let (x, y) = at(i);
        let class = match i {
            0 => "art-node art-leader",
            3 => "art-node art-learner",
            _ => "art-node art-follower",
        };
        html! { <circle class={class} cx={format!("{x:.1}")} cy={format!("{y:.1}")} r="20" /> }
    });
    let (mx, my) = at(2);
    let (px, py) = (lx + (mx - lx) * 0.55, ly + (my - ly) * 0.55);
    html! {
        <svg class="home-art" viewBox="0 0 200 200" aria-hidden="true" focusable="false">
            { for links }
            <rect class="art-msg" x={format!("{:.1}", px - 9.0)} y={format!("{:.1}", py - 6.0)} width="18" height="12" rx="3" />
            { for nodes }
        </svg>
    }
}

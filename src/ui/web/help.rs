//! The shortcut overlay: every key and what it does (`ui::shortcuts::HELP`).
//!
//! Contract: drawn only while open; closing it calls `on_close`, and "Take the tour"
//! calls `on_tour`.

use yew::prelude::*;

use crate::ui::i18n::{t, Lang, Text};
use crate::ui::shortcuts::HELP;

#[derive(Properties, PartialEq)]
pub struct HelpProps {
    pub lang: Lang,
    pub on_close: Callback<()>,
    /// "Take the tour" (the help closes as the tour opens).
    pub on_tour: Callback<()>,
}

#[component]
pub fn Help(p: &HelpProps) -> Html {
    let lang = p.lang;
    html! {
        <div class="overlay" id="help" role="dialog" aria-label={t(lang, Text::Shortcuts)}>
            <h2>{ t(lang, Text::Shortcuts) }</h2>
            <table>{ for HELP.iter().map(|(k, what)| html! { <tr><th><kbd>{ *k }</kbd></th><td>{ *what }</td></tr> }) }</table>
            <button id="help-tour" onclick={p.on_tour.reform(|_| ())}>{ t(lang, Text::TakeTour) }</button>
            { " " }
            <button onclick={p.on_close.reform(|_| ())}>{ t(lang, Text::Close) }</button>
        </div>
    }
}

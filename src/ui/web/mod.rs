//! The browser lab (wasm32 only): a Yew UI that sends `Action`s to the engine and draws its
//! views. It holds no consensus logic.
//!
//! Contract: `start` installs a panic hook that replaces the page with a readable message
//! and a reload button (never a blank page), then mounts the app on `<body>`. Everything is
//! a function component; no function here takes the app. Layout: `app` (the root: the lab
//! context, the reducer, the hooks, the page's layout), `dispatch` (where callbacks lead,
//! each made once), `model` (the lab, the lesson and the clock, changed by `cmd::Cmd`s),
//! `lesson_flow` (a lesson's player in the frame loop), `place` (the home's side of the
//! model: where a visit starts, where it was), `state` (the UI's own state as a
//! `Reducible`), `hooks` (frame timer, idle turns, keys, visibility, postMessage), `icons`
//! (inline SVG icons beside words), one file per panel (`home`, `tour`, `picture`,
//! `safety`, `legend`, `network_bar`, `time_controls`, `node_menu`, `inspector`,
//! `console_panel`, `watches`, `leases`, `logs`, `stores`, `raft_lines`, `history_panel`,
//! `lesson_panel`, `lessons_page`, `settings`, `help`), `dom` (small browser helpers), `embed`
//! (postMessage and lesson fetching) and `live` (the page over a real cluster, when
//! `raftlab live` opened it). What any of them decides that is not drawing lives
//! natively in `crate::ui`.

mod app;
mod cmd;
mod console_panel;
mod dispatch;
mod dom;
mod embed;
mod help;
mod history_panel;
mod home;
mod hooks;
mod icons;
mod inspector;
mod leases;
mod legend;
mod lesson_flow;
mod lesson_panel;
mod lessons_page;
mod live;
mod logs;
mod model;
mod network_bar;
mod node_menu;
mod picture;
mod place;
mod raft_lines;
mod safety;
mod settings;
mod state;
mod stores;
mod time_controls;
mod tour;
mod watches;

use wasm_bindgen::prelude::*;

#[wasm_bindgen(start)]
pub fn start() {
    // Through Yew: its renderer would otherwise install its own console-only hook.
    yew::set_custom_panic_hook(Box::new(|info| {
        let text = info.to_string();
        web_sys::console::error_1(&text.as_str().into());
        dom::show_panic(&text);
    }));
    // Live mode (`raftlab live` opened the page with its token): the real cluster's page.
    match crate::lab::live::token_of_fragment(&dom::fragment()) {
        Some(token) => drop(yew::Renderer::<live::LiveApp>::with_props(live::LiveAppProps { token }).render()),
        None => drop(yew::Renderer::<app::App>::new().render()),
    }
}

/// Panics on purpose, so the browser tests can prove that a panic shows the panic page.
/// Nothing in the UI calls it; only page script can (trunk exposes the bindings).
#[wasm_bindgen]
pub fn panic_for_test() {
    panic!("panic_for_test: a deliberate panic from the browser tests");
}

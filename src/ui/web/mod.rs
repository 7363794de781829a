//! The browser lab (wasm32 only): a Yew UI that sends `Action`s to the engine and draws its
//! views. It holds no consensus logic.
//!
//! Contract: `start` installs a panic hook that replaces the page with a readable message
//! and a reload button (never a blank page), then mounts the app on `<body>`. Layout:
//! `app` (state and messages), `picture` (the SVG cluster), `controls` (time, node menu,
//! inspector, settings, help), `console_panel` (console, watches, leases), `panels` (logs,
//! stores, raft-rs lines), `keys` (shortcuts), `dom` (small browser helpers),
//! `lesson_flow` (a lesson's player in the frame loop), `lesson_panel` (the step panel),
//! `lessons_page` (the lesson index), `embed` (postMessage and lesson fetching),
//! `history_panel` (client operations on a timeline, judged for linearizability).

mod app;
mod console_panel;
mod controls;
mod dom;
mod embed;
mod history_panel;
mod keys;
mod lesson_flow;
mod lesson_panel;
mod lessons_page;
mod panels;
mod picture;

use wasm_bindgen::prelude::*;

#[wasm_bindgen(start)]
pub fn start() {
    // Through Yew: its renderer would otherwise install its own console-only hook.
    yew::set_custom_panic_hook(Box::new(|info| {
        let text = info.to_string();
        web_sys::console::error_1(&text.as_str().into());
        dom::show_panic(&text);
    }));
    yew::Renderer::<app::App>::new().render();
}

/// Panics on purpose, so the browser tests can prove that a panic shows the panic page.
/// Nothing in the UI calls it; only page script can (trunk exposes the bindings).
#[wasm_bindgen]
pub fn panic_for_test() {
    panic!("panic_for_test: a deliberate panic from the browser tests");
}

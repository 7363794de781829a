//! The browser lab (wasm32 only): a Yew UI that sends `Action`s to the engine and draws its
//! views. It holds no consensus logic.
//!
//! Contract: `start` installs a panic hook that replaces the page with a readable message
//! and a reload button (never a blank page), then mounts the app on `<body>`. Layout:
//! `app` (state and messages), `picture` (the SVG cluster), `panels` (logs, stores,
//! console, inspector, settings), `dom` (small browser helpers).

mod app;
mod dom;
mod panels;
mod picture;

use wasm_bindgen::prelude::*;

#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        let text = info.to_string();
        dom::show_panic(&text);
    }));
    yew::Renderer::<app::App>::new().render();
}

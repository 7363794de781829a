//! Keyboard shortcuts: every node action, time control and panel can be driven without a
//! mouse (the `?` overlay lists them).
//!
//! Contract: a key typed into a field, or Space/Enter on a focused button, is left alone;
//! every shortcut becomes the console line or app message a click would send.

use wasm_bindgen::JsCast;
use web_sys::KeyboardEvent;
use yew::prelude::*;

use crate::engine::NodeId;
use crate::lab::{StepKind, PLAY_SLICE_MS};

use super::app::App;

impl App {
    /// Handles one key press; true when it did something (the view redraws).
    pub(super) fn key(&mut self, ctx: &Context<Self>, e: &KeyboardEvent) -> bool {
        // Typing in a field is not a shortcut.
        if let Some(t) = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok()) {
            let tag = t.tag_name().to_ascii_lowercase();
            if tag == "input" || tag == "textarea" || tag == "select" {
                return false;
            }
            // Space and Enter on a focused button press that button, nothing else.
            if tag == "button" && (e.key() == " " || e.key() == "Enter") {
                return false;
            }
        }
        if e.ctrl_key() || e.meta_key() || e.alt_key() {
            return false;
        }
        let key = e.key();
        let node = self.selected;
        match key.as_str() {
            "?" => self.help = !self.help,
            "Escape" => {
                self.help = false;
                self.inspect = None;
                self.selected = None;
            }
            " " | "p" => {
                e.prevent_default();
                let on = !self.playing;
                self.set_playing(ctx, on);
            }
            "." => self.lab.step(StepKind::Event),
            "t" => self.lab.step(StepKind::Tick),
            "n" => self.lab.step(StepKind::Interesting),
            "," => {
                let _ = self.lab.step_back(PLAY_SLICE_MS * 2);
            }
            "h" => self.line(ctx, "heal"),
            "a" | "A" => {
                let next = self.lab.session().cluster().node_ids().into_iter().max().unwrap_or(0) + 1;
                let learner = if key == "A" { " --learner" } else { "" };
                self.line(ctx, &format!("member add n{next}{learner}"));
            }
            "m" | "x" => {
                let Some(id) = node else { return false };
                let Some(v) = self.lab.session().cluster().node_view(id) else { return false };
                let verb = if key == "m" { "promote" } else { "remove" };
                self.line(ctx, &format!("member {verb} {:x}", v.member_id));
            }
            "k" | "r" | "i" | "c" | "l" => {
                let Some(id) = node else { return false };
                let alive = self.lab.session().cluster().is_alive(id);
                match key.as_str() {
                    "k" if alive => self.line(ctx, &format!("kill n{id}")),
                    "r" | "k" if !alive => self.line(ctx, &format!("restart n{id}")),
                    "i" => self.line(ctx, &format!("isolate n{id}")),
                    "c" => self.line(ctx, &format!("campaign n{id}")),
                    "l" => self.line(ctx, &format!("transfer n{id}")),
                    _ => return false,
                }
            }
            d if d.len() == 1 && d.chars().all(|c| ('1'..='9').contains(&c)) => {
                let id: NodeId = d.parse().unwrap_or(0);
                if self.lab.session().cluster().node_ids().contains(&id) {
                    self.selected = Some(id);
                }
            }
            _ => return false,
        }
        true
    }
}

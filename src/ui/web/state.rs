//! The UI's own state as Yew's `Reducible` (the state and its actions are
//! `crate::ui::ui_state`, tested natively).
//!
//! Contract: a new `Rc` only when something changed, so Yew skips the re-render otherwise.

use std::rc::Rc;

use yew::prelude::*;

pub use crate::ui::ui_state::{UiAction, UiState};

impl Reducible for UiState {
    type Action = UiAction;

    fn reduce(self: Rc<Self>, action: UiAction) -> Rc<Self> {
        match self.apply(action) {
            Some(next) => Rc::new(next),
            None => self,
        }
    }
}

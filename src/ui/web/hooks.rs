//! The page's clocks and listeners as hooks: the frame timer, background idle turns, the
//! keyboard shortcuts, tab visibility and the embedding page's `postMessage`.
//!
//! Contract: each hook owns its timer or listener and drops it with the component (or, for
//! the frame timer, when play stops); each calls the latest callback it was given, so a
//! listener registered once never acts on an old render's state. They hand on domain
//! values (a key's name, hidden or not, a message's JSON), never DOM events.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_events::EventListener;
use gloo_timers::callback::{Interval, Timeout};
use wasm_bindgen::JsCast;
use web_sys::KeyboardEvent;
use yew::prelude::*;

use super::{dom, embed};

/// A cell holding the value of the latest render, for timers and listeners that outlive it.
#[hook]
pub fn use_latest<T: 'static>(value: T) -> Rc<RefCell<T>> {
    let cell = use_mut_ref(|| None::<Rc<RefCell<T>>>);
    let mut slot = cell.borrow_mut();
    match slot.as_ref() {
        Some(rc) => {
            *rc.borrow_mut() = value;
            rc.clone()
        }
        None => slot.insert(Rc::new(RefCell::new(value))).clone(),
    }
}

/// Calls `tick` every `ms` while `run` is `Some`; a new value starts the timer afresh.
#[hook]
pub fn use_interval(run: Option<u64>, ms: u32, tick: Callback<()>) {
    let latest = use_latest(tick);
    use_effect_with(run, move |run| {
        let timer = run.map(|_| Interval::new(ms, move || latest.borrow().emit(())));
        move || drop(timer)
    });
}

/// Between renders, gives `work` a turn every `gap_ms` for as long as it says there is
/// more (it returns true); a render queues a new round if none is waiting.
#[hook]
pub fn use_idle(gap_ms: u32, work: Rc<dyn Fn() -> bool>) {
    let latest = use_latest(work);
    let pending: Rc<RefCell<Option<Timeout>>> = use_mut_ref(|| None);
    use_effect(move || {
        queue(pending, latest, gap_ms);
    });
}

fn queue(pending: Rc<RefCell<Option<Timeout>>>, work: Rc<RefCell<Rc<dyn Fn() -> bool>>>, gap_ms: u32) {
    if pending.borrow().is_some() {
        return;
    }
    let slot = pending.clone();
    let timer = Timeout::new(gap_ms, move || {
        slot.borrow_mut().take();
        let f = work.borrow().clone();
        if f() {
            queue(slot, work, gap_ms);
        }
    });
    *pending.borrow_mut() = Some(timer);
}

/// Shortcut keys pressed anywhere on the page, by `KeyboardEvent.key`. A key typed into a
/// field, Space or Enter on a focused button, or a key with Ctrl, Alt or Meta is not a
/// shortcut. Space and `p` (play) keep the page from scrolling.
#[hook]
pub fn use_shortcut_keys(on_key: Callback<String>) {
    let latest = use_latest(on_key);
    use_effect_with((), move |_| {
        let listener = dom::window().and_then(|w| w.document()).map(|d| {
            EventListener::new(&d, "keydown", move |e| {
                let Some(e) = e.dyn_ref::<KeyboardEvent>() else { return };
                if !is_shortcut(e) {
                    return;
                }
                let key = e.key();
                if key == " " || key == "p" {
                    e.prevent_default();
                }
                latest.borrow().emit(key);
            })
        });
        move || drop(listener)
    });
}

fn is_shortcut(e: &KeyboardEvent) -> bool {
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
    !(e.ctrl_key() || e.meta_key() || e.alt_key())
}

/// Whether the tab is hidden, each time that changes.
#[hook]
pub fn use_visibility(on_change: Callback<bool>) {
    let latest = use_latest(on_change);
    use_effect_with((), move |_| {
        let listener = dom::window()
            .and_then(|w| w.document())
            .map(|d| EventListener::new(&d, "visibilitychange", move |_| latest.borrow().emit(dom::tab_hidden())));
        move || drop(listener)
    });
}

/// Messages from the embedding page whose origin is in `origins`, as JSON text. With no
/// origins allowed, nothing listens.
#[hook]
pub fn use_embed_messages(origins: Vec<String>, on_message: Callback<String>) {
    let latest = use_latest(on_message);
    use_effect_with(origins, move |origins| {
        let origins = origins.clone();
        let listener = (!origins.is_empty()).then(dom::window).flatten().map(|w| {
            EventListener::new(&w, "message", move |e| {
                if let Some(json) = e.dyn_ref::<web_sys::MessageEvent>().and_then(|m| embed::accept(m, &origins)) {
                    latest.borrow().emit(json);
                }
            })
        });
        move || drop(listener)
    });
}

//! The tour overlay: one step of `ui::tour` at a time, its region outlined and scrolled
//! into view, with Back, Next (Done on the last step) and Close.
//!
//! Contract: the region is marked with a `data-tour-target` attribute (Yew never writes
//! it, so a re-render of the region keeps the outline) and unmarked when the step changes
//! or the tour closes. Focus moves to Next on every step and back to where it was when the
//! tour closes. Escape closes it through the page's shortcut (`UiAction::Escape`). The
//! dialog is not modal: the lab it points at stays usable.

use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::ui::i18n::{t, Lang, Text};
use crate::ui::tour::{back, is_last, next, step_of, STEPS};

use super::dom;

#[derive(Properties, PartialEq)]
pub struct TourProps {
    pub lang: Lang,
    pub step: usize,
    /// The step to show, or `None`: closed.
    pub on_step: Callback<Option<usize>>,
}

const MARK: &str = "data-tour-target";

fn document() -> Option<web_sys::Document> {
    dom::window().and_then(|w| w.document())
}

fn unmark_all() {
    let Some(doc) = document() else { return };
    // One region is marked at a time; the bound only guards against a page that fights back.
    for _ in 0..STEPS.len() {
        match doc.query_selector(&format!("[{MARK}]")) {
            Ok(Some(el)) => {
                let _ = el.remove_attribute(MARK);
            }
            _ => break,
        }
    }
}

/// Outlines the step's region and brings it into view (centred, so the overlay at the
/// bottom of the window does not cover it).
fn mark(step: usize) {
    unmark_all();
    let Some(doc) = document() else { return };
    let Some(targets) = STEPS.get(step).map(|s| s.targets) else { return };
    if let Some(el) = targets.iter().find_map(|sel| doc.query_selector(sel).ok().flatten()) {
        let _ = el.set_attribute(MARK, "");
        let opts = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&opts, &"block".into(), &"center".into());
        el.scroll_into_view_with_scroll_into_view_options(opts.unchecked_ref());
    }
}

#[component]
pub fn Tour(p: &TourProps) -> Html {
    let lang = p.lang;
    let k = p.step.min(STEPS.len() - 1);
    let next_ref = use_node_ref();
    {
        // Focus returns where it was when the tour closes.
        use_effect_with((), |_| {
            let opener =
                document().and_then(|d| d.active_element()).and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
            move || {
                unmark_all();
                if let Some(el) = opener {
                    let _ = el.focus();
                }
            }
        });
    }
    {
        let next_ref = next_ref.clone();
        use_effect_with(k, move |k| {
            mark(*k);
            if let Some(b) = next_ref.cast::<web_sys::HtmlElement>() {
                let _ = b.focus();
            }
        });
    }
    let step = &STEPS[k];
    let go = |to: Option<usize>| p.on_step.reform(move |_: MouseEvent| to);
    html! {
        <div class="tour" id="tour" role="dialog" aria-modal="false" aria-labelledby="tour-title"
             aria-describedby="tour-body" data-step={(k + 1).to_string()} data-steps={STEPS.len().to_string()}
             data-region={step.id}>
            <p class="tour-count">{ step_of(lang, k) }</p>
            <h2 id="tour-title">{ t(lang, step.title) }</h2>
            <p id="tour-body">{ t(lang, step.body) }</p>
            <div class="tour-nav">
                <button id="tour-close" class="tour-close" onclick={go(None)}>{ t(lang, Text::Close) }</button>
                <span class="tour-moves">
                    <button id="tour-back" disabled={k == 0} onclick={go(Some(back(k)))}>{ t(lang, Text::BackStep) }</button>
                    <button id="tour-next" class="tour-primary" ref={next_ref} onclick={go(next(k))}>
                        { if is_last(k) { t(lang, Text::TourDone) } else { t(lang, Text::NextStep) } }
                    </button>
                </span>
            </div>
        </div>
    }
}

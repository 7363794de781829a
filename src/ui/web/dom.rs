//! Small browser helpers: storage, the URL fragment, downloads, the clipboard and the
//! panic page. Each one fails quietly (a blocked storage or clipboard must not break the
//! lab); none of them touches the engine.

use wasm_bindgen::JsCast;

use crate::ui::i18n::{t, Lang, Text};

pub fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

/// The page's monotonic clock, for measuring frame work (never read by the engine).
pub fn now_ms() -> Option<f64> {
    window().and_then(|w| w.performance()).map(|p| p.now())
}

pub fn saved_lang() -> Lang {
    let stored =
        window().and_then(|w| w.local_storage().ok().flatten()).and_then(|s| s.get_item("raftlab.lang").ok().flatten());
    let tag = stored.or_else(|| window().and_then(|w| w.navigator().language())).unwrap_or_default();
    Lang::from_tag(&tag)
}

pub fn save_lang(lang: Lang) {
    if let Some(s) = window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = s.set_item("raftlab.lang", lang.tag());
    }
}

pub fn fragment() -> String {
    window().and_then(|w| w.location().hash().ok()).unwrap_or_default()
}

/// Replaces the fragment without adding a history entry per frame.
pub fn set_fragment(frag: &str) {
    if let Some(w) = window() {
        if let Ok(h) = w.history() {
            let url = format!("#{frag}");
            let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
        }
    }
}

/// The query string (`?embed=1&origins=…`).
pub fn search() -> String {
    window().and_then(|w| w.location().search().ok()).unwrap_or_default()
}

/// Lessons finished on this browser, as `id:language` entries.
pub fn completed_lessons() -> Vec<String> {
    window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item("raftlab.completed").ok().flatten())
        .map(|v| v.split(',').filter(|e| !e.is_empty()).map(str::to_string).collect())
        .unwrap_or_default()
}

pub fn mark_completed(entry: &str) {
    let mut done = completed_lessons();
    if done.iter().any(|e| e == entry) {
        return;
    }
    done.push(entry.to_string());
    if let Some(s) = window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = s.set_item("raftlab.completed", &done.join(","));
    }
}

pub fn href() -> String {
    window().and_then(|w| w.location().href().ok()).unwrap_or_default()
}

pub fn copy_text(text: &str) {
    if let Some(w) = window() {
        let _ = w.navigator().clipboard().write_text(text);
    }
}

pub fn prefers_reduced_motion() -> bool {
    window().and_then(|w| w.match_media("(prefers-reduced-motion: reduce)").ok().flatten()).is_some_and(|m| m.matches())
}

pub fn tab_hidden() -> bool {
    window().and_then(|w| w.document()).is_some_and(|d| d.hidden())
}

/// Offers `text` as a file download.
pub fn download(name: &str, mime: &str, text: &str) {
    let Some(doc) = window().and_then(|w| w.document()) else { return };
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts) else { return };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return };
    if let Ok(a) = doc.create_element("a") {
        if let Ok(a) = a.dyn_into::<web_sys::HtmlAnchorElement>() {
            a.set_href(&url);
            a.set_download(name);
            a.click();
        }
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// The outer HTML of the element with `id`, for the SVG export.
pub fn outer_html(id: &str) -> Option<String> {
    window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(id)).map(|e| e.outer_html())
}

/// Replaces the page with the panic text and a reload button. Written with plain DOM calls
/// (the Yew app may be what broke), and with the text set as text, never as HTML.
pub fn show_panic(text: &str) {
    let Some(doc) = window().and_then(|w| w.document()) else { return };
    let Some(body) = doc.body() else { return };
    let lang = saved_lang();
    body.set_inner_html("");
    let make = |tag: &str| doc.create_element(tag).ok();
    if let Some(div) = make("div") {
        div.set_id("panic");
        div.set_attribute("role", "alert").ok();
        if let Some(h) = make("h1") {
            h.set_text_content(Some(t(lang, Text::PanicTitle)));
            let _ = div.append_child(&h);
        }
        if let Some(p) = make("pre") {
            p.set_text_content(Some(text));
            let _ = div.append_child(&p);
        }
        if let Some(b) = make("button") {
            b.set_text_content(Some(t(lang, Text::Reload)));
            b.set_attribute("onclick", "location.reload()").ok();
            b.set_id("reload");
            let _ = div.append_child(&b);
        }
        let _ = body.append_child(&div);
    }
}

/// Brings an element into view, its bottom edge at the viewport's at most (a panel that
/// opened below the fold).
pub fn scroll_into_view(id: &str) {
    if let Some(el) = window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(id)) {
        el.scroll_into_view_with_bool(false);
    }
}

/// The value of the input or select element an event came from: components hand on what
/// was entered, never the event.
pub fn input_value(e: &web_sys::Event) -> String {
    let Some(target) = e.target() else { return String::new() };
    if let Some(i) = target.dyn_ref::<web_sys::HtmlInputElement>() {
        return i.value();
    }
    target.dyn_ref::<web_sys::HtmlSelectElement>().map(|s| s.value()).unwrap_or_default()
}

/// Whether the checkbox an event came from is checked.
pub fn input_checked(e: &web_sys::Event) -> bool {
    e.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()).is_some_and(|i| i.checked())
}

/// A callback that hands `cb` what `f` makes of an event, when it makes anything (Enter on
/// a node, a number typed into a field).
pub fn when<T: 'static, U: 'static>(cb: &yew::Callback<U>, f: impl Fn(T) -> Option<U> + 'static) -> yew::Callback<T> {
    let cb = cb.clone();
    yew::Callback::from(move |e: T| {
        if let Some(v) = f(e) {
            cb.emit(v);
        }
    })
}

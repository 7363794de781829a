//! The browser side of embedding: `postMessage` in and out, and fetching a lesson file.
//!
//! Contract: a message is handed to the app only if its origin is in the allowlist the
//! embedding page put in the URL (`?origins=`); events go to the parent window once per
//! allowed origin, as that origin's target (never `*`), so no other page can read them. A
//! lesson URL is fetched only if it resolves to this page's origin or an allowed one.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::lab::course;

use super::dom;

/// Sends `json` (an event object) to the parent window, for each allowed origin.
pub fn post_to_parent(json: &str, origins: &[String]) {
    let Some(w) = dom::window() else { return };
    let Ok(Some(parent)) = w.parent() else { return };
    // A page that is not framed is its own parent: nothing to tell.
    if js_sys::Object::is(&parent, &w) {
        return;
    }
    let Ok(value) = js_sys::JSON::parse(json) else { return };
    for o in origins {
        let _ = parent.post_message(&value, o);
    }
}

/// The message's data as JSON text, if its origin is allowed.
pub fn accept(e: &web_sys::MessageEvent, origins: &[String]) -> Option<String> {
    if !course::message_allowed(&e.origin(), origins) {
        return None;
    }
    let data = e.data();
    if let Some(s) = data.as_string() {
        return Some(s);
    }
    js_sys::JSON::stringify(&data).ok().and_then(|s| s.as_string())
}

/// `url` made absolute against the page, if it may be loaded.
pub fn resolve_allowed(url: &str, origins: &[String]) -> Result<String, String> {
    let base = dom::href();
    let abs = web_sys::Url::new_with_base(url, &base).map_err(|_| format!("{url}: not a URL"))?;
    let own = dom::window().and_then(|w| w.location().origin().ok()).unwrap_or_default();
    let href = abs.href();
    if course::lesson_url_allowed(&href, &own, origins) {
        Ok(href)
    } else {
        Err(format!("{href}: lessons load only from this site ({own}) or an origin listed in ?origins="))
    }
}

pub async fn fetch_text(url: &str) -> Result<String, String> {
    let w = dom::window().ok_or("no window")?;
    let resp = JsFuture::from(w.fetch_with_str(url)).await.map_err(|_| format!("{url}: could not be fetched"))?;
    let resp: web_sys::Response = resp.dyn_into().map_err(|_| format!("{url}: not a response"))?;
    if !resp.ok() {
        return Err(format!("{url}: HTTP {}", resp.status()));
    }
    let text = JsFuture::from(resp.text().map_err(|_| format!("{url}: no text"))?)
        .await
        .map_err(|_| format!("{url}: could not be read"))?;
    text.as_string().ok_or_else(|| format!("{url}: not text"))
}

//! The page's side of the live bridge: the event stream (`EventSource` on `EVENTS_PATH`)
//! and requests (`fetch` POST to `REQUEST_PATH`), both carrying the run's token.
//!
//! Contract: `listen` hands on every event it can read and `Heard::Dropped` whenever the
//! stream breaks; the browser keeps retrying on its own, except after a `Bye`, when the
//! stream is closed here (the bridge is gone for good). Dropping the `Stream` closes it. A
//! request always ends in a `LiveReply`: a network failure or a refusal that is not JSON
//! becomes one with `ok: false`, so a console line is never left pending by the page.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{EventSource, MessageEvent};
use yew::Callback;

use crate::lab::live::{LiveEvent, LiveReply, LiveRequest, EVENTS_PATH, REQUEST_PATH, TOKEN_HEADER};
use crate::ui::live_state::{decode_event, decode_reply};

pub enum Heard {
    Event(Box<LiveEvent>),
    Dropped,
}

/// The open event stream; closed when dropped.
pub struct Stream {
    source: EventSource,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

impl Drop for Stream {
    fn drop(&mut self) {
        self.source.close();
    }
}

pub fn listen(token: &str, on: Callback<Heard>) -> Option<Stream> {
    let url = format!("{EVENTS_PATH}?token={}", String::from(js_sys::encode_uri_component(token)));
    let source = EventSource::new(&url).ok()?;
    let on_message = {
        let (on, source) = (on.clone(), source.clone());
        Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            let Some(text) = e.data().as_string() else { return };
            // An event this page cannot read (a newer bridge) is skipped, not fatal.
            let Some(event) = decode_event(&text) else { return };
            if matches!(event, LiveEvent::Bye { .. }) {
                source.close();
            }
            on.emit(Heard::Event(Box::new(event)));
        })
    };
    let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| on.emit(Heard::Dropped));
    source.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    Some(Stream { source, _on_message: on_message, _on_error: on_error })
}

pub async fn request(token: &str, req: &LiveRequest) -> LiveReply {
    match send(token, req).await {
        Ok(reply) => reply,
        Err(why) => LiveReply { output: why, ok: false },
    }
}

async fn send(token: &str, req: &LiveRequest) -> Result<LiveReply, String> {
    let unreachable = |_| "raftlab live could not be reached".to_string();
    let w = web_sys::window().ok_or("no window")?;
    let headers = web_sys::Headers::new().map_err(unreachable)?;
    headers.set(TOKEN_HEADER, token).map_err(unreachable)?;
    headers.set("content-type", "application/json").map_err(unreachable)?;
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_headers(&headers);
    let body = serde_json::to_string(req).map_err(|e| e.to_string())?;
    init.set_body(&JsValue::from_str(&body));
    let resp = JsFuture::from(w.fetch_with_str_and_init(REQUEST_PATH, &init)).await.map_err(unreachable)?;
    let resp: web_sys::Response = resp.dyn_into().map_err(unreachable)?;
    let status = resp.status();
    let text = JsFuture::from(resp.text().map_err(unreachable)?).await.map_err(unreachable)?;
    let text = text.as_string().unwrap_or_default();
    decode_reply(&text).ok_or_else(|| format!("HTTP {status}: {}", text.trim()))
}

//! The HTTP side of `raftlab live`: the built site as static files, the event stream and
//! the request endpoint, on 127.0.0.1 only.
//!
//! Contract: every request must name this server in its `Host` (127.0.0.1 or localhost
//! with our port), which keeps other sites out through DNS rebinding. The bridge's two
//! paths also need the run's token (`?token=` on the stream, the token header on a
//! request) and, when the browser sends an `Origin`, the page's own origin; a request
//! must carry it (browsers always send it on a POST). Files are served only from the site
//! directory, never above it. Bodies are read up to `MAX_REQUEST_BYTES`. Each connection
//! is served on its own thread, at most `MAX_CONNECTIONS` at once, and closed after its
//! one response: a page load's parallel requests each get a connection of their own (with
//! keep-alive, tiny_http left a page's script request unanswered now and then).

use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tiny_http::{Header, Method, Request, Response, StatusCode};

use super::bridge::Bridge;
use super::hub::frame;
use super::protocol::{
    Hello, LiveEvent, LiveReply, LiveRequest, EVENTS_PATH, MAX_REQUEST_BYTES, REQUEST_PATH, TOKEN_HEADER,
};

/// Connections served at once (each event stream holds one).
pub const MAX_CONNECTIONS: usize = 32;
/// A comment line keeps an idle event stream open through proxies and shows a dead one.
const KEEPALIVE: Duration = Duration::from_secs(5);

pub struct Site {
    pub dir: PathBuf,
    pub port: u16,
    pub token: String,
    pub hello: Hello,
    pub bridge: Arc<Bridge>,
    pub open: AtomicUsize,
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes())
        .unwrap_or_else(|_| Header::from_bytes(&b"X-Invalid"[..], &b"1"[..]).expect("a constant header is valid"))
}

fn text(code: u16, body: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    Response::from_string(body)
        .with_status_code(StatusCode(code))
        .with_header(header("Content-Type", "text/plain; charset=utf-8"))
}

fn get_header<'r>(req: &'r Request, name: &str) -> Option<&'r str> {
    req.headers().iter().find(|h| h.field.as_str().as_str().eq_ignore_ascii_case(name)).map(|h| h.value.as_str())
}

/// A path's query parameter.
fn query<'u>(url: &'u str, name: &str) -> Option<&'u str> {
    let q = url.split_once('?')?.1;
    q.split('&').find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
}

/// The file a URL path names inside `dir`, or `None` for anything that would leave it.
pub fn file_for(dir: &Path, url: &str) -> Option<PathBuf> {
    let path = url.split(['?', '#']).next().unwrap_or("/");
    let path = percent_decode(path)?;
    let rel = path.trim_start_matches('/');
    let rel = if rel.is_empty() { "index.html" } else { rel };
    let p = Path::new(rel);
    if p.components().any(|c| !matches!(c, Component::Normal(_))) {
        return None;
    }
    Some(dir.join(p))
}

fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok().filter(|s| !s.contains('\0'))
}

fn content_type(p: &Path) -> &'static str {
    match p.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript",
        "wasm" => "application/wasm",
        "css" => "text/css",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "json" => "application/json",
        "webmanifest" => "application/manifest+json",
        "md" => "text/markdown; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

impl Site {
    fn own_host(&self, host: &str) -> bool {
        host == format!("127.0.0.1:{}", self.port) || host == format!("localhost:{}", self.port)
    }

    fn own_origin(&self, origin: &str) -> bool {
        origin.strip_prefix("http://").is_some_and(|h| self.own_host(h))
    }

    /// Serves one request to its end (an event stream: until the page goes).
    pub fn serve(&self, req: Request) {
        let host_ok = get_header(&req, "Host").is_some_and(|h| self.own_host(h));
        if !host_ok {
            let _ =
                req.respond(text(403, "raftlab live answers only http://127.0.0.1 and http://localhost on its port\n"));
            return;
        }
        let origin_ok = get_header(&req, "Origin").is_none_or(|o| self.own_origin(o));
        let url = req.url().to_string();
        let path = url.split('?').next().unwrap_or("");
        match (req.method(), path) {
            (Method::Get, p) if p == EVENTS_PATH => {
                if !origin_ok || query(&url, "token") != Some(self.token.as_str()) {
                    let _ = req.respond(text(
                        403,
                        "the event stream needs this run's token, from the page raftlab live served\n",
                    ));
                    return;
                }
                self.events(req);
            }
            (Method::Post, p) if p == REQUEST_PATH => {
                let token_ok = get_header(&req, TOKEN_HEADER) == Some(self.token.as_str());
                if !token_ok || get_header(&req, "Origin").is_none() || !origin_ok {
                    let _ = req.respond(text(
                        403,
                        "a request needs this run's token and must come from the page raftlab live served\n",
                    ));
                    return;
                }
                self.request(req);
            }
            (Method::Get | Method::Head, _) => self.file(req, &url),
            _ => {
                let _ = req.respond(text(405, "only GET, and POST to the bridge\n"));
            }
        }
    }

    fn file(&self, req: Request, url: &str) {
        let Some(p) = file_for(&self.dir, url) else {
            let _ = req.respond(text(404, "not found\n"));
            return;
        };
        match std::fs::File::open(&p) {
            Ok(f) if p.is_file() => {
                let r = Response::from_file(f)
                    .with_header(header("Content-Type", content_type(&p)))
                    .with_header(header("Cache-Control", "no-cache"))
                    .with_header(header("Connection", "close"));
                let _ = req.respond(r);
            }
            _ => {
                let _ = req.respond(text(404, "not found\n"));
            }
        }
    }

    fn request(&self, mut req: Request) {
        let mut body = Vec::new();
        let read = req.as_reader().take(MAX_REQUEST_BYTES as u64 + 1).read_to_end(&mut body);
        let reply = if read.is_err() {
            LiveReply { output: "the request could not be read\n".into(), ok: false }
        } else if body.len() > MAX_REQUEST_BYTES {
            LiveReply { output: format!("refused: a request may be at most {MAX_REQUEST_BYTES} bytes\n"), ok: false }
        } else {
            match serde_json::from_slice::<LiveRequest>(&body) {
                Ok(r) => self.bridge.request(r),
                Err(e) => LiveReply { output: format!("not a request: {e}\n"), ok: false },
            }
        };
        let json = serde_json::to_string(&reply).unwrap_or_else(|_| "{}".into());
        let _ = req.respond(
            Response::from_string(json)
                .with_header(header("Content-Type", "application/json"))
                .with_header(header("Connection", "close")),
        );
    }

    /// The event stream: headers, the hello and the last state, then every event until
    /// the page goes (a write fails) or the bridge stops.
    fn events(&self, req: Request) {
        let Some(rx) = self.bridge.hub.subscribe() else {
            let _ = req.respond(text(503, "too many pages are open on this live cluster\n"));
            return;
        };
        let mut w = req.into_writer();
        let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nConnection: close\r\nX-Accel-Buffering: no\r\n\r\n";
        let mut first = frame(&LiveEvent::Hello(self.hello.clone()));
        if let Some(s) = self.bridge.shared.last.lock().ok().and_then(|l| l.clone()) {
            first.push_str(&frame(&LiveEvent::State(s)));
        }
        first.push_str(&frame(&LiveEvent::History(self.bridge.history())));
        if w.write_all(head.as_bytes()).and_then(|()| w.write_all(first.as_bytes())).and_then(|()| w.flush()).is_err() {
            return;
        }
        loop {
            let out = match rx.recv_timeout(KEEPALIVE) {
                Ok(e) => e,
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => ": keep-alive\n\n".into(),
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return,
            };
            if w.write_all(out.as_bytes()).and_then(|()| w.flush()).is_err() {
                return;
            }
        }
    }
}

/// Serves requests until `stop` says so, each connection on a thread of its own.
pub fn run(server: &tiny_http::Server, site: Arc<Site>, stop: impl Fn() -> bool) {
    while !stop() {
        let req = match server.recv_timeout(Duration::from_millis(200)) {
            Ok(Some(r)) => r,
            Ok(None) => continue,
            Err(e) => {
                eprintln!("live: {e}");
                continue;
            }
        };
        if site.open.load(Ordering::SeqCst) >= MAX_CONNECTIONS {
            let _ = req.respond(text(503, "too many connections\n"));
            continue;
        }
        site.open.fetch_add(1, Ordering::SeqCst);
        let s = Arc::clone(&site);
        std::thread::spawn(move || {
            s.serve(req);
            s.open.fetch_sub(1, Ordering::SeqCst);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_served_from_the_site_dir_only() {
        let d = Path::new("/srv/site");
        assert_eq!(file_for(d, "/"), Some(d.join("index.html")));
        assert_eq!(file_for(d, "/lessons/en/03-leader-dies.md?x=1"), Some(d.join("lessons/en/03-leader-dies.md")));
        assert_eq!(file_for(d, "/a%20b.css"), Some(d.join("a b.css")));
        assert_eq!(file_for(d, "/../etc/passwd"), None);
        assert_eq!(file_for(d, "/%2e%2e/etc/passwd"), None);
        assert_eq!(file_for(d, "/x/%00"), None);
        assert_eq!(file_for(d, "//etc/passwd"), Some(d.join("etc/passwd")));
    }

    #[test]
    fn the_token_is_read_from_the_query() {
        assert_eq!(query("/live/events?token=abc", "token"), Some("abc"));
        assert_eq!(query("/live/events?x=1&token=abc", "token"), Some("abc"));
        assert_eq!(query("/live/events?tokens=abc", "token"), None);
        assert_eq!(query("/live/events", "token"), None);
    }
}

//! How a course talks to the lab: the URL parameters of a lesson link or an embed, the
//! origin allowlist, and the `postMessage` protocol. Plain Rust, tested natively; the
//! browser side (`web::embed`) only moves strings.
//!
//! Contract:
//! - `Params::read(search, fragment)` never fails: unknown or malformed parameters are
//!   ignored, and a step number is 1-based in the URL and 0-based here.
//! - An origin is allowed only if it is exactly (scheme, host, port) one of the
//!   allowlist's entries; the page's own origin is always allowed for lesson URLs, never
//!   for messages (a page does not message itself).
//! - `Command::parse` accepts only `{"type":"raftlab","command":…}` objects with the
//!   fields each command needs, and says what is wrong otherwise.
//! - `event_json` produces `{"type":"raftlab","event":…}` objects with stable field names.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Params {
    /// `?embed=1`: reduced chrome for an iframe.
    pub embed: bool,
    /// `?origins=https://a.example,https://b.example`: who may send commands and receive
    /// events, and where lessons may be loaded from.
    pub origins: Vec<String>,
    /// `#lesson=<id>`.
    pub lesson: Option<String>,
    /// `#step=<n>` (1-based in the URL), 0-based.
    pub step: usize,
    /// `#lesson-url=<url>` (percent-encoded).
    pub lesson_url: Option<String>,
    /// `#lessons`: the lessons page.
    pub lessons_page: bool,
}

fn pairs(s: &str) -> impl Iterator<Item = (&str, &str)> {
    s.split('&').filter(|p| !p.is_empty()).map(|p| p.split_once('=').unwrap_or((p, "")))
}

/// `%XX` decoding (UTF-8); a malformed escape is kept as it is.
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(if b[i] == b'+' { b' ' } else { b[i] });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Percent-encodes everything but unreserved characters.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl Params {
    pub fn read(search: &str, fragment: &str) -> Params {
        let mut p = Params::default();
        for (k, v) in pairs(search.trim_start_matches('?')) {
            match k {
                "embed" => p.embed = v == "1" || v == "true",
                "origins" => {
                    p.origins = percent_decode(v).split(',').filter_map(|o| normalize_origin(o.trim())).collect();
                }
                _ => {}
            }
        }
        for (k, v) in pairs(fragment.trim_start_matches('#')) {
            match k {
                "lesson" if !v.is_empty() => p.lesson = Some(percent_decode(v)),
                "step" => p.step = v.parse::<usize>().ok().filter(|n| *n >= 1).map_or(0, |n| n - 1),
                "lesson-url" if !v.is_empty() => p.lesson_url = Some(percent_decode(v)),
                "lessons" => p.lessons_page = true,
                _ => {}
            }
        }
        p
    }
}

/// `https://Example.org:443/x` → `https://example.org`; `None` for anything that is not an
/// http(s) origin.
pub fn normalize_origin(s: &str) -> Option<String> {
    let (scheme, rest) = s.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let host_port = rest.split(['/', '?', '#']).next()?.to_ascii_lowercase();
    if host_port.is_empty() || host_port.contains('@') {
        return None;
    }
    let default_port = if scheme == "https" { ":443" } else { ":80" };
    let host_port = host_port.strip_suffix(default_port).unwrap_or(&host_port);
    Some(format!("{scheme}://{host_port}"))
}

/// Whether a message from `origin` may be obeyed.
pub fn message_allowed(origin: &str, allowlist: &[String]) -> bool {
    normalize_origin(origin).is_some_and(|o| allowlist.contains(&o))
}

/// Whether a lesson at `url` (already resolved to an absolute URL) may be loaded by a page
/// at `own_origin`.
pub fn lesson_url_allowed(url: &str, own_origin: &str, allowlist: &[String]) -> bool {
    let Some(o) = normalize_origin(url) else { return false };
    normalize_origin(own_origin).is_some_and(|own| own == o) || allowlist.contains(&o)
}

/// A command from the embedding page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// 0-based.
    GotoStep(usize),
    Reset,
    /// A built-in lesson by id, or a lesson file by URL.
    LoadLesson {
        id: Option<String>,
        url: Option<String>,
    },
}

#[derive(Deserialize)]
struct Wire {
    #[serde(rename = "type")]
    kind: String,
    command: String,
    step: Option<u64>,
    id: Option<String>,
    url: Option<String>,
}

/// Why a `postMessage` was not a command the lab follows.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    /// Not JSON of the command's shape (serde_json's text).
    #[error("not a raftlab command: {0}")]
    NotJson(String),
    /// A message for someone else: its `type` is not `raftlab`.
    #[error("not a raftlab command: type is {0:?}")]
    OtherType(String),
    #[error("goto-step needs \"step\": a step number from 1")]
    NoStep,
    #[error("load-lesson needs \"id\" or \"url\"")]
    NoLesson,
    #[error("unknown command {0:?}: expected goto-step, reset or load-lesson")]
    Unknown(String),
}

impl Command {
    pub fn parse(json: &str) -> Result<Command, CommandError> {
        let w: Wire = serde_json::from_str(json).map_err(|e| CommandError::NotJson(e.to_string()))?;
        if w.kind != "raftlab" {
            return Err(CommandError::OtherType(w.kind));
        }
        match w.command.as_str() {
            "goto-step" => match w.step {
                Some(n) if n >= 1 => Ok(Command::GotoStep((n - 1) as usize)),
                _ => Err(CommandError::NoStep),
            },
            "reset" => Ok(Command::Reset),
            "load-lesson" if w.id.is_some() || w.url.is_some() => Ok(Command::LoadLesson { id: w.id, url: w.url }),
            "load-lesson" => Err(CommandError::NoLesson),
            other => Err(CommandError::Unknown(other.to_string())),
        }
    }
}

/// An event for the embedding page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Event {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub event: &'static str,
    pub lesson: String,
    /// 1-based, as in the URL.
    pub step: usize,
    pub steps: usize,
    /// For check events: the check's text and what it saw.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl Event {
    pub fn new(event: &'static str, lesson: &str, step: usize, steps: usize) -> Event {
        Event { kind: "raftlab", event, lesson: lesson.to_string(), step: step + 1, steps, check: None, detail: None }
    }

    pub fn json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_read_embed_origins_lesson_and_step() {
        let p = Params::read(
            "?embed=1&origins=https%3A%2F%2FCourse.example%3A443%2Fx,http://localhost:8000,javascript:alert(1)",
            "#lesson=leader-dies&step=3",
        );
        assert!(p.embed);
        assert_eq!(p.origins, vec!["https://course.example".to_string(), "http://localhost:8000".to_string()]);
        assert_eq!(p.lesson.as_deref(), Some("leader-dies"));
        assert_eq!(p.step, 2);
        let p = Params::read("", "#lesson-url=https%3A%2F%2Fa.example%2Fl.md&step=0");
        assert_eq!(p.lesson_url.as_deref(), Some("https://a.example/l.md"));
        assert_eq!(p.step, 0, "step 0 is not a step; the first is 1");
        assert!(!p.embed);
    }

    #[test]
    fn origins_must_match_exactly() {
        let allow = vec!["https://course.example".to_string()];
        assert!(message_allowed("https://course.example", &allow));
        assert!(message_allowed("https://course.example:443", &allow));
        assert!(!message_allowed("https://course.example.evil.test", &allow));
        assert!(!message_allowed("http://course.example", &allow));
        assert!(!message_allowed("null", &allow));
        assert!(!message_allowed("https://course.example", &[]));
        assert!(lesson_url_allowed("http://127.0.0.1:8080/lessons/x.md", "http://127.0.0.1:8080", &[]));
        assert!(!lesson_url_allowed("http://127.0.0.1:9999/x.md", "http://127.0.0.1:8080", &[]));
        assert!(lesson_url_allowed("https://course.example/l.md", "http://127.0.0.1:8080", &allow));
        assert!(!lesson_url_allowed("data:text/plain,hi", "http://127.0.0.1:8080", &allow));
    }

    #[test]
    fn commands_parse_or_say_why_not() {
        assert_eq!(Command::parse(r#"{"type":"raftlab","command":"goto-step","step":2}"#), Ok(Command::GotoStep(1)));
        assert_eq!(Command::parse(r#"{"type":"raftlab","command":"reset"}"#), Ok(Command::Reset));
        assert_eq!(
            Command::parse(r#"{"type":"raftlab","command":"load-lesson","id":"mvcc"}"#),
            Ok(Command::LoadLesson { id: Some("mvcc".into()), url: None })
        );
        let refused = |json: &str| {
            let e = Command::parse(json).unwrap_err();
            let text = e.to_string();
            (e, text)
        };
        assert_eq!(
            refused(r#"{"type":"raftlab","command":"goto-step"}"#),
            (CommandError::NoStep, "goto-step needs \"step\": a step number from 1".into())
        );
        assert_eq!(
            refused(r#"{"type":"raftlab","command":"load-lesson"}"#),
            (CommandError::NoLesson, "load-lesson needs \"id\" or \"url\"".into())
        );
        assert_eq!(
            refused(r#"{"type":"raftlab","command":"explode"}"#),
            (
                CommandError::Unknown("explode".into()),
                "unknown command \"explode\": expected goto-step, reset or load-lesson".into()
            )
        );
        assert_eq!(
            refused(r#"{"type":"other","command":"reset"}"#),
            (CommandError::OtherType("other".into()), "not a raftlab command: type is \"other\"".into())
        );
        let (e, text) = refused("not json");
        assert!(matches!(e, CommandError::NotJson(_)), "{e:?}");
        assert!(text.starts_with("not a raftlab command: "), "{text}");
    }

    #[test]
    fn events_have_stable_fields() {
        let mut e = Event::new("check-failed", "leader-dies", 1, 3);
        e.check = Some("leader != n1".into());
        assert_eq!(
            e.json(),
            r#"{"type":"raftlab","event":"check-failed","lesson":"leader-dies","step":2,"steps":3,"check":"leader != n1"}"#
        );
    }

    #[test]
    fn percent_coding_round_trips() {
        let s = "https://a.example/l 1.md?x=é";
        assert_eq!(percent_decode(&percent_encode(s)), s);
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
    }
}

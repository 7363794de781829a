//! The console's operations on the real cluster as a client history, for the same
//! history view and linearizability check the lab has.
//!
//! Contract: pure. `input_of` keeps what the model holds, as `history::record` does for the
//! lab: a put without a lease, a linearizable get of one key at the current revision, a
//! delete of one key. `output_of` reads etcdctl's own output: a put or delete that timed
//! out (or whose member went away) may have taken effect and is `Unknown`; a read that
//! failed, or a write refused for certain, had no effect and is left out (`None`).

use crate::console::command::{Command, Line};
use crate::history::{Input, Output};

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The client an operation came from: its first endpoint's member (n1 by default).
pub fn client_of(line: &Line) -> u64 {
    let first = line.globals.endpoints.first().map(String::as_str).unwrap_or("n1");
    let first = first.trim_start_matches("http://");
    first.strip_prefix('n').and_then(|r| r.split(':').next()).and_then(|k| k.parse().ok()).unwrap_or(0)
}

pub fn input_of(line: &Line) -> Option<Input> {
    match &line.command {
        Command::Put(p) if !p.ignore_value && p.lease == 0 => {
            Some(Input::Put { key: text(&p.key), value: text(&p.value) })
        }
        Command::Get { range, .. }
            if range.range_end.is_empty()
                && range.revision == 0
                && !range.serializable
                && !range.keys_only
                && !range.count_only =>
        {
            Some(Input::Get { key: text(&range.key) })
        }
        Command::Del(d) if d.range_end.is_empty() && !d.prev_kv => Some(Input::Delete { key: text(&d.key) }),
        _ => None,
    }
}

/// An error after which the write may still happen.
fn indefinite(stderr: &str) -> bool {
    ["deadline exceeded", "timed out", "leader changed", "connection", "Unavailable", "no leader"]
        .iter()
        .any(|w| stderr.contains(w))
}

/// What the client got, from etcdctl's output; `None` when the operation had no effect.
pub fn output_of(input: &Input, print_value_only: bool, stdout: &str, stderr: &str, ok: bool) -> Option<Output> {
    match input {
        Input::Put { .. } | Input::Delete { .. } | Input::Cas { .. } if !ok => {
            indefinite(stderr).then_some(Output::Unknown)
        }
        Input::Get { .. } if !ok => None,
        Input::Put { .. } => Some(Output::Ok),
        Input::Delete { .. } => stdout.trim().parse().ok().map(Output::Deleted),
        Input::Get { .. } => {
            let lines: Vec<&str> = stdout.strip_suffix('\n').unwrap_or(stdout).split('\n').collect();
            Some(Output::Value(match (print_value_only, lines.as_slice()) {
                (_, [""]) => None,
                (true, [v]) => Some(v.to_string()),
                (false, [_key, v]) => Some(v.to_string()),
                _ => return None,
            }))
        }
        Input::Cas { .. } => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::console::parse::parse_line;

    fn line(s: &str) -> Line {
        parse_line(s).unwrap()
    }

    #[test]
    fn single_key_puts_gets_and_deletes_are_in_the_model() {
        assert_eq!(input_of(&line("put x 1")), Some(Input::Put { key: "x".into(), value: "1".into() }));
        assert_eq!(input_of(&line("get x --endpoints=n2")), Some(Input::Get { key: "x".into() }));
        assert_eq!(client_of(&line("get x --endpoints=n2")), 2);
        assert_eq!(client_of(&line("get x")), 1);
        assert_eq!(input_of(&line("del x")), Some(Input::Delete { key: "x".into() }));
        assert_eq!(input_of(&line("get x --prefix")), None);
        assert_eq!(input_of(&line("get x --consistency=s")), None);
        assert_eq!(input_of(&line("get x --rev=2")), None);
        assert_eq!(input_of(&line("put x 1 --lease=1234abcd")), None);
        assert_eq!(input_of(&line("member list")), None);
    }

    #[test]
    fn outputs_are_read_from_what_etcdctl_printed() {
        let put = Input::Put { key: "x".into(), value: "1".into() };
        let get = Input::Get { key: "x".into() };
        let del = Input::Delete { key: "x".into() };
        assert_eq!(output_of(&put, false, "OK\n", "", true), Some(Output::Ok));
        assert_eq!(output_of(&put, false, "", "Error: context deadline exceeded\n", false), Some(Output::Unknown));
        assert_eq!(output_of(&put, false, "", "Error: etcdserver: request timed out\n", false), Some(Output::Unknown));
        assert_eq!(output_of(&put, false, "", "Error: etcdserver: mvcc: database space exceeded\n", false), None);
        assert_eq!(output_of(&get, false, "x\n1\n", "", true), Some(Output::Value(Some("1".into()))));
        assert_eq!(output_of(&get, true, "1\n", "", true), Some(Output::Value(Some("1".into()))));
        assert_eq!(output_of(&get, false, "", "", true), Some(Output::Value(None)));
        assert_eq!(output_of(&get, false, "", "Error: context deadline exceeded\n", false), None);
        assert_eq!(output_of(&del, false, "1\n", "", true), Some(Output::Deleted(1)));
        assert_eq!(output_of(&del, false, "0\n", "", true), Some(Output::Deleted(0)));
    }
}

//! `ETCDCTL_API=2 etcdctl …`: what etcdctl 3.4's v2 client answers against an etcd 3.4
//! server that runs with the v2 API off (its default, and the lab's).
//!
//! Contract: every line gets real etcdctl's answer as recorded from 3.4.23 (the v2 client
//! asks `/v2/keys` or `/v2/members`; the server serves no v2 and answers 404, which the
//! client reports as below), then the lab's one-line note on v2 versus v3. Nothing reaches
//! the cluster: v2 and v3 keep separate data, and with v2 off there is none. A v2 command
//! whose answer was not recorded is refused in the lab's words rather than guessed.

use super::format::Output;

/// The note after every v2 answer.
const NOTE: &str = "(ETCDCTL_API=2 speaks etcd's v2 API, which etcd 3.4 serves only with --enable-v2, and v2 keys live apart from v3's: drop ETCDCTL_API=2, or set it to 3, for the v3 API)\n";

/// A key request: the 404 page is not the JSON the client expects.
const INVALID_JSON: &str =
    "Error:  client: response is invalid json. The endpoint is probably not valid etcd cluster endpoint\n";

const KEY_COMMANDS: &[&str] =
    &["ls", "get", "set", "mk", "mkdir", "rm", "rmdir", "setdir", "update", "updatedir", "watch", "exec-watch"];

/// v2's global flags that take a value (urfave/cli; `--flag=value` needs no lookup).
const VALUE_FLAGS: &[&str] = &[
    "--output",
    "-o",
    "--discovery-srv",
    "-D",
    "--peers",
    "-C",
    "--endpoint",
    "--endpoints",
    "--cert-file",
    "--key-file",
    "--ca-file",
    "--username",
    "-u",
    "--password",
    "--timeout",
    "--total-timeout",
];

pub fn answer(args: &[String]) -> Output {
    let mut endpoints: Option<String> = None;
    let mut command: Option<&str> = None;
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        if let Some((flag, value)) = a.split_once('=').filter(|(f, _)| f.starts_with('-')) {
            if matches!(flag, "--endpoints" | "--endpoint" | "--peers" | "-C") {
                endpoints = Some(value.to_string());
            }
        } else if VALUE_FLAGS.contains(&a) {
            if matches!(a, "--endpoints" | "--endpoint" | "--peers" | "-C") {
                endpoints = args.get(i + 1).cloned();
            }
            i += 1;
        } else if a == "-v" || a == "--version" {
            return with_note(Output::out("etcdctl version: 3.4.23\nAPI version: 2\n"));
        } else if !a.starts_with('-') {
            command = Some(a);
            break;
        }
        i += 1;
    }
    let Some(command) = command else {
        return with_note(Output::err(
            "etcdctl 3.4's v2 usage lists its commands (ls, get, set, mk, rm, member, cluster-health, …); the lab prints its answers, not its help\n",
        ));
    };
    let known = KEY_COMMANDS.contains(&command) || matches!(command, "member" | "cluster-health");
    if !known {
        let out = match command {
            "backup" | "user" | "role" | "auth" => Output::err(format!(
                "etcdctl v2's `{command}` is not simulated in the lab (and etcd 3.4 serves no v2 unless started with --enable-v2)\n"
            )),
            "help" | "h" => Output::err("the lab prints etcdctl v2's answers, not its help\n"),
            other => Output::err(format!("No help topic for '{other}'\n")),
        };
        return with_note(out);
    }
    // Each endpoint must be a URL: the v2 client parses it with `url.Parse`.
    if let Some(list) = &endpoints {
        if let Some(bad) = list.split(',').find(|e| !e.contains("://") && first_segment_has_colon(e)) {
            return with_note(Output::err(format!("parse {bad:?}: first path segment in URL cannot contain colon\n")));
        }
    }
    let out = match command {
        "member" => Output::err("unexpected status code 404\n"),
        "cluster-health" => Output {
            stdout: "cluster may be unhealthy: failed to list members\n".into(),
            stderr: "Error:  unexpected status code 404\n".into(),
            ..Output::default()
        },
        _ => Output::err(INVALID_JSON),
    };
    with_note(out)
}

/// Go's `url.Parse` refuses a scheme-less URL whose first path segment holds a colon
/// (`127.0.0.1:2379`), but reads `n1:2379` as scheme `n1`.
fn first_segment_has_colon(e: &str) -> bool {
    let Some((before, _)) = e.split_once(':') else { return false };
    let scheme_like = before.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && before.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    !scheme_like
}

fn with_note(mut o: Output) -> Output {
    o.note = NOTE.to_string();
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn answers_as_etcdctl_3_4_23_against_a_server_without_v2() {
        // Each recorded from etcdctl 3.4.23 against etcd 3.4.23 with v2 off.
        assert_eq!(answer(&args("--endpoints=http://127.0.0.1:23791 ls /")).stderr, INVALID_JSON);
        assert_eq!(answer(&args("--peers=http://127.0.0.1:23791 set /x 1")).stderr, INVALID_JSON);
        assert_eq!(
            answer(&args("--endpoints=127.0.0.1:23791 ls /")).stderr,
            "parse \"127.0.0.1:23791\": first path segment in URL cannot contain colon\n"
        );
        assert_eq!(answer(&args("--endpoints=http://n1:2379 member list")).stderr, "unexpected status code 404\n");
        let health = answer(&args("cluster-health"));
        assert_eq!(health.stdout, "cluster may be unhealthy: failed to list members\n");
        assert_eq!(health.stderr, "Error:  unexpected status code 404\n");
        assert_eq!(answer(&args("put x 1")).stderr, "No help topic for 'put'\n");
        assert_eq!(answer(&args("version")).stderr, "No help topic for 'version'\n");
        assert_eq!(answer(&args("--version")).stdout, "etcdctl version: 3.4.23\nAPI version: 2\n");
        assert!(answer(&args("ls /")).note.starts_with("(ETCDCTL_API=2 speaks"));
    }
}

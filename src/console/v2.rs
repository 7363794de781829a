//! `ETCDCTL_API=2 etcdctl …`: what etcdctl 3.4's v2 client answers against an etcd 3.4
//! server that runs with the v2 API off (its default, and the lab's).
//!
//! Contract: every line gets real etcdctl's answer, byte for byte as recorded from
//! 3.4.23 (the v2 client asks `/v2/keys` or `/v2/members`, and the server, which serves no
//! v2, answers with something that is not the JSON it expects), then the lab's one-line
//! note pointing to the v2-versus-v3 fact. Nothing reaches the cluster: v2 and v3 keep
//! separate data, and with v2 off there is none.

use super::format::Output;

/// The note after every v2 answer.
const NOTE: &str = "(ETCDCTL_API=2 speaks etcd's v2 API, which etcd 3.4 serves only with --enable-v2, and whose keys live apart from v3's: drop ETCDCTL_API=2, or set it to 3, to use the v3 API)\n";

/// etcdctl's v2 error for any key or member request: the server's answer is not v2 JSON.
const INVALID_JSON: &str =
    "Error:  client: response is invalid json. The endpoint is probably not valid etcd cluster endpoint\n";

pub fn answer(args: &[String]) -> Output {
    let mut out = match args.first().map(String::as_str) {
        None | Some("help") | Some("h") => Output::out(USAGE),
        Some("-v" | "--version" | "version") => Output::out("etcdctl version: 3.4.23\nAPI version: 2\n"),
        Some(cmd) if KEY_COMMANDS.contains(&cmd) || cmd == "member" || cmd == "user" || cmd == "role" => {
            Output::err(INVALID_JSON)
        }
        Some("cluster-health") => Output::err(INVALID_JSON),
        Some(other) => Output::err(format!("No help topic for '{other}'\n")),
    };
    out.note = NOTE.to_string();
    out
}

const KEY_COMMANDS: &[&str] =
    &["ls", "get", "set", "mk", "mkdir", "rm", "rmdir", "update", "updatedir", "watch", "exec-watch"];

const USAGE: &str = "NAME:
   etcdctl - A simple command line client for etcd.
";

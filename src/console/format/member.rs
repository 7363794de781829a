//! `member list | add | promote | remove`.

use super::json::{self, Obj};
use super::table;
use super::types::{Header, Member};
use super::{error_line, Output, OutputFormat, TABLE_NOT_SUPPORTED};

fn table_not_supported() -> Output {
    Output::err(error_line(TABLE_NOT_SUPPORTED))
}

fn members_json(members: &[Member]) -> Vec<String> {
    members.iter().map(json::member).collect()
}

fn status_word(m: &Member) -> &'static str {
    if m.name.is_empty() {
        "unstarted"
    } else {
        "started"
    }
}

/// `member list`, members in the order given (etcd sorts them by id).
pub fn member_list(format: OutputFormat, header: &Header, members: &[Member]) -> Output {
    match format {
        OutputFormat::Simple => Output::out(
            members
                .iter()
                .map(|m| {
                    format!(
                        "{:x}, {}, {}, {}, {}, {}\n",
                        m.id,
                        status_word(m),
                        m.name,
                        m.peer_urls.join(","),
                        m.client_urls.join(","),
                        m.is_learner
                    )
                })
                .collect::<String>(),
        ),
        OutputFormat::Json => Output::out(
            Obj::new().raw("header", json::header(header)).list("members", members_json(members)).build() + "\n",
        ),
        OutputFormat::Table => {
            let rows: Vec<Vec<String>> = members
                .iter()
                .map(|m| {
                    vec![
                        format!("{:x}", m.id),
                        status_word(m).to_string(),
                        m.name.clone(),
                        m.peer_urls.join(","),
                        m.client_urls.join(","),
                        m.is_learner.to_string(),
                    ]
                })
                .collect();
            let head = ["ID", "STATUS", "NAME", "PEER ADDRS", "CLIENT ADDRS", "IS LEARNER"];
            Output::out(table::render(&head, &rows))
        }
    }
}

/// `member add NAME --peer-urls=… [--learner]`. `members` is the list in the response
/// (the new member included, unstarted, so with an empty name); the simple output's
/// `ETCD_INITIAL_CLUSTER` names the new member `name` and other unstarted ones "".
/// The same text for voters and learners.
pub fn member_add(format: OutputFormat, header: &Header, name: &str, added: &Member, members: &[Member]) -> Output {
    match format {
        OutputFormat::Simple => {
            let mut out = format!("Member {:16x} added to cluster {:16x}\n\n", added.id, header.cluster_id);
            let mut cluster = vec![];
            for m in members {
                let n = if m.id == added.id { name } else { m.name.as_str() };
                for u in &m.peer_urls {
                    cluster.push(format!("{n}={u}"));
                }
            }
            out.push_str(&format!("ETCD_NAME=\"{name}\"\n"));
            out.push_str(&format!("ETCD_INITIAL_CLUSTER=\"{}\"\n", cluster.join(",")));
            out.push_str(&format!("ETCD_INITIAL_ADVERTISE_PEER_URLS=\"{}\"\n", added.peer_urls.join(",")));
            out.push_str("ETCD_INITIAL_CLUSTER_STATE=\"existing\"\n");
            Output::out(out)
        }
        OutputFormat::Json => Output::out(
            Obj::new()
                .raw("header", json::header(header))
                .raw("member", json::member(added))
                .list("members", members_json(members))
                .build()
                + "\n",
        ),
        OutputFormat::Table => table_not_supported(),
    }
}

/// `member promote ID` (the JSON shape, header and members, is assumed: not captured). Errors: `etcdserver: can only promote a learner member` (a voter),
/// `etcdserver: can only promote a learner member which is in sync with leader`,
/// `etcdserver: member not found`.
pub fn member_promote(format: OutputFormat, header: &Header, id: u64, members: &[Member]) -> Output {
    members_changed(format, header, members, format!("Member {id:16x} promoted in cluster {:16x}\n", header.cluster_id))
}

/// `member remove ID`; `members` is the list after the removal.
pub fn member_remove(format: OutputFormat, header: &Header, id: u64, members: &[Member]) -> Output {
    members_changed(
        format,
        header,
        members,
        format!("Member {id:16x} removed from cluster {:16x}\n", header.cluster_id),
    )
}

fn members_changed(format: OutputFormat, header: &Header, members: &[Member], simple: String) -> Output {
    match format {
        OutputFormat::Simple => Output::out(simple),
        OutputFormat::Json => Output::out(
            Obj::new().raw("header", json::header(header)).list("members", members_json(members)).build() + "\n",
        ),
        OutputFormat::Table => table_not_supported(),
    }
}

//! `etcdctl snapshot restore FILE --name … --initial-cluster … --initial-advertise-peer-urls
//! … --initial-cluster-token … --data-dir …`: one member's new data dir, as an operator
//! makes it on each machine of the restored cluster.
//!
//! Contract: checks in etcdctl 3.4's order (the data dir must not exist, then
//! `VerifyBootstrap`: the local name in `--initial-cluster`, and its URL among the advertised
//! ones; then the file), with etcdctl's texts, and refuses a line that changed nothing. The
//! lab's members are `n1`…`n9` with peer URL `http://nK:2380`, so `--initial-cluster` may
//! name only those. Like etcdctl it prints nothing on stdout; a lab note says what was made
//! and how to start it.

use super::command::SnapshotRestoreOptions;
use super::format::Output;
use super::session::Session;
use crate::engine::{ids, Action, NodeId, MAX_NODES};

const DEFAULT_NAME: &str = "default";
const DEFAULT_PEER_URL: &str = "http://localhost:2380";
const DEFAULT_TOKEN: &str = "etcd-cluster";

/// `name=url,…` → the lab's node ids, in the order given.
fn initial_cluster(text: &str) -> Result<Vec<(String, String, NodeId)>, String> {
    let mut out = Vec::new();
    for part in text.split(',') {
        let Some((name, url)) = part.split_once('=') else {
            return Err(format!(
                "{part:?} is not name=URL: --initial-cluster is e.g. n1=http://n1:2380,n2=http://n2:2380"
            ));
        };
        let id = name.strip_prefix('n').and_then(|d| d.parse::<NodeId>().ok()).filter(|k| (1..=MAX_NODES).contains(k));
        match id {
            Some(k) if url == ids::peer_url(k) => out.push((name.to_string(), url.to_string(), k)),
            _ => {
                return Err(format!(
                    "{name}={url}: the lab's members are n1 to n{MAX_NODES}, each with peer URL http://nK:2380 (e.g. n1=http://n1:2380)"
                ))
            }
        }
    }
    Ok(out)
}

pub(super) fn restore_member(s: &mut Session, file: &str, o: SnapshotRestoreOptions) -> Result<Output, String> {
    let name = o.name.clone().unwrap_or_else(|| DEFAULT_NAME.to_string());
    let data_dir = o.data_dir.clone().filter(|d| !d.is_empty()).unwrap_or_else(|| format!("{name}.etcd"));
    if s.cluster().has_data_dir(&data_dir) {
        return Err(format!("data-dir {data_dir:?} exists"));
    }
    let cluster_text = o.initial_cluster.clone().unwrap_or_else(|| format!("{DEFAULT_NAME}={DEFAULT_PEER_URL}"));
    let advertised = o.initial_advertise_peer_urls.clone().unwrap_or_else(|| DEFAULT_PEER_URL.to_string());
    let local: Vec<&str> =
        cluster_text.split(',').filter_map(|p| p.split_once('=')).filter(|(n, _)| *n == name).map(|(_, u)| u).collect();
    if local.is_empty() {
        return Err(format!("couldn't find local name {name:?} in the initial cluster configuration"));
    }
    let mut want: Vec<&str> = advertised.split(',').map(str::trim).collect();
    want.sort_unstable();
    let mut have = local.clone();
    have.sort_unstable();
    if want != have {
        let quote = |v: &[&str]| v.iter().map(|u| format!("{u:?}(resolved from {u:?})")).collect::<Vec<_>>().join(",");
        return Err(format!(
            "--initial-cluster has {name}={} but missing from --initial-advertise-peer-urls={advertised} ({} != {})",
            local.join(","),
            quote(&want),
            quote(&have)
        ));
    }
    let members = initial_cluster(&cluster_text)?;
    let Some(member) = members.iter().find(|(n, _, _)| *n == name).map(|m| m.2) else {
        return Err(format!("couldn't find local name {name:?} in the initial cluster configuration"));
    };
    let token = o.initial_cluster_token.clone().unwrap_or_else(|| DEFAULT_TOKEN.to_string());
    let initial: Vec<NodeId> = members.iter().map(|m| m.2).collect();
    s.act(vec![Action::RestoreMember {
        path: file.to_string(),
        member,
        initial: initial.clone(),
        token: token.clone(),
        data_dir: data_dir.clone(),
    }])
    .map_err(|e| e.to_string())?;
    let ids_of: Vec<u64> = initial.iter().map(|k| ids::member_id(&[ids::peer_url(*k)], &token, None)).collect();
    let me = ids::member_id(&[ids::peer_url(member)], &token, None);
    let names: Vec<String> = initial.iter().map(|k| format!("n{k}")).collect();
    let note = format!(
        "(made {data_dir}: member n{member} ({me:x}) of a new cluster {:x} with {}; start it with: start n{member} --data-dir={data_dir})\n",
        ids::cluster_id(&ids_of),
        names.join(", ")
    );
    Ok(Output { note, ..Output::default() })
}

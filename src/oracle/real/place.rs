//! Where the real members live, and the addresses that follow: each member in its own
//! network namespace (needs root; every network fault works), or all of them on loopback
//! ports (any user; no network faults, since one host's loopback cannot be cut per pair).
//!
//! Contract: the placement is the process's, like the one-run lock (`guard`): set it
//! before a session begins and leave it. In namespaces member K is `nK:2379` (client) and
//! `http://nK:2380` (peer), names every namespace's hosts file maps, as the lab names
//! them; on loopback it is `127.0.0.1:2K379` and `http://127.0.0.1:2K380` (n1 on 21379,
//! n9 on 29379). `node_of_endpoint` reads either form back.

use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::sync::atomic::{AtomicBool, Ordering};

use super::netns::member_addr;

static LOOPBACK: AtomicBool = AtomicBool::new(false);

pub fn set_loopback(on: bool) {
    LOOPBACK.store(on, Ordering::Relaxed);
}

pub fn loopback() -> bool {
    LOOPBACK.load(Ordering::Relaxed)
}

fn port(k: u64, last: u16) -> u16 {
    // 2K379 and 2K380: K is one digit (members n1…n9).
    20_000 + (k.min(9) as u16) * 1000 + last
}

/// What etcdctl's `--endpoints` names member K by.
pub fn client(k: u64) -> String {
    if loopback() {
        format!("127.0.0.1:{}", port(k, 379))
    } else {
        format!("n{k}:2379")
    }
}

pub fn peer_url(k: u64) -> String {
    if loopback() {
        format!("http://127.0.0.1:{}", port(k, 380))
    } else {
        format!("http://n{k}:2380")
    }
}

pub fn client_url(k: u64) -> String {
    format!("http://{}", client(k))
}

/// The URLs member K listens on: (peer, client).
pub fn listen(k: u64) -> (String, String) {
    if loopback() {
        (peer_url(k), client_url(k))
    } else {
        let a = member_addr(k);
        (format!("http://{a}:2380"), format!("http://{a}:2379"))
    }
}

/// Member K's client port as a socket address (inside the client namespace when not on
/// loopback).
pub fn socket(k: u64) -> SocketAddr {
    if loopback() {
        SocketAddr::new(Ipv4Addr::LOCALHOST.into(), port(k, 379))
    } else {
        SocketAddr::new(member_addr(k).parse().unwrap_or(Ipv4Addr::LOCALHOST.into()), 2379)
    }
}

/// The member an endpoint names (`n2:2379`, `http://n2:2379`, `127.0.0.1:22379`).
pub fn node_of_endpoint(ep: &str) -> Option<u64> {
    let ep = ep.trim_start_matches("http://");
    if let Some(k) = ep.strip_prefix('n').and_then(|x| x.strip_suffix(":2379")).and_then(|x| x.parse().ok()) {
        return Some(k);
    }
    let p: u16 = ep.strip_prefix("127.0.0.1:")?.parse().ok()?;
    let k = u64::from((p.checked_sub(20_379)?) / 1000);
    (p == port(k, 379) && (1..=9).contains(&k)).then_some(k)
}

/// Refuses before any member starts when a loopback port members 1…`nodes` need is taken.
pub fn ports_free(nodes: u64) -> Result<(), String> {
    if !loopback() {
        return Ok(());
    }
    for k in 1..=nodes {
        for p in [port(k, 379), port(k, 380)] {
            TcpListener::bind(("127.0.0.1", p))
                .map_err(|e| format!("127.0.0.1:{p} (n{k}'s port on loopback) is taken: {e}"))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_read_back_in_both_placements() {
        assert_eq!(node_of_endpoint("n2:2379"), Some(2));
        assert_eq!(node_of_endpoint("http://n9:2379"), Some(9));
        assert_eq!(node_of_endpoint("127.0.0.1:21379"), Some(1));
        assert_eq!(node_of_endpoint("127.0.0.1:29379"), Some(9));
        assert_eq!(node_of_endpoint("127.0.0.1:21380"), None);
        assert_eq!(node_of_endpoint("127.0.0.1:2379"), None);
        assert_eq!(node_of_endpoint("127.0.0.1:20379"), None);
        assert_eq!((port(1, 379), port(9, 380)), (21379, 29380));
    }
}

//! etcd's identities: member ids, the cluster id, and the URLs they are derived from.
//!
//! Contract: the same as etcd 3.4's `membership.NewMember` and `RaftCluster.genID`, so
//! a lab member has the id a real etcd member with the same peer URL and
//! `--initial-cluster-token` would have. A member of the initial cluster gets
//! `sha1(sorted peer URLs ‖ token)[..8]`; a member added later also hashes the Unix
//! time it was added (the lab's simulated wall clock), so re-adding a removed member gives
//! it a new id, as in etcd. The cluster id hashes the sorted member ids.

use super::NodeId;

/// etcd's default `--initial-cluster-token`.
pub const CLUSTER_TOKEN: &str = "etcd-cluster";

/// The lab names member K `nK`, with etcd's default ports.
pub fn peer_url(id: NodeId) -> String {
    format!("http://n{id}:2380")
}

pub fn client_url(id: NodeId) -> String {
    format!("http://n{id}:2379")
}

/// `membership.NewMember`: the first 8 bytes of SHA-1 over the sorted peer URLs, the
/// token and, for a member added at run time, the Unix time in seconds as decimal digits.
pub fn member_id(peer_urls: &[String], token: &str, added_at_unix_secs: Option<u64>) -> u64 {
    let mut urls: Vec<&str> = peer_urls.iter().map(String::as_str).collect();
    urls.sort_unstable();
    let mut h = sha1_smol::Sha1::new();
    h.update(urls.concat().as_bytes());
    h.update(token.as_bytes());
    if let Some(t) = added_at_unix_secs {
        h.update(t.to_string().as_bytes());
    }
    first_u64(&h.digest().bytes())
}

/// `RaftCluster.genID`: SHA-1 over the sorted member ids, each 8 bytes big-endian.
pub fn cluster_id(member_ids: &[u64]) -> u64 {
    let mut ids = member_ids.to_vec();
    ids.sort_unstable();
    let mut h = sha1_smol::Sha1::new();
    for id in ids {
        h.update(&id.to_be_bytes());
    }
    first_u64(&h.digest().bytes())
}

fn first_u64(digest: &[u8; 20]) -> u64 {
    let mut b = [0u8; 8];
    b.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ids a real etcd 3.4.23 printed on this machine for members started with
    /// `--initial-advertise-peer-urls http://nK:2380` and the default token, and for three
    /// members on loopback ports 21380, 22380 and 23380.
    #[test]
    fn ids_are_the_ones_real_etcd_gives() {
        let ids: Vec<u64> = (1..=3).map(|k| member_id(&[peer_url(k)], CLUSTER_TOKEN, None)).collect();
        assert_eq!(ids, vec![0x5440ff22fe632778, 0x5aa594b5d9b66c42, 0x09b116f88cab4dc9]);
        let loopback: Vec<u64> = [21380, 22380, 23380]
            .iter()
            .map(|p| member_id(&[format!("http://127.0.0.1:{p}")], CLUSTER_TOKEN, None))
            .collect();
        assert_eq!(loopback, vec![0x69b38ac7138de88d, 0x9e737febb6b99eee, 0x61f97220ab052a12]);
        assert_eq!(cluster_id(&loopback), 0xf2cb1557076fcb4d);
    }

    #[test]
    fn a_member_added_later_hashes_the_time_too() {
        let url = [peer_url(4)];
        let a = member_id(&url, CLUSTER_TOKEN, Some(1_700_000_000));
        let b = member_id(&url, CLUSTER_TOKEN, Some(1_700_000_001));
        assert_ne!(a, b);
        assert_ne!(a, member_id(&url, CLUSTER_TOKEN, None));
    }
}

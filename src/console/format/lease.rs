//! `lease grant | revoke | keep-alive | timetolive | list`. Lease ids print `%016x`.
//!
//! JSON shapes differ per command because etcdctl marshals clientv3 wrappers: grant and
//! keep-alive flatten the header and use Go names (`ID`, `TTL`), timetolive uses json tags
//! (`granted-ttl`, `keys` = `null` without `--keys`), revoke is the plain protobuf.

use super::json::{self, Obj};
use super::types::Header;
use super::{error_line, Output, OutputFormat, TABLE_NOT_SUPPORTED};
use crate::store::LeaseInfo;

fn id_hex(id: i64) -> String {
    format!("{:016x}", id as u64)
}

fn simple_or_json(format: OutputFormat, simple: String, json: impl FnOnce() -> String) -> Output {
    match format {
        OutputFormat::Simple => Output::out(simple),
        OutputFormat::Json => Output::out(json() + "\n"),
        OutputFormat::Table => Output::err(error_line(TABLE_NOT_SUPPORTED)),
    }
}

/// `lease grant TTL`: `lease 2040a201a10e1315 granted with TTL(100s)`. `ttl_secs` is what
/// the server granted (at least its minimum, 2 s with default timing).
pub fn lease_grant(format: OutputFormat, header: &Header, id: i64, ttl_secs: i64) -> Output {
    simple_or_json(format, format!("lease {} granted with TTL({ttl_secs}s)\n", id_hex(id)), || {
        json::header_fields(header)
            .raw("ID", id.to_string())
            .raw("TTL", ttl_secs.to_string())
            .raw("Error", "\"\"")
            .build()
    })
}

/// `lease revoke ID`. An unknown id is the error
/// `failed to revoke lease (etcdserver: requested lease not found)`.
pub fn lease_revoke(format: OutputFormat, header: &Header, id: i64) -> Output {
    simple_or_json(format, format!("lease {} revoked\n", id_hex(id)), || {
        Obj::new().raw("header", json::header(header)).build()
    })
}

/// One renewal of `lease keep-alive` (printed again on every renewal, about every TTL/3
/// seconds, until interrupted; `--once` prints one).
pub fn lease_keep_alive(format: OutputFormat, header: &Header, id: i64, ttl_secs: i64) -> Output {
    simple_or_json(format, format!("lease {} keepalived with TTL({ttl_secs})\n", id_hex(id)), || {
        json::header_fields(header).raw("ID", id.to_string()).raw("TTL", ttl_secs.to_string()).build()
    })
}

/// `lease keep-alive` (without `--once`) on a lease that is gone or goes away: this line,
/// then etcdctl exits 0. (With `--once` it is `Error: etcdserver: requested lease not
/// found` instead.)
pub fn lease_keep_alive_expired(id: i64) -> Output {
    Output::out(format!("lease {} expired or revoked.\n", id_hex(id)))
}

/// `lease timetolive ID [--keys]`. An unknown or expired lease (ttl -1) prints
/// `lease … already expired`; etcd reports it with granted TTL 0 and no keys.
pub fn lease_timetolive(format: OutputFormat, header: &Header, lease: &LeaseInfo, with_keys: bool) -> Output {
    let expired = lease.ttl == -1;
    let simple = if expired {
        format!("lease {} already expired\n", id_hex(lease.id))
    } else {
        let mut s =
            format!("lease {} granted with TTL({}s), remaining({}s)", id_hex(lease.id), lease.granted_ttl, lease.ttl);
        if with_keys {
            // Go's %v of a []string: space-separated inside brackets.
            let keys: Vec<String> = lease.keys.iter().map(|k| String::from_utf8_lossy(k).into_owned()).collect();
            s.push_str(&format!(", attached keys([{}])", keys.join(" ")));
        }
        s.push('\n');
        s
    };
    simple_or_json(format, simple, || {
        let keys = if with_keys && !expired && !lease.keys.is_empty() {
            json::array(lease.keys.iter().map(|k| json::bytes(k)).collect())
        } else {
            "null".to_string()
        };
        let granted = if expired { 0 } else { lease.granted_ttl };
        json::header_fields(header)
            .raw("id", lease.id.to_string())
            .raw("ttl", lease.ttl.to_string())
            .raw("granted-ttl", granted.to_string())
            .raw("keys", keys)
            .build()
    })
}

/// `lease list`: `found N leases`, then one id per line, in the order given.
pub fn lease_list(format: OutputFormat, header: &Header, ids: &[i64]) -> Output {
    let mut simple = format!("found {} leases\n", ids.len());
    for id in ids {
        simple.push_str(&id_hex(*id));
        simple.push('\n');
    }
    simple_or_json(format, simple, || {
        let leases = ids.iter().map(|id| format!("{{\"id\":{id}}}")).collect();
        json::header_fields(header).raw("leases", json::array(leases)).build()
    })
}

//! `endpoint hashkv`, `move-leader`, `member update` and `check perf`.

use super::json::{self, Obj};
use super::table;
use super::types::{Header, Member};
use super::{error_line, Output, OutputFormat, TABLE_NOT_SUPPORTED};

/// One endpoint's `HashKV` answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndpointHash {
    pub endpoint: String,
    pub header: Header,
    pub hash: u32,
    pub compact_revision: i64,
}

/// `endpoint hashkv`: `ENDPOINT, HASH` lines; the JSON is etcdctl's `[]epHashKV`.
pub fn endpoint_hashkv(format: OutputFormat, hashes: &[EndpointHash]) -> Output {
    match format {
        OutputFormat::Simple => {
            Output::out(hashes.iter().map(|h| format!("{}, {}\n", h.endpoint, h.hash)).collect::<String>())
        }
        OutputFormat::Json => {
            let items = hashes
                .iter()
                .map(|h| {
                    let resp = Obj::new()
                        .raw("header", json::header(&h.header))
                        .num("hash", h.hash)
                        // Never compacted is etcd's -1, and printed (not omitted).
                        .raw(
                            "compact_revision",
                            if h.compact_revision == 0 { "-1".to_string() } else { h.compact_revision.to_string() },
                        )
                        .build();
                    Obj::new().raw("Endpoint", json::string(&h.endpoint)).raw("HashKV", resp).build()
                })
                .collect();
            Output::out(json::array(items) + "\n")
        }
        OutputFormat::Table => {
            let rows: Vec<Vec<String>> = hashes.iter().map(|h| vec![h.endpoint.clone(), h.hash.to_string()]).collect();
            Output::out(table::render(&["ENDPOINT", "HASH"], &rows))
        }
    }
}

/// The stderr line for an endpoint whose hash could not be had.
pub fn endpoint_hashkv_failed(endpoint: &str, err: &str) -> Output {
    Output::err(format!("Failed to get the hash of endpoint {endpoint} ({err})\n"))
}

/// `move-leader`: ids as `types.ID` prints them (hex, no padding). The JSON is the empty
/// `MoveLeaderResponse` clientv3 hands back: `{}`, without even a header.
pub fn move_leader(format: OutputFormat, from: u64, to: u64) -> Output {
    match format {
        OutputFormat::Simple => Output::out(format!("Leadership transferred from {from:x} to {to:x}\n")),
        OutputFormat::Json => Output::out("{}\n"),
        OutputFormat::Table => Output::err(error_line(TABLE_NOT_SUPPORTED)),
    }
}

/// `member update ID --peer-urls=…`.
pub fn member_update(format: OutputFormat, header: &Header, id: u64, members: &[Member]) -> Output {
    match format {
        OutputFormat::Simple => Output::out(format!("Member {id:16x} updated in cluster {:16x}\n", header.cluster_id)),
        OutputFormat::Json => Output::out(
            Obj::new()
                .raw("header", json::header(header))
                .list("members", members.iter().map(json::member).collect())
                .build()
                + "\n",
        ),
        OutputFormat::Table => Output::err(error_line(TABLE_NOT_SUPPORTED)),
    }
}

/// What `check perf` measured, in etcdctl's terms.
#[derive(Clone, Debug, PartialEq)]
pub struct PerfFigures {
    pub writes_per_sec: f64,
    pub rate_limit: u32,
    pub slowest_secs: f64,
    pub stddev_secs: f64,
    pub errors: Vec<(String, u64)>,
}

/// `check perf`'s verdict lines (always plain text, whatever `-w` says). etcdctl exits 1
/// after `FAIL`.
pub fn check_perf(f: &PerfFigures) -> Output {
    let mut out = String::new();
    let mut ok = true;
    if !f.errors.is_empty() {
        out.push_str("FAIL: too many errors\n");
        for (e, n) in &f.errors {
            out.push_str(&format!("FAIL: ERROR({e}) -> {n}\n"));
        }
        ok = false;
    }
    let rps = f.writes_per_sec as i64 + 1;
    if f.writes_per_sec / f64::from(f.rate_limit.max(1)) <= 0.9 {
        out.push_str(&format!("FAIL: Throughput too low: {rps} writes/s\n"));
        ok = false;
    } else {
        out.push_str(&format!("PASS: Throughput is {rps} writes/s\n"));
    }
    if f.slowest_secs > 0.5 {
        out.push_str(&format!("Slowest request took too long: {:.6}s\n", f.slowest_secs));
        ok = false;
    } else {
        out.push_str(&format!("PASS: Slowest request took {:.6}s\n", f.slowest_secs));
    }
    if f.stddev_secs > 0.1 {
        out.push_str(&format!("Stddev too high: {:.6}s\n", f.stddev_secs));
        ok = false;
    } else {
        out.push_str(&format!("PASS: Stddev is {:.6}s\n", f.stddev_secs));
    }
    out.push_str(if ok { "PASS\n" } else { "FAIL\n" });
    Output::out(out)
}

//! `endpoint status | health`, `alarm list | disarm`, `defrag`, `snapshot save | restore`.

use super::json::{self, Obj};
use super::table;
use super::types::{EndpointHealth, EndpointStatus};
use super::units::humanize_bytes;
use super::{error_line, Output, OutputFormat, TABLE_NOT_SUPPORTED};
use crate::store::{AlarmMember, AlarmType};

fn table_not_supported() -> Output {
    Output::err(error_line(TABLE_NOT_SUPPORTED))
}

/// `endpoint status [--cluster]`, one entry per endpoint that answered, in the order given.
/// Endpoints that did not answer are printed separately ([`endpoint_status_failed`]).
pub fn endpoint_status(format: OutputFormat, statuses: &[EndpointStatus]) -> Output {
    let row = |s: &EndpointStatus| {
        vec![
            s.endpoint.clone(),
            format!("{:x}", s.header.member_id),
            s.version.clone(),
            humanize_bytes(s.db_size),
            (s.leader != 0 && s.leader == s.header.member_id).to_string(),
            s.is_learner.to_string(),
            s.raft_term.to_string(),
            s.raft_index.to_string(),
            s.raft_applied_index.to_string(),
            s.errors.join(", "),
        ]
    };
    match format {
        OutputFormat::Simple => Output::out(statuses.iter().map(|s| row(s).join(", ") + "\n").collect::<String>()),
        OutputFormat::Json => {
            let items = statuses
                .iter()
                .map(|s| {
                    let errors = s.errors.iter().map(|e| json::string(e)).collect();
                    let status = Obj::new()
                        .raw("header", json::header(&s.header))
                        .str("version", &s.version)
                        .num("dbSize", s.db_size)
                        .num("leader", s.leader)
                        .num("raftIndex", s.raft_index)
                        .num("raftTerm", s.raft_term)
                        .num("raftAppliedIndex", s.raft_applied_index)
                        .list("errors", errors)
                        .num("dbSizeInUse", s.db_size_in_use)
                        .flag("isLearner", s.is_learner)
                        .build();
                    Obj::new().raw("Endpoint", json::string(&s.endpoint)).raw("Status", status).build()
                })
                .collect();
            Output::out(json::array(items) + "\n")
        }
        OutputFormat::Table => {
            let head = [
                "ENDPOINT",
                "ID",
                "VERSION",
                "DB SIZE",
                "IS LEADER",
                "IS LEARNER",
                "RAFT TERM",
                "RAFT INDEX",
                "RAFT APPLIED INDEX",
                "ERRORS",
            ];
            let rows: Vec<Vec<String>> = statuses.iter().map(row).collect();
            Output::out(table::render(&head, &rows))
        }
    }
}

/// The stderr line for an endpoint whose status request failed (e.g. after the 5 s
/// command timeout: `context deadline exceeded`). etcdctl exits 1 after printing the rest.
pub fn endpoint_status_failed(endpoint: &str, err: &str) -> Output {
    Output::err(format!("Failed to get the status of endpoint {endpoint} ({err})\n"))
}

/// `endpoint health [--cluster]`, in the order given (etcdctl prints in completion order).
/// The simple form goes to **stderr**, healthy or not. If any endpoint is unhealthy,
/// `Error: unhealthy cluster` follows on stderr (and etcdctl exits 1).
pub fn endpoint_health(format: OutputFormat, checks: &[EndpointHealth]) -> Output {
    let unhealthy = checks.iter().any(|c| !c.health);
    let mut out = match format {
        OutputFormat::Simple => Output::err(
            checks
                .iter()
                .map(|c| {
                    if c.health {
                        format!("{} is healthy: successfully committed proposal: took = {}\n", c.endpoint, c.took)
                    } else {
                        format!(
                            "{} is unhealthy: failed to commit proposal: {}\n",
                            c.endpoint,
                            c.error.as_deref().unwrap_or("")
                        )
                    }
                })
                .collect::<String>(),
        ),
        OutputFormat::Json => {
            let items = checks
                .iter()
                .map(|c| {
                    Obj::new()
                        .raw("endpoint", json::string(&c.endpoint))
                        .raw("health", c.health.to_string())
                        .raw("took", json::string(&c.took))
                        .str("error", c.error.as_deref().unwrap_or(""))
                        .build()
                })
                .collect();
            Output::out(json::array(items) + "\n")
        }
        OutputFormat::Table => {
            let rows: Vec<Vec<String>> = checks
                .iter()
                .map(|c| {
                    vec![c.endpoint.clone(), c.health.to_string(), c.took.clone(), c.error.clone().unwrap_or_default()]
                })
                .collect();
            Output::out(table::render(&["ENDPOINT", "HEALTH", "TOOK", "ERROR"], &rows))
        }
    };
    if unhealthy {
        out.stderr.push_str(&error_line("unhealthy cluster"));
    }
    out
}

fn alarm_name(a: AlarmType) -> &'static str {
    match a {
        AlarmType::NoSpace => "NOSPACE",
        AlarmType::Corrupt => "CORRUPT",
    }
}

fn alarm_code(a: AlarmType) -> u8 {
    match a {
        AlarmType::NoSpace => 1,
        AlarmType::Corrupt => 2,
    }
}

/// An alarm as etcd's protobuf text form prints it, trailing space included:
/// `memberID:3319814642761637952 alarm:NOSPACE `. Also the text of an alarm in
/// [`EndpointStatus::errors`].
pub fn alarm_text(a: &AlarmMember) -> String {
    format!("memberID:{} alarm:{} ", a.member_id, alarm_name(a.alarm))
}

/// `alarm list`: one line per alarm; nothing when there is none (JSON `{}`).
pub fn alarm_list(format: OutputFormat, alarms: &[AlarmMember]) -> Output {
    match format {
        OutputFormat::Simple => Output::out(alarms.iter().map(|a| alarm_text(a) + "\n").collect::<String>()),
        OutputFormat::Json => {
            let items = alarms
                .iter()
                .map(|a| format!("{{\"memberID\":{},\"alarm\":{}}}", a.member_id, alarm_code(a.alarm)))
                .collect();
            Output::out(Obj::new().list("alarms", items).build() + "\n")
        }
        OutputFormat::Table => table_not_supported(),
    }
}

/// `alarm disarm`: the alarms it disarmed, printed as `alarm list` prints them.
pub fn alarm_disarm(format: OutputFormat, disarmed: &[AlarmMember]) -> Output {
    alarm_list(format, disarmed)
}

/// `defrag [--cluster]` for one endpoint that succeeded; the same for every `-w`.
pub fn defrag(endpoint: &str) -> Output {
    Output::out(format!("Finished defragmenting etcd member[{endpoint}]\n"))
}

/// `defrag` for one endpoint that failed (stderr; etcdctl exits 1 after all endpoints,
/// with no `Error:` line).
pub fn defrag_failed(endpoint: &str, err: &str) -> Output {
    Output::err(format!("Failed to defragment etcd member[{endpoint}] ({err})\n"))
}

/// `snapshot save PATH` (etcdctl also logs info lines on stderr, which we leave out).
pub fn snapshot_save(path: &str) -> Output {
    Output::out(format!("Snapshot saved at {path}\n"))
}

/// `snapshot restore`: etcdctl 3.4 prints nothing on stdout (only info logs on stderr).
pub fn snapshot_restore() -> Output {
    Output::default()
}

/// `snapshot status FILE`: hash, revision, total keys and size, as etcdctl 3.4 prints them.
pub fn snapshot_status(format: OutputFormat, hash: u32, revision: i64, total_keys: i64, total_size: i64) -> Output {
    match format {
        OutputFormat::Simple => {
            Output::out(format!("{hash:x}, {revision}, {total_keys}, {}\n", humanize_bytes(total_size)))
        }
        OutputFormat::Table => Output::out(table::render(
            &["HASH", "REVISION", "TOTAL KEYS", "TOTAL SIZE"],
            &[vec![format!("{hash:x}"), revision.to_string(), total_keys.to_string(), humanize_bytes(total_size)]],
        )),
        OutputFormat::Json => Output::out(format!(
            "{{\"hash\":{hash},\"revision\":{revision},\"totalKey\":{total_keys},\"totalSize\":{total_size}}}\n"
        )),
    }
}

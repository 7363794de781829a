//! Masking: the parts of a step's output that legitimately differ between two runs of
//! real etcd, replaced by placeholders before the comparison. ALL masking rules live here.
//!
//! Contract: `Masker::new(&transcript)` learns the values minted at run time in that
//! transcript (lease ids, ids of members added at run time); `Masker::step` returns the
//! text a step is compared by. Both sides go through the same rules. A rule may hide only
//! what two real etcd runs of the same scenario would not agree on; everything else
//! (bootstrap member ids, the cluster id, revisions, terms, raft indexes, sizes, error
//! texts) is compared as printed.
//!
//! The rules, each with why the difference is legitimate:
//! 1. etcdctl's JSON log lines on stderr (`{"level":"warn",…"retrying of unary invoker
//!    failed"…}`, snapshot progress) are dropped: they are clientv3/zap diagnostics
//!    stamped with the wall clock, and the lab prints only the `Error:` line on purpose
//!    (tests/testdata/etcd-3.4.23.md).
//! 2. `nK:2379` → `nK`: etcdctl prints an endpoint as it was given, and the real side must
//!    give a port where the lab's console names the member. Client URLs
//!    (`http://n1:2379`) are not touched.
//! 3. Tables with an ENDPOINT or a HASH column (`endpoint status|health -w table`,
//!    `snapshot status -w table`) are compared cell by cell: their widths follow the
//!    widest cell, which the rules here change.
//! 4. `took = 2.97ms` / `"took":"2.97ms"` / the TOOK cell → `<took>`: a wall-clock latency.
//! 5. Lease ids → `<lease1>`, `<lease2>`… in the order granted (hex and decimal): etcd
//!    mints them from the member id and the clock. Numbering keeps "which lease" visible.
//! 6. Ids of members added at run time → `<member n4>` (hex and decimal): etcd mints them
//!    from the peer URLs and the clock. Bootstrap members' ids are a hash of their peer
//!    URL and the cluster token, the same in every run, and are compared. etcdctl prints
//!    `Member %16x added|promoted|removed …`, so a minted id with a leading zero digit gets
//!    one more space before it: `Member  <id>` is masked as `Member <member n4>` too. Two
//!    real runs of `watch-leader-change` printed `Member ad9134e6cde443f5 added …` (16
//!    digits, the fixture) and `Member  <15 digits> added …` for the same `member add n2`.
//! 7. Backend sizes (DB SIZE, `dbSize`, `dbSizeInUse`, snapshot TOTAL SIZE) → `<size>`,
//!    except in the step right after a `defrag`: bbolt's file grows to its high-water
//!    mark, and how many freed pages it reuses depends on when the backend's batches
//!    committed (every 100 ms) and on concurrent readers. Two runs of the same scenario
//!    were seen at 20 kB and 25 kB, and at 954 kB and 1.3 MB. A defrag rewrites the file
//!    to exactly its data, which every run agrees on.
//! 8. `snapshot status`'s HASH → `<hash>`: a CRC of the bbolt file, whose pages differ
//!    as in rule 7.
//! 9. `rpc error: code = Unknown desc = context deadline exceeded` → `context deadline
//!    exceeded`: without a quorum, etcd's own request timeout and etcdctl's 5 s deadline
//!    race, and which fires first decides the wrapping; it varies from run to run. For the
//!    same race, `etcdserver: request timed out` (with or without its `, possibly due to …`
//!    tail) → `context deadline exceeded`: the server gives up on the client's own
//!    deadline, and its answer sometimes reaches etcdctl first (seen on a put to a member
//!    without quorum, where another real run printed `context deadline exceeded`).
//! 10. `endpoint health` answers are compared as a set (lines, table rows or JSON
//!     objects sorted): etcdctl checks the endpoints concurrently and prints them in the
//!     order they answered.
//! 11. Where a member was added at run time, `member list` rows, `member add`'s
//!     ETCD_INITIAL_CLUSTER entries and `endpoint status --cluster` rows (which follow the
//!     member list) are compared sorted: etcd lists members in id order, and a minted id
//!     (rule 6) lands anywhere in it. Two real runs of `members-5` printed `endpoint
//!     status --cluster -w table` rows as n3, n1, n5, n6, n4 and as n3, n6, n1, n5, n4.
//! 12. etcdctl's exit status (`# exit 1`) is kept in the fixture but not compared: the
//!     console prints text and has no exit status; a wrong error still shows in the text.
//! 13. `lock` and `elect` keys (`mylock/<lease id in hex>`) carry their session's lease id,
//!     minted as in rule 5: those ids are learned from every `NAME/<hex>` line of a lock or
//!     election named in the scenario and masked like granted leases, and so is the
//!     base64 of the whole key in JSON (`<key NAME/<leaseN>>`).
//! 14. `check perf`: its progress bar (frames ended by `\r`, redrawn five times a second
//!     with a wall-clock ETA) is dropped, and the slowest request and the standard
//!     deviation (`took 0.036272s`, `Stddev is 0.001033s`) → `<secs>`: latencies of the
//!     machine. The verdicts and the throughput are compared.
//!
//! Not masked but fitted: which member wins an election, and how many elections a
//! timing gap allows (the leader, `IS LEADER`, raft terms), differ between two real runs
//! too. The lab is deterministic per seed, so `oracle fit` picks the seed that agrees
//! with the recording (see `fit.rs`): that is how election luck is masked.

use super::scenario::is_lab_word_line;
use super::transcript::{StepRecord, Transcript};
use super::vars::{lease_granted, member_added};

/// What one transcript minted at run time, to be replaced by placeholders.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Masker {
    /// Lease ids in the order they were granted (or first printed in a lock's key).
    leases: Vec<u64>,
    /// Lock and election keys seen (rule 13): the key and its lease id.
    recipe_keys: Vec<(String, u64)>,
    /// Members added at run time: (name, id).
    members: Vec<(String, u64)>,
    /// Steps that come right after a `defrag` (rule 7), by index.
    after_defrag: Vec<usize>,
}

/// Which backend sizes a step keeps (rule 7).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Sizes {
    Masked,
    Exact,
}

impl Masker {
    pub fn new(t: &Transcript) -> Masker {
        let mut m = Masker::default();
        for (i, s) in t.steps.iter().enumerate() {
            let words: Vec<&str> = s.line.split_whitespace().collect();
            if words.starts_with(&["lease", "grant"]) {
                if let Some(id) = lease_granted(&s.stdout) {
                    if !m.leases.contains(&id) {
                        m.leases.push(id);
                    }
                }
            }
            if words.starts_with(&["member", "add"]) {
                if let (Some(name), Some(id)) = (words.get(2), member_added(&s.stdout)) {
                    m.members.push((name.to_string(), id));
                }
            }
            if words.first() == Some(&"defrag") {
                m.after_defrag.push(i + 1);
            }
        }
        m.learn_recipe_keys(t);
        m
    }

    /// Rule 13: every `NAME/<hex>` line, where NAME is a lock or election of the scenario.
    fn learn_recipe_keys(&mut self, t: &Transcript) {
        let names: Vec<String> = t
            .steps
            .iter()
            .filter_map(|s| {
                let mut words = s.line.split_whitespace().skip_while(|w| w.contains('=') && !w.starts_with('-'));
                let first = words.next().filter(|w| *w != "etcdctl").or_else(|| words.next())?;
                if first != "lock" && first != "elect" {
                    return None;
                }
                words.find(|w| !w.starts_with('-')).map(str::to_string)
            })
            .collect();
        for s in &t.steps {
            for line in s.stdout.lines() {
                let Some((name, hex)) = line.rsplit_once('/') else { continue };
                if !names.iter().any(|n| n == name) || hex.is_empty() || hex.len() > 16 {
                    continue;
                }
                let Ok(id) = u64::from_str_radix(hex, 16) else { continue };
                if !hex.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
                    continue;
                }
                if !self.leases.contains(&id) {
                    self.leases.push(id);
                }
                if !self.recipe_keys.iter().any(|(k, _)| k == line) {
                    self.recipe_keys.push((line.to_string(), id));
                }
            }
        }
    }

    /// The text step `index` (from 0) of the transcript is compared by.
    pub fn step(&self, index: usize, s: &StepRecord) -> String {
        let mut out = String::new();
        if is_lab_word_line(&s.line) {
            // A lab word's effect shows in the etcdctl steps after it; what it prints is
            // each side's own wording. Compared: what it resolved to, and whether it failed.
            for (k, v) in &s.resolved {
                out.push_str(&format!("# resolved: {k}={v}\n"));
            }
            if s.failed.is_some() {
                out.push_str("# failed\n");
            }
            return out;
        }
        if let Some(t) = s.timed_out {
            out.push_str(&format!("# timed out after {t}s\n"));
        }
        // The oracle's own words on both sides (a variable with no value yet).
        if let Some(f) = &s.failed {
            out.push_str(&format!("# failed: {f}\n"));
        }
        let sizes = if self.after_defrag.contains(&index) { Sizes::Exact } else { Sizes::Masked };
        let stdout = tables(&self.text(&s.stdout, sizes), sizes, |cell| self.text(cell, sizes));
        out.push_str(&stdout);
        for l in s.stderr.lines().filter(|l| !l.starts_with("{\"level\":")) {
            out.push_str("! ");
            out.push_str(&self.text(l, sizes));
            out.push('\n');
        }
        self.by_command(&s.line, out, sizes)
    }

    /// What an etcdctl `line` printed (stdout and stderr already joined, as the console
    /// shows them), through the same rules as `step`. `after_defrag` keeps backend sizes
    /// (rule 7). For the lesson oracle, whose checks see one text per line.
    pub fn text_of(&self, line: &str, printed: &str, after_defrag: bool) -> String {
        let sizes = if after_defrag { Sizes::Exact } else { Sizes::Masked };
        let kept: String =
            printed.lines().filter(|l| !l.starts_with("{\"level\":")).map(|l| format!("{l}\n")).collect();
        let kept = if printed.ends_with('\n') { kept } else { kept.trim_end_matches('\n').to_string() };
        self.by_command(line, tables(&self.text(&kept, sizes), sizes, |cell| self.text(cell, sizes)), sizes)
    }

    /// Rules 7 (simple form), 8, 10 and 11, which depend on the command.
    fn by_command(&self, line: &str, out: String, sizes: Sizes) -> String {
        let words = command_words(line);
        let out = match words[..] {
            ["endpoint", "status"] if sizes == Sizes::Masked => endpoint_status_sizes(&out),
            _ => out,
        };
        match words[..] {
            ["snapshot", "status"] => snapshot_status(&out),
            ["endpoint", "health"] => as_set(&out),
            ["member", "list"] if !self.members.is_empty() => as_set(&out),
            ["endpoint", "status"] if !self.members.is_empty() && line.contains("--cluster") => as_set(&out),
            ["member", "add"] if !self.members.is_empty() => sorted_initial_cluster(&out),
            _ => out,
        }
    }

    /// Rules 2, 4, 5, 6, 7 (JSON), 9, 13 and 14 on a piece of text.
    fn text(&self, t: &str, sizes: Sizes) -> String {
        let mut t = check_perf(&endpoints(t));
        for (key, id) in &self.recipe_keys {
            use base64::Engine;
            let b64 = base64::engine::general_purpose::STANDARD.encode(key);
            let n = self.leases.iter().position(|l| l == id).map_or(0, |i| i + 1);
            let name = key.rsplit_once('/').map_or("", |(n, _)| n);
            t = t.replace(&format!("\"{b64}\""), &format!("\"<key {name}/<lease{n}>>\""));
        }
        t = took(&t);
        t = t.replace("rpc error: code = Unknown desc = context deadline exceeded", "context deadline exceeded");
        t = request_timed_out(&t);
        if sizes == Sizes::Masked {
            for key in ["\"dbSize\":", "\"dbSizeInUse\":", "\"totalSize\":"] {
                t = json_number_masked(&t, key, "<size>");
            }
        }
        for (i, id) in self.leases.iter().enumerate() {
            let name = format!("<lease{}>", i + 1);
            t = replace_word(&t, &format!("{id:016x}"), &name);
            t = replace_word(&t, &format!("{id:x}"), &name);
            t = replace_word(&t, &id.to_string(), &name);
        }
        for (name, id) in &self.members {
            let p = format!("<member {name}>");
            t = t.replace(&format!("Member {id:16x} "), &format!("Member {p} "));
            t = replace_word(&t, &format!("{id:x}"), &p);
            t = replace_word(&t, &id.to_string(), &p);
            while t.contains(&format!("Member  {p}")) {
                t = t.replace(&format!("Member  {p}"), &format!("Member {p}"));
            }
        }
        t
    }
}

/// A line's first two command words, past `NAME=value` words, `etcdctl` and global flags
/// (`etcdctl --endpoints=http://n1:2379 endpoint status` is `endpoint status`).
fn command_words(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut words = line.split_whitespace();
    while let Some(w) = words.next() {
        if w == "etcdctl" || crate::console::parse::is_assignment(w) {
            continue;
        }
        if w.starts_with('-') {
            if matches!(w, "-w" | "--write-out" | "--endpoints") {
                words.next();
            }
            continue;
        }
        out.push(w);
        if out.len() == 2 {
            break;
        }
    }
    out
}

/// Rule 14: `check perf`'s progress frames (each begins with `\r`) are dropped, and its
/// two latencies masked.
fn check_perf(t: &str) -> String {
    if !t.contains("writes/s") && !t.contains(" / 60 ") {
        return t.to_string();
    }
    let mut out = String::new();
    for line in t.split_inclusive('\n') {
        // A progress line is `\r`-separated frames; keep what follows the last one's newline.
        let line = if line.contains('\r') && line.contains(" / 60 ") { "" } else { line };
        let mut l = line.to_string();
        for lead in ["Slowest request took too long: ", "Slowest request took ", "Stddev too high: ", "Stddev is "] {
            if let Some(i) = l.find(lead) {
                let rest = &l[i + lead.len()..];
                if let Some(end) = rest.find('s') {
                    l = format!("{}<secs>{}", &l[..i + lead.len()], &rest[end + 1..]);
                }
                break;
            }
        }
        out.push_str(&l);
    }
    out
}

/// Rule 9's second half: `etcdserver: request timed out[, possibly due to …]` to the end
/// of its line → `context deadline exceeded`.
fn request_timed_out(t: &str) -> String {
    const TEXT: &str = "etcdserver: request timed out";
    let mut out = String::new();
    let mut rest = t;
    while let Some(i) = rest.find(TEXT) {
        out.push_str(&rest[..i]);
        out.push_str("context deadline exceeded");
        let after = &rest[i + TEXT.len()..];
        let tail = if after.starts_with(", possibly due to ") { after.find('\n').unwrap_or(after.len()) } else { 0 };
        rest = &after[tail..];
    }
    out.push_str(rest);
    out
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
}

/// Replaces `needle` where it stands as a whole word (no letter or digit either side).
fn replace_word(text: &str, needle: &str, with: &str) -> String {
    if needle.is_empty() {
        return text.to_string();
    }
    let mut out = String::new();
    let mut rest = text;
    let mut prev: Option<char> = None;
    while let Some(i) = rest.find(needle) {
        let before = rest[..i].chars().last().or(if i == 0 { prev } else { None });
        let after = rest[i + needle.len()..].chars().next();
        out.push_str(&rest[..i]);
        if before.is_some_and(is_word_char) || after.is_some_and(is_word_char) {
            out.push_str(needle);
        } else {
            out.push_str(with);
        }
        prev = needle.chars().last();
        rest = &rest[i + needle.len()..];
    }
    out.push_str(rest);
    out
}

/// Rule 2: `n3:2379` → `n3`, unless it is part of a URL (`//n3:2379`).
fn endpoints(t: &str) -> String {
    let mut out = String::with_capacity(t.len());
    let b = t.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let at_word_start = i == 0 || !(b[i - 1] as char).is_ascii_alphanumeric() && b[i - 1] != b'/';
        if at_word_start && b[i] == b'n' {
            let digits = b[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
            let end = i + 1 + digits;
            let port_end = end + ":2379".len();
            let tail_ok = b.get(port_end).is_none_or(|c| !(*c as char).is_ascii_alphanumeric());
            if digits > 0 && t.get(end..port_end) == Some(":2379") && tail_ok {
                out.push_str(&t[i..end]);
                i = port_end;
                continue;
            }
        }
        let ch = t[i..].chars().next().unwrap_or(' ');
        out.push(ch);
        i += ch.len_utf8();
    }
    out
}

/// Rule 4: the latency after `took = ` or in `"took":"…"`.
fn took(t: &str) -> String {
    let mut out = t.to_string();
    for (key, stop) in [("took = ", &[' ', '\n', ','][..]), ("\"took\":\"", &['"'][..])] {
        let mut result = String::new();
        let mut rest = out.as_str();
        while let Some(i) = rest.find(key) {
            let start = i + key.len();
            let len = rest[start..].find(stop).unwrap_or(rest.len() - start);
            result.push_str(&rest[..start]);
            result.push_str("<took>");
            rest = &rest[start + len..];
        }
        result.push_str(rest);
        out = result;
    }
    out
}

/// Rule 3: a table with an ENDPOINT or HASH column, rewritten cell by cell (`| a | b |`,
/// borders as `+-+-+`), each cell through `mask`; the TOOK, HASH and size columns masked
/// by rules 4, 7 and 8.
fn tables(text: &str, sizes: Sizes, mask: impl Fn(&str) -> String) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < lines.len() {
        let is_table_line = |l: &str| l.starts_with('+') || l.starts_with('|');
        if lines[i].starts_with("+-") {
            let end = (i..lines.len()).find(|&j| !is_table_line(lines[j])).unwrap_or(lines.len());
            let table = &lines[i..end];
            let header: Vec<String> = table.get(1).map(|h| cells(h)).unwrap_or_default();
            if header.iter().any(|c| c == "ENDPOINT" || c == "HASH") {
                let placeholder = |col: usize| match header.get(col).map(String::as_str) {
                    Some("TOOK") => Some("<took>"),
                    Some("HASH") => Some("<hash>"),
                    Some("DB SIZE" | "TOTAL SIZE") if sizes == Sizes::Masked => Some("<size>"),
                    _ => None,
                };
                for (k, l) in table.iter().enumerate() {
                    if l.starts_with('+') {
                        out.push_str(&format!("+{}\n", "-+".repeat(header.len())));
                        continue;
                    }
                    let row: Vec<String> = cells(l)
                        .iter()
                        .enumerate()
                        .map(|(c, v)| match placeholder(c) {
                            // A wrapped cell's continuation line is empty.
                            Some(p) if k > 1 && !v.is_empty() => p.to_string(),
                            _ => mask(v),
                        })
                        .collect();
                    out.push_str(&format!("| {} |\n", row.join(" | ")));
                }
                i = end;
                continue;
            }
        }
        out.push_str(lines[i]);
        out.push('\n');
        i += 1;
    }
    if !text.ends_with('\n') && out.ends_with('\n') {
        out.pop();
    }
    out
}

/// `"key":123` → `"key":<with>` wherever `key` occurs.
fn json_number_masked(t: &str, key: &str, with: &str) -> String {
    let mut out = String::new();
    let mut rest = t;
    while let Some(i) = rest.find(key) {
        let start = i + key.len();
        let len = rest[start..].chars().take_while(|c| c.is_ascii_digit()).count();
        out.push_str(&rest[..start]);
        out.push_str(if len > 0 { with } else { "" });
        rest = &rest[start + len..];
    }
    out.push_str(rest);
    out
}

/// Rules 10 and 11: the rows of an answer in sorted order. Table borders and the header
/// stay where they are; a one-line JSON array has its objects sorted; stdout and stderr
/// (`! ` lines) are sorted apart.
fn as_set(text: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut rows: Vec<String> = Vec::new();
    let mut errs: Vec<String> = Vec::new();
    let mut borders = 0;
    for l in text.lines() {
        if l.starts_with("! ") {
            errs.push(l.to_string());
        } else if l.starts_with('+') {
            borders += 1;
            out.append(
                &mut std::mem::take(&mut rows)
                    .into_iter()
                    .collect::<std::collections::BTreeSet<_>>()
                    .into_iter()
                    .collect(),
            );
            out.push(l.to_string());
        } else if borders == 1 {
            out.push(l.to_string());
        } else if l.starts_with("[{") && l.ends_with("}]") {
            let mut objects: Vec<&str> = l[2..l.len() - 2].split("},{").collect();
            objects.sort_unstable();
            out.push(format!("[{{{}}}]", objects.join("},{")));
        } else {
            rows.push(l.to_string());
        }
    }
    rows.sort();
    out.append(&mut rows);
    errs.sort();
    out.append(&mut errs);
    out.iter().map(|l| format!("{l}\n")).collect()
}

/// Rule 11 for `member add`: `ETCD_INITIAL_CLUSTER="a=…,b=…"` with its entries sorted.
fn sorted_initial_cluster(text: &str) -> String {
    text.lines()
        .map(|l| match l.strip_prefix("ETCD_INITIAL_CLUSTER=\"").and_then(|r| r.strip_suffix('"')) {
            Some(list) => {
                let mut entries: Vec<&str> = list.split(',').collect();
                entries.sort_unstable();
                format!("ETCD_INITIAL_CLUSTER=\"{}\"\n", entries.join(","))
            }
            None => format!("{l}\n"),
        })
        .collect()
}

fn cells(row: &str) -> Vec<String> {
    let inner = row.trim().trim_start_matches('|').trim_end_matches('|');
    inner.split('|').map(|c| c.trim().to_string()).collect()
}

/// Rule 7 for `endpoint status` in its simple form (tables and JSON are masked elsewhere):
/// `endpoint, id, version, DB SIZE, is leader, …`. Two real runs of `status-5` printed
/// `20 kB` and `25 kB` (and `29 kB`) for the same member at the same index.
fn endpoint_status_sizes(t: &str) -> String {
    let mut out = String::new();
    for l in t.lines() {
        let mut fields: Vec<&str> = l.split(", ").collect();
        if fields.len() >= 9 && fields[2].starts_with(|c: char| c.is_ascii_digit()) {
            fields[3] = "<size>";
            out.push_str(&fields.join(", "));
        } else {
            out.push_str(l);
        }
        out.push('\n');
    }
    out
}

/// Rules 7 and 8 for `snapshot status` in its simple and JSON forms (tables are masked
/// by `tables`): `hash, revision, keys, size`.
fn snapshot_status(t: &str) -> String {
    let mut out = String::new();
    for l in t.lines() {
        let fields: Vec<&str> = l.split(", ").collect();
        let masked = if l.contains("\"hash\":") {
            json_number_masked(&json_number_masked(l, "\"hash\":", "<hash>"), "\"totalSize\":", "<size>")
        } else if fields.len() == 4 && fields[0].len() == 8 && fields[0].chars().all(|c| c.is_ascii_hexdigit()) {
            format!("<hash>, {}, {}, <size>", fields[1], fields[2])
        } else {
            l.to_string()
        };
        out.push_str(&masked);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(line: &str, stdout: &str, stderr: &str) -> StepRecord {
        StepRecord::new(line, &[]).with_output(stdout, stderr)
    }

    #[test]
    fn command_words_skip_the_environment_etcdctl_and_global_flags() {
        assert_eq!(command_words("endpoint status -w json"), ["endpoint", "status"]);
        assert_eq!(
            command_words("ETCDCTL_API=3 etcdctl --endpoints=http://n1:2379 -w table endpoint status"),
            ["endpoint", "status"]
        );
        assert_eq!(command_words("etcdctl --endpoints n2 member list"), ["member", "list"]);
    }

    #[test]
    fn client_log_lines_are_dropped_and_endpoints_lose_their_port() {
        // Verbatim from tests/oracle/etcd/quorum-loss.txt: etcdctl 3.4.23 against a member
        // with no quorum.
        let s = step(
            "put x 2",
            "",
            "{\"level\":\"warn\",\"ts\":\"2026-12-03T18:41:46.536Z\",\"caller\":\"clientv3/retry_interceptor.go:62\",\"msg\":\"retrying of unary invoker failed\",\"target\":\"endpoint://client-d3753b0d-1331-4b1a-b008-4477c5061174/n1:2379\",\"attempt\":0,\"error\":\"rpc error: code = DeadlineExceeded desc = context deadline exceeded\"}\nError: context deadline exceeded\n",
        );
        assert_eq!(Masker::default().step(0, &s), "! Error: context deadline exceeded\n");
        let health =
            step("endpoint health", "", "n1:2379 is healthy: successfully committed proposal: took = 2.975359ms\n");
        assert_eq!(
            Masker::default().step(0, &health),
            "! n1 is healthy: successfully committed proposal: took = <took>\n"
        );
        let urls = step("member list", "8e9e05c52164694d, started, n1, http://n1:2380, http://n1:2379, false\n", "");
        assert_eq!(Masker::default().step(0, &urls), urls.stdout);
        let json =
            step("endpoint health -w json", "[{\"endpoint\":\"n1:2379\",\"health\":true,\"took\":\"1.5ms\"}]\n", "");
        assert_eq!(Masker::default().step(0, &json), "[{\"endpoint\":\"n1\",\"health\":true,\"took\":\"<took>\"}]\n");
    }

    #[test]
    fn a_server_side_timeout_reads_as_the_client_deadline() {
        let m = Masker::default();
        for real in [
            "Error: etcdserver: request timed out\n",
            "Error: etcdserver: request timed out, possibly due to connection lost\n",
            "Error: context deadline exceeded\n",
        ] {
            assert_eq!(m.step(0, &step("put x 1", "", real)), "! Error: context deadline exceeded\n", "{real}");
        }
        assert_eq!(
            m.text_of("put x 1", "Error: etcdserver: request timed out", false),
            "Error: context deadline exceeded"
        );
    }

    #[test]
    fn endpoint_tables_are_compared_cell_by_cell() {
        let real = "+---------+------------------+---------+\n| ENDPOINT |        ID        | VERSION |\n+---------+------------------+---------+\n| n1:2379 | 8e9e05c52164694d |  3.4.23 |\n+---------+------------------+---------+\n";
        let lab = "+----------+------------------+---------+\n| ENDPOINT |        ID        | VERSION |\n+----------+------------------+---------+\n|       n1 | 8e9e05c52164694d |  3.4.23 |\n+----------+------------------+---------+\n";
        let m = Masker::default();
        let want = "+-+-+-+\n| ENDPOINT | ID | VERSION |\n+-+-+-+\n| n1 | 8e9e05c52164694d | 3.4.23 |\n+-+-+-+\n";
        assert_eq!(m.step(0, &step("endpoint status -w table", real, "")), want);
        assert_eq!(m.step(0, &step("endpoint status -w table", lab, "")), want);
    }

    #[test]
    fn minted_ids_become_numbered_placeholders() {
        let t = Transcript {
            steps: vec![
                step("lease grant 100", "lease 2040a201a10e1315 granted with TTL(100s)\n", ""),
                step(
                    "member add n4 --peer-urls=http://n4:2380",
                    "Member  3cb3978bb6979c2 added to cluster c295197d0bc1a05f\n",
                    "",
                ),
                step("get k -w json", "{\"kvs\":[{\"lease\":2324035535603897109}]}\n", ""),
                step("member list", "3cb3978bb6979c2, unstarted, , http://n4:2380, , true\n", ""),
            ],
            ..Default::default()
        };
        let m = Masker::new(&t);
        assert_eq!(m.step(0, &t.steps[0]), "lease <lease1> granted with TTL(100s)\n");
        // `%16x`: the 15-digit id has one more space before it, which is minted with it.
        assert_eq!(m.step(1, &t.steps[1]), "Member <member n4> added to cluster c295197d0bc1a05f\n");
        assert_eq!(m.step(2, &t.steps[2]), "{\"kvs\":[{\"lease\":<lease1>}]}\n");
        assert_eq!(m.step(3, &t.steps[3]), "<member n4>, unstarted, , http://n4:2380, , true\n");
    }

    #[test]
    fn cluster_status_rows_compare_sorted_when_a_member_was_added() {
        let row = |ep: &str, id: &str| format!("| {ep} | {id} |\n");
        let table =
            |rows: &[String]| format!("+----+----+\n| ENDPOINT | ID |\n+----+----+\n{}+----+----+\n", rows.concat());
        let add = step("member add n6 --peer-urls=http://n6:2380", "Member 3cb3978bb6979c2a added to cluster 1\n", "");
        let a = table(&[row("http://n6:2379", "3cb3978bb6979c2a"), row("http://n1:2379", "5440ff22fe632778")]);
        let b = table(&[row("http://n1:2379", "5440ff22fe632778"), row("http://n6:2379", "4cb3978bb6979c2a")]);
        let ta = Transcript {
            steps: vec![add.clone(), step("endpoint status --cluster -w table", &a, "")],
            ..Default::default()
        };
        let add_b =
            step("member add n6 --peer-urls=http://n6:2380", "Member 4cb3978bb6979c2a added to cluster 1\n", "");
        let tb =
            Transcript { steps: vec![add_b, step("endpoint status --cluster -w table", &b, "")], ..Default::default() };
        let (ma, mb) = (Masker::new(&ta), Masker::new(&tb));
        assert_eq!(ma.step(1, &ta.steps[1]), mb.step(1, &tb.steps[1]));
        // Without a member added, the rows keep their order.
        let plain = step("endpoint status --cluster -w table", &a, "");
        assert!(
            Masker::default().step(0, &plain).find("http://n6").unwrap()
                < Masker::default().step(0, &plain).find("http://n1").unwrap()
        );
    }

    #[test]
    fn backend_sizes_are_masked_except_right_after_a_defrag() {
        let json = "[{\"Endpoint\":\"n1:2379\",\"Status\":{\"version\":\"3.4.23\",\"dbSize\":544768,\"leader\":1,\"dbSizeInUse\":536576}}]\n";
        let table = "+----------+------------------+---------+---------+\n| ENDPOINT |        ID        | VERSION | DB SIZE |\n+----------+------------------+---------+---------+\n|  n1:2379 | 5440ff22fe632778 |  3.4.23 |  545 kB |\n+----------+------------------+---------+---------+\n";
        let t = Transcript {
            steps: vec![
                step("endpoint status -w json", json, ""),
                step("defrag", "Finished defragmenting etcd member[n1:2379]\n", ""),
                step("endpoint status -w json", json, ""),
                step("endpoint status -w table", table, ""),
            ],
            ..Default::default()
        };
        let m = Masker::new(&t);
        assert_eq!(
            m.step(0, &t.steps[0]),
            "[{\"Endpoint\":\"n1\",\"Status\":{\"version\":\"3.4.23\",\"dbSize\":<size>,\"leader\":1,\"dbSizeInUse\":<size>}}]\n"
        );
        assert_eq!(m.step(1, &t.steps[1]), "Finished defragmenting etcd member[n1]\n");
        assert_eq!(
            m.step(2, &t.steps[2]),
            "[{\"Endpoint\":\"n1\",\"Status\":{\"version\":\"3.4.23\",\"dbSize\":544768,\"leader\":1,\"dbSizeInUse\":536576}}]\n"
        );
        assert_eq!(
            m.step(3, &t.steps[3]),
            "+-+-+-+-+\n| ENDPOINT | ID | VERSION | DB SIZE |\n+-+-+-+-+\n| n1 | 5440ff22fe632778 | 3.4.23 | <size> |\n+-+-+-+-+\n"
        );
    }

    #[test]
    fn simple_status_sizes_are_masked_except_right_after_a_defrag() {
        let a = "n1:2379, 5440ff22fe632778, 3.4.23, 25 kB, false, false, 2, 13, 13, \n";
        let t = Transcript {
            steps: vec![
                step("endpoint status", a, ""),
                step("defrag", "Finished defragmenting etcd member[n1:2379]\n", ""),
                step("endpoint status", a, ""),
            ],
            ..Default::default()
        };
        let m = Masker::new(&t);
        assert_eq!(m.step(0, &t.steps[0]), "n1, 5440ff22fe632778, 3.4.23, <size>, false, false, 2, 13, 13, \n");
        assert_eq!(m.step(2, &t.steps[2]), "n1, 5440ff22fe632778, 3.4.23, 25 kB, false, false, 2, 13, 13, \n");
    }

    #[test]
    fn the_two_deadline_errors_of_a_leaderless_member_are_one() {
        // Both seen from etcdctl 3.4.23 for `put x 2` on the survivor of a 3-member cluster.
        let a = step("put x 2", "", "Error: rpc error: code = Unknown desc = context deadline exceeded\n");
        let b = step("put x 2", "", "Error: context deadline exceeded\n");
        assert_eq!(Masker::default().step(0, &a), Masker::default().step(0, &b));
    }

    #[test]
    fn concurrent_health_answers_compare_as_a_set() {
        let a = step("endpoint health --endpoints=n1,n2", "", "n2:2379 is healthy: successfully committed proposal: took = 1ms\nn1:2379 is healthy: successfully committed proposal: took = 2ms\n");
        let b = step("endpoint health --endpoints=n1,n2", "", "n1 is healthy: successfully committed proposal: took = 5ms\nn2 is healthy: successfully committed proposal: took = 4ms\n");
        assert_eq!(Masker::default().step(0, &a), Masker::default().step(0, &b));
        let j = step("endpoint health -w json", "[{\"endpoint\":\"n2:2379\",\"health\":true,\"took\":\"1ms\"},{\"endpoint\":\"n1:2379\",\"health\":true,\"took\":\"2ms\"}]\n", "");
        assert_eq!(
            Masker::default().step(0, &j),
            "[{\"endpoint\":\"n1\",\"health\":true,\"took\":\"<took>\"},{\"endpoint\":\"n2\",\"health\":true,\"took\":\"<took>\"}]\n"
        );
    }

    #[test]
    fn snapshot_hashes_are_masked_and_lab_words_compare_by_resolution() {
        let s = step("snapshot status s.db", "598b1e83, 2, 7, 25 kB\n", "");
        assert_eq!(Masker::default().step(0, &s), "<hash>, 2, 7, <size>\n");
        let t = step("snapshot status s.db -w table", "+----------+----------+------------+------------+\n|   HASH   | REVISION | TOTAL KEYS | TOTAL SIZE |\n+----------+----------+------------+------------+\n| 598b1e83 |        2 |          7 |      25 kB |\n+----------+----------+------------+------------+\n", "");
        assert_eq!(
            Masker::default().step(0, &t),
            "+-+-+-+-+\n| HASH | REVISION | TOTAL KEYS | TOTAL SIZE |\n+-+-+-+-+\n| <hash> | 2 | 7 | <size> |\n+-+-+-+-+\n"
        );
        let mut k = step("kill leader", "n2 killed (it was the leader)\n", "");
        k.resolved.push(("leader".into(), "n2".into()));
        assert_eq!(Masker::default().step(0, &k), "# resolved: leader=n2\n");
    }
}

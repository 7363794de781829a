//! What a lesson's lines become on a real etcd cluster: each console line an etcdctl
//! invocation or a real fault, or an action only the lab can take; the lesson's
//! `[cluster]` table as etcd flags.
//!
//! Contract: pure (no process, no cluster). `action` maps one lesson line, after its
//! `$lease`/`$member(nK)` are filled in with the real cluster's values, and never panics:
//! a line it cannot map is an error naming the line. etcdctl lines keep the console's
//! words, so etcdctl sees what the console saw; the lab's own forms become etcdctl's
//! (`txn … then … else …` → `txn` with its body on stdin, `member add n4` → with
//! `--peer-urls=http://n4:2380`, `transfer n2` → `move-leader`). Lab words that real
//! processes cannot perform (`campaign`, `drop`, `delay`, `duplicate`, `step`, `tick`, a
//! one-way cut, a latency above a LAN's) are `LabOnly` and *taint* the checks after them in
//! their step; words that only print (`history`, `status`) do not. A `kube` line is the
//! kube client's own requests as etcdctl runs ([`Action::Kube`]), except its watches
//! (`kube get -w`, `kube informer`), which are lab-only.

use crate::console::command::{Command, LabCommand, NodeRef};
use crate::console::parse::{is_lab_word, parse_line, shell_words};
use crate::engine::ClusterConfig;
use crate::lesson::parse::node_name;
use crate::lesson::NodeName;

/// A latency (base plus jitter) at or below this is a LAN's: the real links (veth pairs,
/// well under 1 ms) already have it, so setting it changes nothing a check depends on.
pub const LAN_LATENCY_MS: u64 = 10;

/// How an etcdctl line runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Runs to its end.
    Plain,
    /// Runs until `cancel` (`watch`, `lease keep-alive`, `lock`, `elect`); its output joins
    /// the step's.
    Stream,
    /// `snapshot restore FILE`: the runner restores every member as an operator does.
    Restore { file: String },
}

/// One lesson line on the real cluster.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// etcdctl with these words (no endpoint yet: the runner adds `on <node>:`'s, or n1).
    Etcd {
        words: Vec<String>,
        stdin: Option<String>,
        mode: Mode,
    },
    Kill(NodeName),
    Restart(NodeName),
    /// An added member's first start.
    Start(u64),
    /// `start nK --data-dir=D`: the member starts from a data dir `snapshot restore` made
    /// (named as the real side named it, see `real_data_dir`).
    StartFrom(u64, String),
    Isolate(NodeName),
    Partition(Vec<Vec<NodeName>>),
    /// Both directions of one link.
    Cut(NodeName, NodeName),
    Mend(NodeName, NodeName),
    Heal,
    /// etcd's `move-leader` to this member.
    Transfer(NodeName),
    /// `run 2s` inside a lesson line: a real sleep.
    Sleep(u64),
    /// `cancel`: Ctrl-C to every running stream.
    Cancel,
    /// A `kube` line that answers once: the kube client's requests, each one an etcdctl
    /// run with `-w json`, its output printed from the real replies.
    Kube(crate::kube::KubeCommand),
    /// Only the lab can do this; `taints` when the checks after it depend on it.
    LabOnly {
        what: String,
        taints: bool,
    },
}

/// A lesson's `[cluster]` as etcd flags.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Settings {
    /// The flags the real members start with.
    pub flags: Vec<String>,
    /// What etcd 3.4 cannot be told, one note each.
    pub notes: Vec<String>,
    /// Why the real cluster behaves unlike the lab's from its start, when a setting it
    /// cannot have changes what the members do (not merely how fast): a check that fails on
    /// it then says nothing about the lesson.
    pub parts: Option<String>,
}

/// The etcd flags for a lesson's `[cluster]`, and what etcd 3.4 cannot be told.
pub fn flags(cfg: &ClusterConfig) -> Settings {
    let d = ClusterConfig::default();
    let mut flags = Vec::new();
    let mut notes = Vec::new();
    let mut parts = None;
    let heartbeat = cfg.tick_ms * cfg.heartbeat_tick;
    let election = cfg.tick_ms * cfg.election_tick;
    if heartbeat != d.tick_ms * d.heartbeat_tick {
        flags.push(format!("--heartbeat-interval={heartbeat}"));
    }
    if election != d.tick_ms * d.election_tick {
        flags.push(format!("--election-timeout={election}"));
    }
    if cfg.snapshot_count != d.snapshot_count {
        flags.push(format!("--snapshot-count={}", cfg.snapshot_count));
    }
    if cfg.quota_backend_bytes != d.quota_backend_bytes {
        flags.push(format!("--quota-backend-bytes={}", cfg.quota_backend_bytes));
    }
    if cfg.max_request_bytes != d.max_request_bytes {
        flags.push(format!("--max-request-bytes={}", cfg.max_request_bytes));
    }
    if cfg.max_size_per_msg != d.max_size_per_msg {
        notes.push(format!(
            "max-size-per-msg = {}: etcd 3.4 fixes raft's MaxSizePerMsg at {} bytes, with no flag",
            cfg.max_size_per_msg, d.max_size_per_msg
        ));
        parts.get_or_insert_with(|| {
            "with appends of up to 1 MiB, which etcd 3.4 cannot be told to make smaller".to_string()
        });
    }
    if cfg.pre_vote {
        flags.push("--pre-vote=true".into());
    }
    if !cfg.check_quorum {
        notes
            .push("check-quorum = false: etcd 3.4 always runs with check-quorum, so the real cluster has it on".into());
        // A leader cut off from its majority steps down on real etcd and stays on in the
        // lab: that is the difference the lesson sets out to show.
        parts =
            Some("with check-quorum on, which etcd 3.4 cannot turn off (the lesson runs the lab with it off)".into());
    }
    if cfg.snapshot_catchup_entries != d.snapshot_catchup_entries {
        notes.push(format!(
            "snapshot-catchup-entries = {}: etcd 3.4 has no flag for it, so the real members keep {} entries behind a snapshot",
            cfg.snapshot_catchup_entries, d.snapshot_catchup_entries
        ));
    }
    if (cfg.latency_ms, cfg.jitter_ms) != (d.latency_ms, d.jitter_ms) {
        notes.push(format!(
            "latency {} ms + jitter {} ms: the real links have no delay set",
            cfg.latency_ms, cfg.jitter_ms
        ));
        // As the `latency` word: a LAN's delay changes nothing a check depends on.
        if cfg.latency_ms + cfg.jitter_ms > LAN_LATENCY_MS {
            parts.get_or_insert_with(|| {
                format!("with links far faster than the lab's {} ms + {} ms", cfg.latency_ms, cfg.jitter_ms)
            });
        }
    }
    Settings { flags, notes, parts }
}

/// Maps one lesson line (variables filled in). `command_timeout_ms` is the lesson's.
pub fn action(line: &str, command_timeout_ms: u64) -> Result<Action, String> {
    let first = line.split_whitespace().next().unwrap_or("");
    if is_lab_word(first) {
        return lab_word(line);
    }
    let mut words = shell_words(line).map_err(|e| format!("{line}: {e}"))?;
    let parsed = parse_line(line).ok();
    let mut stdin = None;
    let mut mode = Mode::Plain;
    match parsed.as_ref().map(|p| &p.command) {
        Some(Command::Txn(_)) => {
            let (w, body) = txn_stdin(line)?;
            words = w;
            stdin = Some(body);
        }
        Some(
            Command::Watch { .. }
            | Command::LeaseKeepAlive { once: false, .. }
            | Command::Lock { .. }
            | Command::Elect { .. },
        ) => mode = Mode::Stream,
        Some(Command::SnapshotRestore { file, options }) if options == &Default::default() => {
            mode = Mode::Restore { file: file.clone() }
        }
        Some(Command::SnapshotRestore { options, .. }) if options.per_member() => {
            // The real side's members already use n1.etcd…: a restored dir gets a name of
            // its own, and `start --data-dir` maps it the same way.
            words.retain(|w| !w.starts_with("--data-dir"));
            if let Some(i) = words.iter().position(|w| w == "--data-dir") {
                words.remove(i);
            }
            let name = options.name.clone().unwrap_or_else(|| "default".into());
            let dir = options.data_dir.clone().unwrap_or_else(|| format!("{name}.etcd"));
            if let Some(given) = &options.data_dir {
                // `--data-dir X`: X followed the flag as its own word.
                if let Some(i) = words.iter().position(|w| w == given) {
                    words.remove(i);
                }
            }
            words.push(format!("--data-dir={}", real_data_dir(&dir)));
        }
        Some(Command::MemberAdd { name, peer_urls, .. }) if peer_urls.is_empty() => {
            words.push(format!("--peer-urls=http://{name}:2380"));
        }
        _ => {}
    }
    if command_timeout_ms != ClusterConfig::default().command_timeout_ms
        && !words.iter().any(|w| w.starts_with("--command-timeout"))
    {
        words.push(format!("--command-timeout={command_timeout_ms}ms"));
    }
    Ok(Action::Etcd { words, stdin, mode })
}

/// Where a data dir the lesson names is made on the real side: apart from the members'
/// own `nK.etcd`.
pub fn real_data_dir(dir: &str) -> String {
    format!("restored-{}", dir.trim_start_matches("./"))
}

fn lab_only(what: impl Into<String>, taints: bool) -> Result<Action, String> {
    Ok(Action::LabOnly { what: what.into(), taints })
}

fn node_of(r: NodeRef) -> NodeName {
    match r {
        NodeRef::Id(id) => NodeName::Id(id),
        NodeRef::Leader => NodeName::Leader,
    }
}

/// A lab word, whose nodes may be symbolic (`kill the old leader`, `isolate a follower`).
fn lab_word(line: &str) -> Result<Action, String> {
    let text = line.trim().strip_prefix("lab ").unwrap_or(line.trim()).trim();
    // The console knows n1…n9 and leader; the symbolic names stand in as n1 to parse.
    let placeholder = text.replace("the old leader", "n1").replace("a follower", "n1");
    let cmd = match parse_line(&placeholder).map(|p| p.command) {
        Ok(Command::Lab(cmd)) => cmd,
        Ok(_) => return Err(format!("{line}: not a lab command")),
        Err(e) => return Err(format!("{line}: {e}")),
    };
    let (word, rest) = text.split_once(char::is_whitespace).unwrap_or((text, ""));
    let one = || node_name(rest.trim()).ok_or_else(|| format!("{line}: expected a node after {word}"));
    Ok(match cmd {
        LabCommand::Kill(_) => Action::Kill(one()?),
        LabCommand::Restart(_) => Action::Restart(one()?),
        LabCommand::Start(NodeRef::Id(id)) => Action::Start(id),
        LabCommand::StartFrom { node: NodeRef::Id(id), data_dir } => Action::StartFrom(id, real_data_dir(&data_dir)),
        LabCommand::StartFrom { node: NodeRef::Leader, .. } => {
            return Err(format!("{line}: start takes a member such as n1"))
        }
        LabCommand::Start(NodeRef::Leader) => return Err(format!("{line}: start takes a member such as n4")),
        LabCommand::Isolate(_) => Action::Isolate(one()?),
        LabCommand::Transfer(_) => Action::Transfer(one()?),
        LabCommand::Partition(_) => Action::Partition(groups(rest).ok_or_else(|| format!("{line}: bad groups"))?),
        LabCommand::Cut(l) | LabCommand::Restore(l) if !l.both_ways => {
            return lab_only(format!("{text} (a one-way cut needs iptables, which the real side lacks)"), true)
        }
        LabCommand::Cut(l) => Action::Cut(node_of(l.from), node_of(l.to)),
        LabCommand::Restore(l) => Action::Mend(node_of(l.from), node_of(l.to)),
        LabCommand::Heal => Action::Heal,
        LabCommand::Run { duration_ms } => Action::Sleep(duration_ms),
        LabCommand::Cancel(_) => Action::Cancel,
        // A kube watch prints from the lab's own watch stream, which the real side does
        // not map: the checks after it in the step are lab-only.
        LabCommand::Kube(k) if k.streams() => return lab_only(text, true),
        LabCommand::Kube(crate::kube::KubeCommand::Compactor { .. }) => {
            // A timer on the lab's clock: the real side has no kube-apiserver to run it.
            return lab_only(format!("{text} (the periodic compactor runs on the lab's clock)"), true);
        }
        LabCommand::Kube(k) => Action::Kube(k),
        LabCommand::Latency { base_ms, jitter_ms } => {
            return lab_only(text, base_ms + jitter_ms > LAN_LATENCY_MS);
        }
        LabCommand::Status | LabCommand::History | LabCommand::Leader | LabCommand::TraceHash => {
            return lab_only(text, false)
        }
        LabCommand::Disk { delay_ms: 0, .. } => return lab_only(text, false),
        LabCommand::Disk { .. } => {
            // Slowing a real member's fsync needs a delaying block device (dm-delay) or
            // filesystem (FUSE), neither of which this machine has.
            return lab_only(format!("{text} (the real members' disks cannot be slowed here)"), true);
        }
        LabCommand::Campaign(_)
        | LabCommand::DropMessage { .. }
        | LabCommand::DropLink { .. }
        | LabCommand::DelayMessage { .. }
        | LabCommand::DelayLink { .. }
        | LabCommand::Duplicate { .. }
        | LabCommand::DuplicateLink { .. }
        | LabCommand::Tick(_)
        | LabCommand::Step(_) => return lab_only(text, true),
    })
}

/// `n1,n2 n3,a follower` → groups of node names.
fn groups(rest: &str) -> Option<Vec<Vec<NodeName>>> {
    let text = rest.replace("the old leader", "\u{1}old").replace("a follower", "\u{1}fol");
    let name = |w: &str| match w {
        "\u{1}old" => Some(NodeName::OldLeader),
        "\u{1}fol" => Some(NodeName::AFollower),
        _ => node_name(w),
    };
    text.split_whitespace().map(|g| g.split(',').filter(|w| !w.is_empty()).map(name).collect()).collect()
}

/// A word as the shell reads it, and whether any of it was quoted.
fn words_quoted(line: &str) -> Result<Vec<(String, bool)>, String> {
    let mut out = Vec::new();
    let mut chars = line.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        if chars.peek().is_none() {
            return Ok(out);
        }
        let (mut word, mut quoted) = (String::new(), false);
        while let Some(c) = chars.next_if(|c| !c.is_whitespace()) {
            match c {
                '\'' => {
                    quoted = true;
                    loop {
                        match chars.next() {
                            Some('\'') => break,
                            Some(c) => word.push(c),
                            None => return Err(format!("{line}: unterminated ' quote")),
                        }
                    }
                }
                '"' => {
                    quoted = true;
                    loop {
                        match chars.next() {
                            Some('"') => break,
                            Some('\\') if matches!(chars.peek(), Some('"' | '\\' | '$' | '`')) => {
                                word.extend(chars.next());
                            }
                            Some(c) => word.push(c),
                            None => return Err(format!("{line}: unterminated \" quote")),
                        }
                    }
                }
                '\\' => word.extend(chars.next()),
                c => word.push(c),
            }
        }
        out.push((word, quoted));
    }
}

/// A word for an etcdctl txn body line, quoted as etcdctl's `argify` reads it back.
fn requote(w: &str) -> String {
    if !w.is_empty() && !w.contains(|c: char| c.is_whitespace() || c == '"' || c == '\'' || c == '\\') {
        return w.to_string();
    }
    format!("\"{}\"", w.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The console's one-line `txn CMP… then OP… [else OP…]` as etcdctl's `txn`: its words
/// (flags kept) and its stdin (compares, blank, success ops, blank, failure ops, blank).
pub fn txn_stdin(line: &str) -> Result<(Vec<String>, String), String> {
    let toks = words_quoted(line)?;
    let mut words = vec!["txn".to_string()];
    let mut sections: [Vec<String>; 3] = Default::default();
    let mut section = 0;
    let mut it = toks.into_iter().skip(1).peekable();
    while let Some((w, quoted)) = it.next() {
        let is = |k: &str| !quoted && w == k;
        if is("then") && section == 0 {
            section = 1;
        } else if is("else") && section == 1 {
            section = 2;
        } else if !quoted && w.starts_with('-') {
            // A flag of etcdctl txn (-w json, --endpoints=…), with its value if separate.
            let takes_value = matches!(w.as_str(), "-w" | "--write-out" | "--endpoints" | "--command-timeout");
            words.push(w);
            if takes_value {
                words.extend(it.next().map(|(v, _)| v));
            }
        } else if section == 0 {
            sections[0].push(w);
        } else {
            let op_word = |s: &str| ["put", "get", "del"].contains(&s);
            let packed = quoted && ["put ", "get ", "del "].iter().any(|o| w.starts_with(o));
            let list = &mut sections[section];
            match list.last_mut() {
                _ if packed => list.push(w),
                _ if !quoted && op_word(&w) => list.push(w),
                Some(op) => {
                    op.push(' ');
                    op.push_str(&requote(&w));
                }
                None => return Err(format!("{line}: a txn op starts with put, get or del, found {w:?}")),
            }
        }
    }
    let mut body = String::new();
    for s in &sections {
        for l in s {
            body.push_str(l);
            body.push('\n');
        }
        body.push('\n');
    }
    Ok((words, body))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn etcd(line: &str) -> (Vec<String>, Option<String>, Mode) {
        match action(line, 5000) {
            Ok(Action::Etcd { words, stdin, mode }) => (words, stdin, mode),
            other => panic!("{line}: {other:?}"),
        }
    }

    #[test]
    fn console_lines_become_etcdctl_invocations() {
        let w = |s: &str| s.split(' ').map(String::from).collect::<Vec<_>>();
        assert_eq!(etcd("get x --consistency=s"), (w("get x --consistency=s"), None, Mode::Plain));
        assert_eq!(etcd("member add n4 --learner").0, w("member add n4 --learner --peer-urls=http://n4:2380"));
        assert_eq!(etcd("member add n4 --peer-urls=http://n4:2380").0, w("member add n4 --peer-urls=http://n4:2380"));
        assert_eq!(etcd("watch svc --prefix --rev=8").2, Mode::Stream);
        assert_eq!(etcd("lease keep-alive 694d77aa9e38260f").2, Mode::Stream);
        assert_eq!(etcd("lease keep-alive --once 694d77aa9e38260f").2, Mode::Plain);
        assert_eq!(etcd("snapshot restore s.db").2, Mode::Restore { file: "s.db".into() });
        assert_eq!(etcd("put x 1 --command-timeout=300ms").0, w("put x 1 --command-timeout=300ms"));
        match action("put x 1", 2000) {
            Ok(Action::Etcd { words, .. }) => assert_eq!(words, w("put x 1 --command-timeout=2000ms")),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn one_line_txns_go_to_etcdctl_on_stdin() {
        let (words, stdin, _) = etcd(r#"txn 'create("lock") = "0"' then 'put lock a' else 'get lock'"#);
        assert_eq!(words, vec!["txn".to_string()]);
        assert_eq!(stdin.as_deref(), Some("create(\"lock\") = \"0\"\n\nput lock a\n\nget lock\n\n"));
        let (_, stdin, _) = etcd(r#"txn 'value("lock") = "a"' then 'del lock'"#);
        assert_eq!(stdin.as_deref(), Some("value(\"lock\") = \"a\"\n\ndel lock\n\n\n"));
        let (_, stdin, _) = etcd(r#"txn 'mod("x") > "0"' then put x "a b" get x else put x 0"#);
        assert_eq!(stdin.as_deref(), Some("mod(\"x\") > \"0\"\n\nput x \"a b\"\nget x\n\nput x 0\n\n"));
        let (words, _, _) = etcd(r#"txn -w json 'version("k") = "0"' then 'put k v'"#);
        assert_eq!(words, vec!["txn", "-w", "json"]);
        let (_, stdin, _) = etcd(r#"txn 'create("e") = "0"' then 'put e c --lease=694d77aa9e38260f' else 'get e'"#);
        assert_eq!(stdin.as_deref(), Some("create(\"e\") = \"0\"\n\nput e c --lease=694d77aa9e38260f\n\nget e\n\n"));
    }

    #[test]
    fn lab_words_become_faults_or_stay_in_the_lab() {
        assert_eq!(action("kill the old leader", 5000), Ok(Action::Kill(NodeName::OldLeader)));
        assert_eq!(action("kill leader", 5000), Ok(Action::Kill(NodeName::Leader)));
        assert_eq!(action("restart n3", 5000), Ok(Action::Restart(NodeName::Id(3))));
        assert_eq!(action("isolate a follower", 5000), Ok(Action::Isolate(NodeName::AFollower)));
        assert_eq!(action("start n4", 5000), Ok(Action::Start(4)));
        assert_eq!(
            action("partition n1,n2 n3,n4,n5", 5000),
            Ok(Action::Partition(vec![
                vec![NodeName::Id(1), NodeName::Id(2)],
                vec![NodeName::Id(3), NodeName::Id(4), NodeName::Id(5)]
            ]))
        );
        assert_eq!(action("cut n1<->n2", 5000), Ok(Action::Cut(NodeName::Id(1), NodeName::Id(2))));
        assert_eq!(action("restore n1-n2", 5000), Ok(Action::Mend(NodeName::Id(1), NodeName::Id(2))));
        assert!(matches!(action("cut n1->n2", 5000), Ok(Action::LabOnly { taints: true, .. })));
        assert_eq!(action("heal", 5000), Ok(Action::Heal));
        assert_eq!(action("transfer n1", 5000), Ok(Action::Transfer(NodeName::Id(1))));
        assert_eq!(action("run 2s", 5000), Ok(Action::Sleep(2000)));
        assert_eq!(action("cancel", 5000), Ok(Action::Cancel));
        for tainting in ["campaign n5", "campaign a follower", "latency 800", "tick 3", "drop n1->n2 50%"] {
            assert!(matches!(action(tainting, 5000), Ok(Action::LabOnly { taints: true, .. })), "{tainting}");
        }
        for quiet in ["lab history", "latency 5", "status"] {
            assert!(matches!(action(quiet, 5000), Ok(Action::LabOnly { taints: false, .. })), "{quiet}");
        }
        assert!(action("kill n12", 5000).is_err());
    }

    #[test]
    fn cluster_settings_become_etcd_flags() {
        let cfg = ClusterConfig {
            tick_ms: 50,
            election_tick: 30,
            snapshot_count: 10,
            quota_backend_bytes: 28672,
            pre_vote: true,
            check_quorum: false,
            ..Default::default()
        };
        let Settings { flags, notes, parts } = flags(&cfg);
        assert_eq!(
            flags,
            vec![
                "--heartbeat-interval=50",
                "--election-timeout=1500",
                "--snapshot-count=10",
                "--quota-backend-bytes=28672",
                "--pre-vote=true"
            ]
        );
        assert!(notes[0].starts_with("check-quorum = false"));
        assert!(parts.is_some_and(|p| p.starts_with("with check-quorum on")));
        assert_eq!(super::flags(&ClusterConfig::default()), Settings::default());
        let only_pre_vote = super::flags(&ClusterConfig { pre_vote: true, ..Default::default() });
        assert_eq!((only_pre_vote.notes.len(), only_pre_vote.parts), (0, None));
    }

    #[test]
    fn kube_lines_run_their_requests_and_their_streams_stay_in_the_lab() {
        assert!(matches!(action("kube create pod default/web", 5000), Ok(Action::Kube(_))));
        assert!(matches!(action("lab kube compact", 5000), Ok(Action::Kube(_))));
        assert!(matches!(action("kube get pods -w", 5000), Ok(Action::LabOnly { taints: true, .. })));
        assert!(matches!(action("kube informer pods -A", 5000), Ok(Action::LabOnly { taints: true, .. })));
    }
}

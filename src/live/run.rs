//! `raftlab live`: real members, the site, the bridge and the poller, started in that
//! order and stopped in the reverse one.
//!
//! Contract: `run` refuses before starting anything when it cannot work (not root, etcd
//! missing, the port taken, no built site, a member count outside 1…9), with a message
//! that says what to do. Otherwise it starts the watchdog, then `members` real etcd
//! members, each in its own network namespace when it runs as root (with room for added
//! ones up to `MAX_MEMBERS`), else (or with `loopback`) on loopback ports, where every
//! word works but the network faults; then the poller and the HTTP server on 127.0.0.1;
//! it prints the page's URL with a fresh token, and
//! serves until Ctrl-C or until the page has been closed for `linger`. On every exit
//! path the members, their namespaces and their directories are removed (Ctrl-C by the
//! oracle's guard, a SIGKILL by the watchdog).

use std::io::Read;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::oracle::real::{dirs_are_removed, place, tap, Session};

use super::bridge::Bridge;
use super::guardian;
use super::hub::Hub;
use super::messages::Messages;
use super::poll::{self, Shared};
use super::protocol::{Hello, LiveEvent, MAX_MEMBERS};
use super::server::{self, Site};

pub struct Options {
    pub members: u64,
    pub port: u16,
    /// The built site (`make dist`).
    pub dist: PathBuf,
    /// How long the bridge waits for a closed page to come back before it ends.
    pub linger: Duration,
    /// Members on loopback ports even when namespaces are possible.
    pub loopback: bool,
    /// No taps on the peer links: no real messages in the picture.
    pub no_messages: bool,
}

fn is_root() -> bool {
    // SAFETY: geteuid(2) has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// A token no other page can guess: 128 bits from the kernel.
fn token() -> Result<String, String> {
    let mut b = [0u8; 16];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut b))
        .map_err(|e| format!("/dev/urandom: {e}"))?;
    Ok(b.iter().map(|x| format!("{x:02x}")).collect())
}

fn hello(version: &str, members: u64, loopback: bool, messages: bool) -> Hello {
    let net = ["isolate", "partition", "cut", "restore", "heal"];
    let words =
        ["kill", "restart", "start", "transfer", "cancel"].into_iter().chain(net.into_iter().filter(|_| !loopback));
    let no_net = "the members share one loopback: network faults need network namespaces (run as root)";
    let unseen = net.into_iter().filter(|_| loopback).map(|w| (w, no_net)).chain([
        ("drop", "a real link cannot lose one chosen message"),
        ("delay", "a real link cannot hold back one chosen message"),
        ("duplicate", "a real link cannot send one message twice"),
        ("cut n1->n2", "one direction only needs iptables, which this machine lacks"),
        ("disk", "a real disk's speed cannot be set per member here"),
        ("step", "real time runs by itself: no step, tick or rewind"),
        ("campaign", "etcd has no command to start an election"),
        ("latency", "the links are veth pairs, well under a millisecond"),
    ]);
    Hello {
        etcd_version: version.to_string(),
        members,
        isolation: if loopback { "loopback" } else { "network namespaces" }.into(),
        messages,
        words: words.map(|w| w.to_string()).collect(),
        unseen: unseen.map(|(w, why)| (w.to_string(), why.to_string())).collect(),
    }
}

pub fn run(o: Options) -> Result<(), String> {
    if !(1..=MAX_MEMBERS).contains(&o.members) {
        return Err(format!("--members {}: live mode runs 1 to {MAX_MEMBERS} members (3 or 5 is usual)", o.members));
    }
    let dist = o.dist.canonicalize().map_err(|e| format!("{}: {e}; `make dist` builds the site", o.dist.display()))?;
    if !dist.join("index.html").is_file() {
        return Err(format!("{}: no index.html; `make dist` builds the site", dist.display()));
    }
    let server = tiny_http::Server::http(("127.0.0.1", o.port)).map_err(|e| format!("127.0.0.1:{}: {e}", o.port))?;
    let port = server.server_addr().to_ip().map(|a| a.port()).unwrap_or(o.port);
    let loopback = o.loopback || !is_root();
    place::set_loopback(loopback);
    guardian::spawn()?;
    dirs_are_removed();
    // Taps need the namespaces: a proxy per peer link, in its member's namespace.
    let messages = (!loopback && !o.no_messages).then(Messages::default);
    tap::set_tap(messages.clone().map(|m| Arc::new(m) as Arc<dyn tap::Tap>));
    let session = Session::begin("live", o.members, MAX_MEMBERS, Vec::new()).map_err(|e| e.to_string())?;
    let version = session.version.clone();
    let shared = Arc::new(Shared::default());
    let hub = Arc::new(Hub::default());
    let bridge = Arc::new(Bridge::new(session, o.members, Arc::clone(&shared), Arc::clone(&hub)));
    let site = Arc::new(Site {
        dir: dist,
        port,
        token: token()?,
        hello: hello(&version, o.members, loopback, messages.is_some()),
        bridge: Arc::clone(&bridge),
        open: AtomicUsize::new(0),
    });
    let poller = {
        let (shared, hub, members) = (Arc::clone(&shared), Arc::clone(&hub), o.members);
        std::thread::spawn(move || poll::run(shared, hub, members, messages))
    };
    let pump = {
        let (bridge, shared) = (Arc::clone(&bridge), Arc::clone(&shared));
        std::thread::spawn(move || {
            while !shared.stop.load(Ordering::Relaxed) {
                bridge.pump_streams();
                std::thread::sleep(poll::PERIOD);
            }
        })
    };
    let where_ = if loopback {
        "on loopback ports (no network faults: they need root, for network namespaces)"
    } else {
        "in network namespaces"
    };
    println!(
        "raftlab live: {} real members ({version}) {where_}\nopen http://127.0.0.1:{port}/#live=1&token={}\n(Ctrl-C stops them; so does closing the page)",
        o.members, site.token
    );
    let linger = o.linger;
    let why = std::sync::Mutex::new(String::new());
    server::run(&server, Arc::clone(&site), || {
        let gone = hub.idle_since().is_some_and(|t| t.elapsed() >= linger);
        if gone {
            if let Ok(mut w) = why.lock() {
                *w = format!("the page was closed {} s ago", linger.as_secs());
            }
        }
        gone || shared.stop.load(Ordering::Relaxed)
    });
    let why = why.into_inner().unwrap_or_default();
    hub.send(&LiveEvent::Bye { why: why.clone() });
    shared.stop.store(true, Ordering::Relaxed);
    let _ = poller.join();
    let _ = pump.join();
    let session = bridge.session.lock().ok().and_then(|mut g| g.take());
    if let Some(s) = session {
        s.finish(true);
    }
    println!("raftlab live: {why}; members stopped, namespaces removed");
    Ok(())
}

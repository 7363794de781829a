//! Taps on the real peer links, for live mode's "real messages": a proxy in each member's
//! namespace stands for every other member, so that every byte one member sends another
//! passes through this process on its way, and a `Tap` sees it.
//!
//! Contract: only when a tap is set (`set_tap`) before a network is built. Then member A
//! resolves `nB` to 10.211.A.B, an address on A's own `lo`, where a proxy (a thread that
//! entered A's namespace) accepts and forwards to B's real address over the A–B veth
//! pair, so a cut link still cuts: the proxy's side of it fails as A's would. Member ids
//! and URLs stay what they were (`http://nB:2380`). Each connection's two directions are
//! copied on two threads, each handing its bytes to the tap just before forwarding them (so a
//! request is always seen before its reply); a tap delays a link by its own work only. `Proxies` stops every thread when
//! dropped (within `POLL`), before the namespaces go.

use std::fs::File;
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::netns::{ip, member_addr, member_ns};

/// How often idle proxies look at their stop flag.
const POLL: Duration = Duration::from_millis(50);

/// A watcher of one direction of one connection's bytes.
pub type Watcher = Box<dyn FnMut(&[u8]) + Send>;

/// What sees the peer links' bytes.
pub trait Tap: Send + Sync {
    /// Member `from` opened a connection to member `to`'s peer port: the watchers of what
    /// `from` sends and of what `to` answers.
    fn open(&self, from: u64, to: u64) -> (Watcher, Watcher);
}

static TAP: Mutex<Option<Arc<dyn Tap>>> = Mutex::new(None);

/// Sets (or clears) the tap the next networks are built with.
pub fn set_tap(tap: Option<Arc<dyn Tap>>) {
    if let Ok(mut t) = TAP.lock() {
        *t = tap;
    }
}

fn tap() -> Option<Arc<dyn Tap>> {
    TAP.lock().ok().and_then(|t| t.clone())
}

/// Where member `a` reaches member `b`: the proxy's address in `a`'s namespace.
pub fn proxy_addr(a: u64, b: u64) -> String {
    format!("10.211.{a}.{b}")
}

/// The running proxies; dropping them stops them.
pub struct Proxies {
    stop: Arc<AtomicBool>,
}

impl Drop for Proxies {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Give the threads one poll to let go of their namespaces.
        std::thread::sleep(POLL * 2);
    }
}

fn enter(ns: &str) -> Result<(), String> {
    let path = format!("/var/run/netns/{ns}");
    let f = File::open(&path).map_err(|e| format!("{path}: {e}"))?;
    // SAFETY: setns(2) on a descriptor this function owns; it changes this thread only.
    if unsafe { libc::setns(f.as_raw_fd(), libc::CLONE_NEWNET) } != 0 {
        return Err(format!("setns {path}: {}", std::io::Error::last_os_error()));
    }
    Ok(())
}

/// Copies `from` to `to` until either side ends or `stop`, showing each piece to `watch`.
fn pump(mut from: TcpStream, mut to: TcpStream, mut watch: Watcher, stop: Arc<AtomicBool>) {
    let _ = from.set_read_timeout(Some(POLL * 4));
    let mut buf = vec![0u8; 32 * 1024];
    let mut watching = true;
    loop {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        match from.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                // Watched before it is passed on: a request is seen before its reply can be.
                // A watcher that fails stops watching; the link carries on.
                if watching {
                    let piece = &buf[..n];
                    watching = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| watch(piece))).is_ok();
                }
                if to.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {}
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => break,
        }
    }
    let _ = from.shutdown(Shutdown::Both);
    let _ = to.shutdown(Shutdown::Both);
}

fn spawn_small(f: impl FnOnce() + Send + 'static) {
    let _ = std::thread::Builder::new().stack_size(128 * 1024).spawn(f);
}

/// One member's proxies: a listener for each other member, all on one thread.
fn serve(a: u64, nodes: u64, tap: Arc<dyn Tap>, stop: Arc<AtomicBool>) -> Result<(), String> {
    enter(&member_ns(a))?;
    let mut listeners = Vec::new();
    for b in (1..=nodes).filter(|b| *b != a) {
        let at = format!("{}:2380", proxy_addr(a, b));
        let l = TcpListener::bind(&at).map_err(|e| format!("{at}: {e}"))?;
        l.set_nonblocking(true).map_err(|e| e.to_string())?;
        listeners.push((b, l));
    }
    spawn_small(move || {
        while !stop.load(Ordering::Relaxed) {
            let mut idle = true;
            for (b, l) in &listeners {
                let Ok((down, _)) = l.accept() else { continue };
                idle = false;
                let _ = down.set_nonblocking(false);
                let target: SocketAddr = match format!("{}:2380", member_addr(*b)).parse() {
                    Ok(t) => t,
                    Err(_) => continue,
                };
                // Made from this thread, so in a's namespace: over the a–b veth pair.
                let Ok(up) = TcpStream::connect_timeout(&target, Duration::from_secs(1)) else {
                    let _ = down.shutdown(Shutdown::Both);
                    continue;
                };
                let (Ok(down2), Ok(up2)) = (down.try_clone(), up.try_clone()) else { continue };
                let (sent, answered) = tap.open(a, *b);
                let (s1, s2) = (Arc::clone(&stop), Arc::clone(&stop));
                spawn_small(move || pump(down, up, sent, s1));
                spawn_small(move || pump(up2, down2, answered, s2));
            }
            if idle {
                std::thread::sleep(POLL);
            }
        }
    });
    Ok(())
}

/// With a tap set: the proxy addresses, each member's hosts file naming its peers by their
/// proxies, and the proxies. Call after the namespaces exist and before members start.
pub fn start(nodes: u64) -> Result<Option<Proxies>, String> {
    let Some(tap) = tap() else { return Ok(None) };
    let stop = Arc::new(AtomicBool::new(false));
    for a in 1..=nodes {
        let ns = member_ns(a);
        let mut hosts = String::from("127.0.0.1 localhost\n");
        for b in 1..=nodes {
            if b == a {
                hosts.push_str(&format!("{} n{b}\n", member_addr(b)));
            } else {
                ip(&["-n", &ns, "addr", "add", &format!("{}/32", proxy_addr(a, b)), "dev", "lo"])?;
                hosts.push_str(&format!("{} n{b}\n", proxy_addr(a, b)));
            }
        }
        let path = format!("/etc/netns/{ns}/hosts");
        std::fs::write(&path, hosts).map_err(|e| format!("{path}: {e}"))?;
    }
    let (tx, rx) = std::sync::mpsc::channel();
    for a in 1..=nodes {
        let (tap, stop, tx) = (Arc::clone(&tap), Arc::clone(&stop), tx.clone());
        std::thread::spawn(move || {
            let _ = tx.send(serve(a, nodes, tap, stop));
        });
    }
    drop(tx);
    for r in rx {
        r?;
    }
    Ok(Some(Proxies { stop }))
}

//! `help`: what the console understands, in etcdctl's words plus the lab's own commands.
//!
//! Contract: plain text, one screen per topic; unknown topics get etcdctl's answer.

const GENERAL: &str = "\
etcd commands (as etcdctl 3.4; global flags: --endpoints=nK|http://nK:2379|127.0.0.1:2379,
  -w simple|json|table, --command-timeout=5s; --cacert, --cert, --key, --dial-timeout, --user,
  --hex, --debug and the rest are accepted):
  put <key> <value> [--lease=<id>] [--prev-kv]
  get <key> [range_end] [--prefix] [--from-key] [--rev=N] [--keys-only] [--limit=N]
      [--print-value-only] [--consistency=l|s] [--order=ASCEND|DESCEND] [--sort-by=KEY|...]
  del <key> [range_end] [--prefix] [--from-key] [--prev-kv]
  txn [-i]   (then compares, a blank line, success ops, a blank line, failure ops, a blank line)
  txn '<compare>'... then <op>... [else <op>...]      one-line form, e.g.
      txn 'mod(\"x\") > \"0\"' then 'put x 10' else 'put x 0'
  watch <key> [range_end] [--prefix] [--rev=N] [--prev-kv]
  lease grant <ttl> | revoke <id> | keep-alive [--once] <id> | timetolive <id> [--keys] | list
  lock <name> [--ttl=10]          holds the lock until cancel (a second lock waits)
  elect <name> <proposal> | elect -l <name>      campaign, or observe the leader
  compact|compaction <rev> [--physical]      defrag [--cluster]      alarm list | disarm
  member list | add <name> [--learner] | promote <id> | remove <id> | update <id> --peer-urls=<urls>
  move-leader <member-id>         the leader among --endpoints hands over leadership
  endpoint status [--cluster] | health [--cluster] | hashkv [--cluster] [--rev=N]
  check perf [--load=s|m|l|xl] [--prefix=/etcdctl-check-perf/] [--auto-compact] [--auto-defrag]
  snapshot save <file> | restore <file> | status <file>
  snapshot restore <file> --name nK --initial-cluster n1=http://n1:2380,... --initial-advertise-peer-urls http://nK:2380
      [--initial-cluster-token T] [--data-dir D]   one member's data dir (without these flags: the whole lab cluster)
  version

shell: NAME=value before etcdctl sets its environment for that line (ETCDCTL_API=2|3,
  ETCDCTL_ENDPOINTS, ETCDCTL_WRITE_OUT, any ETCDCTL_<FLAG>); export NAME=value and
  unset NAME keep it for the lines after. The word etcdctl itself is optional.

lab commands:
  kill <node>|leader   restart <node>   start <node> [--data-dir=D] (from a restored data dir)
  partition n1,n2 n3,n4,n5   isolate <node>   cut n1->n2 | n1<->n2   restore n1->n2   heal
  drop <msg-id> | drop n1->n2 25%   delay <msg-id> 200ms | delay n1->n2 50ms   duplicate <msg-id>
  latency <base> [jitter]   disk <node> 200ms (every fsync takes that long; 0 = fast)
  tick [N]   run <duration>   step [N]
  campaign <node>   transfer <node>
  status   leader   trace-hash
  history   the clients' operations so far, judged for linearizability
  cancel [stream]   Ctrl-C for a watch, keep-alive, lock or elect (all of them without an id)
  lab <command>   the same as <command>, e.g. \"lab history\"

kube (a kube-apiserver client: /registry/<resource>/<ns>/<name> keys, resourceVersion = mod_revision):
  kube create pod|configmap|deployment [ns/]name [--image=nginx] [--replicas=N] [--from-literal=k=v]
  kube get <resource> [[ns/]name] [-n ns | -A] [-o json|yaml] [-w] [--resource-version=N]
  kube set image <resource> [ns/]name <image> [--resource-version=N]
  kube label <resource> [ns/]name key=value [--resource-version=N]
  kube delete <resource> [ns/]name [--resource-version=N]
  kube compact     one round of kube-apiserver's compactor (compacts to the previous round's revision)
  kube compactor 5m|off   that compactor every interval of simulated time (--etcd-compaction-interval)
  kube informer <resource> [-n ns | -A] [--resource-version=N]   list, watch, relist on 410 Gone
";

pub fn help(topic: Option<&str>) -> String {
    match topic {
        None => GENERAL.to_string(),
        Some(t) => {
            let lines: Vec<&str> = GENERAL.lines().filter(|l| l.trim_start().starts_with(t)).collect();
            if lines.is_empty() {
                format!("Unknown help topic [`{t}`]\n")
            } else {
                lines.join("\n") + "\n"
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::console::parse::{command_paths, completions};

    #[test]
    fn help_and_completion_cover_every_command_and_flag() {
        for (path, flags) in command_paths() {
            let first = path.split(' ').next().unwrap_or_default();
            let shown = GENERAL.lines().any(|l| {
                let l = l.trim_start();
                let words: Vec<&str> = l.split(|c: char| c.is_whitespace() || c == '|').collect();
                words.contains(&first) && path.split(' ').all(|w| words.contains(&w))
            });
            assert!(shown, "help does not show {path:?}");
            let words: Vec<&str> = path.split(' ').collect();
            let (head, last) = words.split_at(words.len() - 1);
            let prefix = if head.is_empty() { String::new() } else { format!("{} ", head.join(" ")) };
            assert!(
                completions(&prefix).contains(&format!("{prefix}{}", last[0])),
                "completion does not offer {path:?}"
            );
            for f in flags {
                let offered = completions(&format!("{path} --"));
                assert!(
                    offered.iter().any(|c| c == &format!("{path} --{f}") || c == &format!("{path} --{f}=")),
                    "completion does not offer --{f} for {path:?}: {offered:?}"
                );
            }
        }
        // The global flags, on any command.
        let offered = completions("get x --");
        for f in ["cacert", "cert", "key", "dial-timeout", "insecure-skip-tls-verify", "user", "hex", "debug"] {
            assert!(offered.iter().any(|c| c.starts_with(&format!("get x --{f}"))), "no --{f}");
        }
    }
}

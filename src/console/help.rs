//! `help`: what the console understands, in etcdctl's words plus the lab's own commands.
//!
//! Contract: plain text, one screen per topic; unknown topics get etcdctl's answer.

const GENERAL: &str = "\
etcd commands (as etcdctl 3.4; global flags: --endpoints=nK, -w simple|json|table, --command-timeout=5s):
  put <key> <value> [--lease=<id>] [--prev-kv]
  get <key> [range_end] [--prefix] [--from-key] [--rev=N] [--keys-only] [--limit=N]
      [--print-value-only] [--consistency=l|s] [--order=ASCEND|DESCEND] [--sort-by=KEY|...]
  del <key> [range_end] [--prefix] [--from-key] [--prev-kv]
  txn [-i]   (then compares, a blank line, success ops, a blank line, failure ops, a blank line)
  txn '<compare>'... then <op>... [else <op>...]      one-line form, e.g.
      txn 'mod(\"x\") > \"0\"' then 'put x 10' else 'put x 0'
  watch <key> [range_end] [--prefix] [--rev=N] [--prev-kv]
  lease grant <ttl> | revoke <id> | keep-alive [--once] <id> | timetolive <id> [--keys] | list
  compact <rev> [--physical]      defrag [--cluster]      alarm list | disarm
  member list | add <name> [--learner] | promote <id> | remove <id>
  endpoint status [--cluster] | health [--cluster]
  snapshot save <file> | restore <file> | status <file>
  version

lab commands:
  kill <node>|leader   restart <node>   start <node>
  partition n1,n2 n3,n4,n5   isolate <node>   cut n1->n2 | n1<->n2   restore n1->n2   heal
  drop <msg-id> | drop n1->n2 25%   delay <msg-id> 200ms | delay n1->n2 50ms   duplicate <msg-id>
  latency <base> [jitter]
  tick [N]   run <duration>   step [N]
  campaign <node>   transfer <node>
  status   leader   trace-hash
  history   the clients' operations so far, judged for linearizability
  lab <command>   the same as <command>, e.g. \"lab history\"
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

//! Runs a fixed console script on several seeds and prints every answer and the final trace
//! hash. `make wasm-determinism` runs it natively and as wasm32 (WASI, under Node) and
//! requires byte-identical output: the engine must not depend on the host's word size.

use raftlab::console::session::Session;
use raftlab::engine::ClusterConfig;

const SCRIPT: &[&str] = &[
    "run 2s",
    "put x 1",
    "put y 2 --endpoints=n2",
    "watch x --prev-kv",
    "lease grant 3",
    "kill leader",
    "run 3s",
    "put x 3 --endpoints=n3",
    "partition n1,n2 n3,n4,n5",
    "put z 4 --endpoints=n1",
    "get x --consistency=s --endpoints=n1",
    "heal",
    "run 3s",
    "restart n1",
    "restart n2",
    "restart n3",
    "restart n4",
    "restart n5",
    "run 8s",
    "txn 'value(\"x\") = \"3\"' then 'put x 5' else 'put x 6'",
    "get \"\" --prefix -w json",
    "member add n6 --learner",
    "run 2s",
    "endpoint status --cluster -w table",
    "lock jobs --ttl=3",
    "lock jobs --endpoints=n2",
    "elect -l e1 --endpoints=n3",
    "elect e1 p1 --endpoints=n4",
    "run 1s",
    "kill n1",
    "run 8s",
    "move-leader 5aa594b5d9b66c42 --endpoints=n2,n3,n4,n5",
    "run 1s",
    "endpoint hashkv --endpoints=n2,n3,n4,n5",
    "cancel",
    "run 1s",
    "disk leader 1500ms",
    "disk n4 300ms",
    "put d 1 --endpoints=n4",
    "put d 2 --endpoints=n5",
    "run 2s",
    "kill n4",
    "restart n4",
    "disk n5 0",
    "run 5s",
    "snapshot save b.db --endpoints=n3",
    "snapshot restore b.db --name n2 --initial-cluster n2=http://n2:2380 --initial-advertise-peer-urls http://n2:2380 --initial-cluster-token solo",
    "kill n2",
    "start n2 --data-dir=n2.etcd",
    "run 3s",
    "status",
    "trace-hash",
];

fn main() {
    // `--dump` also prints every trace record, to find where two hosts diverge.
    let dump = std::env::args().any(|a| a == "--dump");
    let seeds: Vec<u64> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let seeds = if seeds.is_empty() { vec![1, 2, 3] } else { seeds };
    for seed in seeds {
        let cfg =
            ClusterConfig { nodes: 5, seed, snapshot_count: 8, snapshot_catchup_entries: 2, ..Default::default() };
        let mut s = Session::new(cfg).expect("config");
        println!("## seed {seed}");
        for line in SCRIPT {
            let out = s.run_line(line);
            println!("$ {line}\n{}{}{}", out.stdout, out.stderr, s.take_watch_output());
        }
        if dump {
            for r in s.cluster().trace().records() {
                println!("{}", serde_json::to_string(r).unwrap_or_default());
            }
        }
        println!("final {:016x} t={}ms", s.cluster().trace_hash(), s.cluster().now_ms());
    }
}

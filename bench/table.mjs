// Writes bench/RESULTS.md from the figures `make bench` measured: target/bench/native.json
// (`raftlab bench`) and target/bench/chromium.json (tests/browser/bench.mjs: the site, and
// the engine suite as WASM in headless Chromium). Every figure is the median of its runs;
// each ratio divides two medians measured in the same invocation, except WASM / native,
// which compares the two invocations of one `make bench`.
import { readFileSync } from 'node:fs';
import { execSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';

const [nativePath, chromiumPath] = process.argv.slice(2);
const load = (p) => JSON.parse(readFileSync(p, 'utf8')).measures;
const all = [...load(nativePath).map((m) => ({ ...m, name: `native.${m.name}` })), ...load(chromiumPath)];
const get = (name) => {
  const m = all.find((x) => x.name === name);
  if (!m) throw new Error(`bench/table.mjs: no figure named ${name}`);
  return m;
};
const sh = (cmd) => { try { return execSync(cmd, { encoding: 'utf8' }).trim(); } catch { return '?'; } };
const fmt = (x) => (x >= 1000 ? Math.round(x).toLocaleString('en-US') : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const runs = (m) => m.runs.map(fmt).join(', ');

const rows = [];
// (figure, measured, baseline or null, ratio target, absolute target)
const row = (label, name, base, goal) => {
  const m = get(name);
  const b = base && get(base.name);
  const ratio = b ? m.median / b.median : null;
  let met = '';
  if (goal) met = goal.test(goal.ratio ? ratio : m.median) ? 'yes' : '**no**';
  rows.push(`| ${label} | ${fmt(m.median)} ${m.unit} | ${runs(m)} | ${b ? `${base.label}: ${fmt(b.median)} ${b.unit}` : '—'} | ${ratio === null ? '—' : ratio.toFixed(ratio < 0.1 ? 3 : 2)} | ${goal ? goal.text : '—'} | ${met || '—'} |`);
};
const atLeast = (x, ratio = true) => ({ ratio, text: `${ratio ? 'ratio' : ''} >= ${x}`.trim(), test: (v) => v >= x });
const atMost = (x, unit, ratio = false) => ({ ratio, text: `${ratio ? 'ratio ' : ''}<= ${x}${unit ? ` ${unit}` : ''}`, test: (v) => v <= x });

row('Engine puts, native (full trace)', 'native.puts.engine', { name: 'native.puts.bare', label: 'bare raft-rs loop' }, atLeast(0.5));
row('Engine puts, native (trace hashed only)', 'native.puts.engine_hash_only', { name: 'native.puts.bare', label: 'bare raft-rs loop' }, null);
row('Engine puts, native: trace hashed only against full trace (time per put)', 'native.puts.engine_hash_only', { name: 'native.puts.engine', label: 'full trace' }, atMost(1.3, '', true));
row('Heap allocations per put, 5 nodes, native (engine, full trace)', 'native.puts.engine_allocations', { name: 'native.puts.bare_allocations', label: 'bare raft-rs loop' }, atMost(1.5, '', true));
row('Heap allocations per put, 5 nodes: the five stores alone', 'native.puts.stores_allocations', { name: 'native.puts.bare_allocations', label: 'bare raft-rs loop' }, null);
row('Engine puts, WASM in Chromium (full trace)', 'wasm.puts.engine', { name: 'wasm.puts.bare', label: 'bare raft-rs loop' }, atLeast(0.45));
row('Engine puts, WASM in Chromium (trace hashed only)', 'wasm.puts.engine_hash_only', { name: 'wasm.puts.bare', label: 'bare raft-rs loop' }, null);
row('Engine puts, WASM against native', 'wasm.puts.engine', { name: 'native.puts.engine', label: 'native engine' }, atLeast(0.6));
row('Fast-forward 1 simulated hour, 5 nodes, 10 puts/s, trace on, WASM in Chromium', 'wasm.hour.trace_on', { name: 'wasm.hour.hash_only', label: 'same hour replayed, trace hashed only' }, atMost(0.6, 's'));
row('Fast-forward 1 simulated hour, native', 'native.hour.trace_on', { name: 'native.hour.hash_only', label: 'same hour replayed, trace hashed only' }, null);
row('Site transfer size (gzip -9)', 'site.gzip', null, atMost(600, 'KB'));
row('Cold first render', 'site.cold_render', null, atMost(1000, 'ms'));
row('Frame work p95, 9 nodes animating at 1x', 'site.frame_p95_9_nodes', null, atMost(16, 'ms'));
row('Step back at the end of a 10-minute run (site button, 10 puts/s)', 'site.step_back_10_min', { name: 'site.open_10_min_link', label: 'full replay (opening the run)' }, atMost(150, 'ms'));
row('Step back at the end of a 10-minute run (WASM, lab API)', 'wasm.rewind.step_back', { name: 'wasm.rewind.replay_from_start', label: 'replay from the start' }, atMost(150, 'ms'));
row('Memory after 1 simulated hour, 10 puts/s: WASM linear memory (engine + rewind checkpoint)', 'wasm.hour.memory', null, atMost(64, 'MB'));
row('Heap after 1 simulated hour, WASM (engine, trace on)', 'wasm.hour.heap', { name: 'wasm.fresh.heap', label: 'fresh cluster' }, null);
row('Heap after 1 simulated hour, WASM (engine + checkpoint)', 'wasm.hour.heap_with_checkpoint', { name: 'wasm.hour.heap', label: 'engine alone' }, null);
row('Heap after 1 simulated hour, native (engine + checkpoint)', 'native.hour.heap_with_checkpoint', { name: 'native.hour.heap', label: 'engine alone' }, null);

const cpu = cpus()[0]?.model ?? '?';
console.log(`# Benchmark results

Regenerate with \`make bench\` (about 10 minutes). Do not edit by hand.

- **Machine:** ${cpu}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB memory, ${sh('uname -sr')}
- **Commit:** ${sh('git rev-parse --short HEAD')}${sh("git status --porcelain --untracked-files=no -- . ':!bench/RESULTS.md'") ? ' (with uncommitted changes)' : ''}
- **Date:** ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC
- **Tools:** ${sh('rustc --version')}; ${sh('chromium --version')}; Node ${process.version}

Each figure is the median of the runs listed (5 unless noted). A ratio divides it by the
baseline's median, measured in the same invocation: \`raftlab bench\` for native figures,
one headless Chromium session for WASM and site figures. The WASM figures run
\`examples/bench_wasi.rs\`, the same suite code as \`raftlab bench\`, in Chromium through a
small WASI shim.

| Figure | Median | Runs | Baseline | Ratio | Target | Met |
|---|---|---|---|---|---|---|
${rows.join('\n')}

## Workloads

- **Puts:** 5 nodes, 20,000 puts one at a time, then 100,000 in batches of 100. The engine
  runs with 0 ms link latency, like the bare loop's instant delivery. The bare loop is
  raft-rs's \`RawNode\` with \`MemStorage\` and a Ready loop, with no store, no trace and no
  network model. The engine also applies every put to an MVCC store on every member; the
  stores alone run at ${fmt(get('native.puts.stores_only').median)} ops/s natively, so the best
  ratio any engine with a replicated store could reach here is
  ${(1 / (1 + get('native.puts.bare').median / get('native.puts.stores_only').median)).toFixed(2)}.
- **Steady load:** the lab's defaults with 5 nodes, one put every 100 ms to the leader over
  100 keys, and every 5 minutes a compaction to the revision of 5 minutes before (as
  kube-apiserver does). "Trace on" keeps the windowed trace (the latest 40,000 to 80,000
  records, plus every client request and reply) as the site does.
- **Step back:** one step back (100 ms in the site, 50 ms through the lab API) at the end of
  10 simulated minutes of steady load. The lab keeps a hash-only replay of the run 10 s
  behind the present, advanced between frames, and replays from it. The baseline replays
  from the start.
- **Memory:** the WASM linear memory after one simulated hour of steady load in a fresh
  instance, holding the cluster (trace on) and the lab's rewind checkpoint. WASM memory
  never shrinks, so this is also the peak.
`);

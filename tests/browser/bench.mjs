// Site benchmarks, printed as numbers (not pass/fail): the gzip size of everything the page
// loads, the cold first render, frame times while 9 nodes exchange messages at 1x, and the
// step back at the end of a 10-minute run; then, given BENCH_WASI (examples/bench_wasi.rs
// built for wasm32-wasip1), the engine suite as WASM in this same Chromium, through a small
// WASI shim. Run by `make site-bench` and `make bench` against the built dist/; with
// BENCH_JSON set, the figures are also written there for bench/table.mjs.
import { chromium } from 'playwright-core';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { serve } from './serve.mjs';

const DIST = new URL('../../dist/', import.meta.url).pathname;
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--no-first-run'];
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];

const files = readdirSync(DIST).filter((f) => /\.(html|js|wasm|css)$/.test(f));
const gz = files.reduce((sum, f) => sum + gzipSync(readFileSync(DIST + f), { level: 9 }).length, 0);
console.log(`transfer size, gzip -9 of ${files.join(', ')}: ${(gz / 1024).toFixed(0)} KB (target <= 600 KB)`);
const figures = { target: 'chromium', measures: [] };
const record = (name, unit, runs) => {
  figures.measures.push({ name, unit, runs, median: median(runs) });
};
record('site.gzip', 'KB', [gz / 1024]);

const server = await serve();
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ARGS });
try {
  const cold = [];
  for (let i = 0; i < 5; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const t0 = Date.now();
    // A fragment, so a fresh browser lands in the lab rather than on the home page.
    await page.goto(`${server.url}/lab/#speed=-1`);
    await page.waitForFunction(() => document.querySelectorAll('g.node').length === 5);
    cold.push(Date.now() - t0);
    await context.close();
  }
  console.log(`cold first render (navigation to 5 nodes drawn), median of 5: ${median(cold)} ms (runs: ${cold.join(', ')}; target <= 1000 ms)`);
  record('site.cold_render', 'ms', cold);

  const p95s = [];
  for (let run = 0; run < 5; run++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${server.url}/lab/#speed=0`);
    await page.waitForSelector('#set-nodes');
    await page.fill('#set-nodes', '9');
    await page.press('#set-nodes', 'Tab');
    await page.dispatchEvent('#set-nodes', 'change');
    await page.waitForFunction(() => document.querySelectorAll('g.node').length === 9);
    await page.waitForTimeout(2000);
    const frames = await page.evaluate(() => new Promise((done) => {
      const out = [];
      let last = performance.now();
      const end = last + 5000;
      const tick = (t) => {
        out.push(t - last);
        last = t;
        if (t < end) requestAnimationFrame(tick); else done(out);
      };
      requestAnimationFrame(tick);
    }));
    const msgs = await page.locator('g.msg').count();
    const work = await page.locator('.lab').getAttribute('data-frame-p95');
    const n = await page.locator('.lab').getAttribute('data-frames');
    p95s.push(Number(work));
    console.log(`run ${run + 1}: frame work (update + view + DOM patch) with 9 nodes at 1x, p95 of the last ${n} frames: ${work} ms; display frames p50 ${median(frames).toFixed(1)} ms, p95 ${pct(frames, 0.95).toFixed(1)} ms, ${msgs} messages drawn`);
    await context.close();
  }
  console.log(`frame work p95 with 9 nodes at 1x, median of 5 runs: ${median(p95s)} ms (target <= 16 ms)`);
  record('site.frame_p95_9_nodes', 'ms', p95s);

  // The step back button at the end of a 10-minute run (10 puts/s), once the page has had
  // a moment to bring its rewind checkpoint up to date; the baseline is the same rewind
  // from the start of the run, as the lab did before it kept a checkpoint (the share link
  // replay when the page opens is that same full replay, plus the first render).
  const steady = process.env.STEADY_LINK_FILE && readFileSync(process.env.STEADY_LINK_FILE, 'utf8').trim();
  if (steady) {
    const backs = [];
    const opens = [];
    for (let run = 0; run < 5; run++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      const t0 = Date.now();
      await page.goto(`${server.url}/lab/#${steady}&speed=0`);
      await page.waitForFunction(() => document.querySelectorAll('g.node').length === 5, null, { timeout: 120_000 });
      opens.push(Date.now() - t0);
      await page.waitForTimeout(4000);
      const before = await page.evaluate(() => document.querySelector('#scrubber').value);
      const ms = await page.evaluate((before) => new Promise((done) => {
        const t = performance.now();
        document.querySelector('#step-back').click();
        const check = () => {
          if (document.querySelector('#scrubber').value !== before) done(performance.now() - t);
          else requestAnimationFrame(check);
        };
        check();
      }), before);
      const after = await page.evaluate(() => document.querySelector('#scrubber').value);
      backs.push(ms);
      console.log(`run ${run + 1}: step back at the end of 10 minutes: ${ms.toFixed(1)} ms (time ${before} -> ${after} ms); opening the link (full replay + first render): ${opens[run]} ms`);
      await context.close();
    }
    console.log(`step back at the end of a 10-minute run, median of 5: ${median(backs).toFixed(1)} ms (target <= 150 ms)`);
    record('site.step_back_10_min', 'ms', backs);
    record('site.open_10_min_link', 'ms', opens);
  }

  const wasi = process.env.BENCH_WASI && readFileSync(process.env.BENCH_WASI).toString('base64');
  if (wasi) {
    const page = await browser.newPage();
    await page.goto(`${server.url}/lab/embed-example.html`);
    const suite = await page.evaluate(runWasi, { b64: wasi, args: [] });
    process.stdout.write(suite.out.split('\n').filter((l) => !l.startsWith('json ')).map((l) => `wasm32 in chromium: ${l}`).join('\n') + '\n');
    const json = JSON.parse(suite.out.split('\n').find((l) => l.startsWith('json ')).slice(5));
    for (const m of json.measures) record(`wasm.${m.name}`, m.unit, m.runs);
    await page.close();
    const mems = [];
    for (let run = 0; run < 5; run++) {
      const fresh = await browser.newPage();
      await fresh.goto(`${server.url}/lab/embed-example.html`);
      const mem = await fresh.evaluate(runWasi, { b64: wasi, args: ['--memory'] });
      const live = Number(/live (\d+)/.exec(mem.out)[1]);
      console.log(`wasm32 in chromium: after one simulated hour, engine + checkpoint: ${(live / 1048576).toFixed(1)} MB live heap, ${(mem.memory / 1048576).toFixed(1)} MB WASM memory`);
      mems.push(mem.memory / 1048576);
      await fresh.close();
    }
    record('wasm.hour.memory', 'MB', mems);
  }
  if (process.env.BENCH_JSON) writeFileSync(process.env.BENCH_JSON, JSON.stringify(figures));

  // A run with 10,000 entries (made by `cargo run --release --example share_link`), then
  // played at 1x: the log panel draws a window, so frames should stay as cheap.
  const link = process.env.BIG_LINK_FILE && readFileSync(process.env.BIG_LINK_FILE, 'utf8').trim();
  if (link) {
    const big = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const bp = await big.newPage();
    const t0 = Date.now();
    await bp.goto(`${server.url}/lab/#${link}&speed=0`);
    await bp.waitForFunction(() => document.querySelectorAll('g.node').length === 5, null, { timeout: 120_000 });
    const opened = Date.now() - t0;
    const last = await bp.locator('#logs tbody tr th').first().textContent();
    await bp.click('#play');
    await bp.waitForTimeout(5000);
    const p95 = await bp.locator('.lab').getAttribute('data-frame-p95');
    console.log(`10,000 puts: link opened and replayed in ${opened} ms; log reaches index ${last}; frame work p95 while playing at 1x: ${p95} ms`);
    await big.close();
  }
} finally {
  await browser.close();
  await server.close();
}

// Runs a wasm32-wasip1 program in the page: the eight WASI calls Rust's std makes here
// (args, environ, clocks, fd_write, random, exit), nothing else. Returns what it printed
// and the size of its linear memory at the end.
async function runWasi({ b64, args }) {
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const argv = ['bench_wasi', ...args];
  const enc = new TextEncoder();
  const dec = new TextDecoder();
  let mem;
  let out = '';
  const dv = () => new DataView(mem.buffer);
  class Exit { constructor(code) { this.code = code; } }
  const wasi = {
    args_sizes_get(pc, ps) {
      dv().setUint32(pc, argv.length, true);
      dv().setUint32(ps, argv.reduce((n, a) => n + enc.encode(a).length + 1, 0), true);
      return 0;
    },
    args_get(pv, pb) {
      let off = pb;
      argv.forEach((a, i) => {
        const b = enc.encode(a);
        dv().setUint32(pv + 4 * i, off, true);
        new Uint8Array(mem.buffer, off, b.length).set(b);
        new Uint8Array(mem.buffer)[off + b.length] = 0;
        off += b.length + 1;
      });
      return 0;
    },
    environ_sizes_get(pc, ps) { dv().setUint32(pc, 0, true); dv().setUint32(ps, 0, true); return 0; },
    environ_get() { return 0; },
    clock_time_get(id, _precision, p) {
      const ms = id === 0 ? Date.now() : performance.now();
      dv().setBigUint64(p, BigInt(Math.round(ms * 1e6)), true);
      return 0;
    },
    fd_write(_fd, iovs, n, pw) {
      let w = 0;
      for (let i = 0; i < n; i++) {
        const ptr = dv().getUint32(iovs + 8 * i, true);
        const len = dv().getUint32(iovs + 8 * i + 4, true);
        out += dec.decode(new Uint8Array(mem.buffer, ptr, len).slice());
        w += len;
      }
      dv().setUint32(pw, w, true);
      return 0;
    },
    proc_exit(code) { throw new Exit(code); },
    random_get(p, n) {
      for (let i = 0; i < n; i += 65536) crypto.getRandomValues(new Uint8Array(mem.buffer, p + i, Math.min(65536, n - i)));
      return 0;
    },
  };
  const { instance } = await WebAssembly.instantiate(bytes, { wasi_snapshot_preview1: wasi });
  mem = instance.exports.memory;
  try { instance.exports._start(); } catch (e) { if (!(e instanceof Exit)) throw e; }
  return { out, memory: mem.buffer.byteLength };
}

// Site benchmarks, printed as numbers (not pass/fail): the gzip size of everything the page
// loads, the cold first render, and frame times while 9 nodes exchange messages at 1x.
// Run by `make site-bench` against the built dist/.
import { chromium } from 'playwright-core';
import { readFileSync, readdirSync } from 'node:fs';
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

const server = await serve();
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ARGS });
try {
  const cold = [];
  for (let i = 0; i < 5; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const t0 = Date.now();
    await page.goto(`${server.url}/lab/`);
    await page.waitForFunction(() => document.querySelectorAll('g.node').length === 5);
    cold.push(Date.now() - t0);
    await context.close();
  }
  console.log(`cold first render (navigation to 5 nodes drawn), median of 5: ${median(cold)} ms (runs: ${cold.join(', ')}; target <= 1000 ms)`);

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
  console.log(`frame work (update + view + DOM patch) with 9 nodes at 1x, p95 of the last ${n} frames: ${work} ms (target <= 16 ms)`);
  console.log(`display frames while 9 nodes play at 1x (5 s, ${frames.length} frames, ${msgs} messages drawn at the end): p50 ${median(frames).toFixed(1)} ms, p95 ${pct(frames, 0.95).toFixed(1)} ms (60 Hz is 16.7 ms)`);
  await context.close();

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

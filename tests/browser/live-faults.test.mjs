// Live mode's faults and cleanup (issue 17), in headless Chromium against a real
// `raftlab live` (three etcd 3.4 members in network namespaces), all from the page's own
// console and picture:
//
// - a put and a read, and the real messages drawn on the links;
// - killing the leader: a new leader with a higher term within 3 s;
// - a 1 | 2 partition: the isolated member's put times out, the majority elects and
//   commits; after `heal` the isolated member serves a put again;
// - a learner: `member add n4 --learner`, `start n4`, `member promote`;
// - after a SIGKILL of `raftlab live`, no etcd process, namespace, data dir or port is
//   left; nor after the page is closed (a second run, which ends by itself).
//
// It also takes the README's live-mode screenshot (docs/live.en.png). It needs root
// (network namespaces), etcd and etcdctl, and a release build; without them it is
// skipped and says why.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { chromium } from 'playwright-core';
import { CHROMIUM, ARGS, openLive } from './harness.mjs';

const ROOT = new URL('../../', import.meta.url).pathname;
const RAFTLAB = process.env.RAFTLAB || `${ROOT}target/release/raftlab`;
const DOCS = `${ROOT}docs/`;

const sh = (cmd) => { try { return execFileSync('sh', ['-c', cmd], { encoding: 'utf8' }); } catch { return ''; } };
const has = (cmd) => sh(`command -v ${cmd}`) !== '';
const skip = process.getuid?.() !== 0 ? 'live mode needs root (network namespaces)'
  : !has('etcd') || !has('etcdctl') ? 'etcd and etcdctl are not installed (make live installs them)'
  : !existsSync(RAFTLAB) ? `${RAFTLAB} is not built (cargo build --release --bin raftlab)`
  : false;

/// Starts `raftlab live`; resolves with the process and its page's URL.
function startLive(args) {
  const live = spawn(RAFTLAB, ['live', '--members', '3', '--port', '0', '--dist', `${ROOT}dist`, ...args],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((ok, fail) => {
    let out = '';
    live.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/open (http:\/\/127\.0\.0\.1:(\d+)\/#live=1&token=\w+)/);
      if (m) ok({ live, url: m[1], port: +m[2], exited: new Promise((done) => live.once('exit', (code, sig) => done({ code, sig }))) });
    });
    live.on('exit', (code) => fail(new Error(`raftlab live exited (${code}) before it served the page:\n${out}`)));
  });
}


/// Whether something accepts connections on 127.0.0.1:port.
const listening = (port) => new Promise((ok) => {
  const s = net.connect({ host: '127.0.0.1', port }, () => { s.destroy(); ok(true); });
  s.on('error', () => ok(false));
});

/// What a run left behind: etcd processes, rl- namespaces, its data dirs, and its port.
async function leftovers(pid, port) {
  return {
    etcd: sh('pgrep -x etcd').trim(),
    namespaces: sh('ip netns list').split('\n').filter((l) => l.startsWith('rl-')).join(' '),
    dirs: sh(`ls -d /tmp/raftlab-lesson-*-${pid} 2>/dev/null`).trim(),
    port: await listening(port),
  };
}

async function waitClean(pid, port, ms) {
  const clean = { etcd: '', namespaces: '', dirs: '', port: false };
  const until = Date.now() + ms;
  let now;
  do {
    now = await leftovers(pid, port);
    if (JSON.stringify(now) === JSON.stringify(clean)) return now;
    await new Promise((r) => setTimeout(r, 250));
  } while (Date.now() < until);
  return now;
}

let run, browser, page;
const errors = [];

before(async () => {
  if (skip) return;
  run = await startLive(['--linger', '600']);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  page = await context.newPage();
  page.on('pageerror', (e) => errors.push(String(e)));
  await openLive(page, run.url);
  await page.waitForFunction(() => /^n\d$/.test(document.querySelector('.lab.live').dataset.leader), null, { timeout: 30_000 });
});

after(async () => {
  await browser?.close();
  if (run?.live.exitCode === null && run.live.signalCode === null) {
    run.live.kill('SIGINT');
    await run.exited;
  }
});

const state = () => page.$eval('.lab.live', (e) => ({ ...e.dataset }));

/// Runs a console line on the page; resolves with [ok, output] once its reply is shown.
async function line(text) {
  const before = await page.locator('#console-output .live-block').count();
  await page.fill('#console-input', text);
  await page.press('#console-input', 'Enter');
  const reply = page.locator('#console-output .live-block').nth(before).locator('.live-reply');
  await reply.waitFor({ timeout: 30_000 });
  return [await reply.getAttribute('data-ok'), await reply.textContent()];
}

/// Runs `text` until etcd accepts it (etcd refuses a member change while a member has
/// been connected for under 5 s, and a promotion until the learner has caught up).
async function until(text, ms) {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    last = await line(text);
    if (last[0] === 'true') return last;
    await new Promise((r) => setTimeout(r, 1000));
  }
  return last;
}

test('a put and a read on the real cluster, and its real messages on the links', { skip }, async () => {
  assert.deepEqual(await line('put greeting hello'), ['true', 'OK\n']);
  assert.deepEqual(await line('get greeting'), ['true', 'greeting\nhello\n']);
  // Heartbeats (every 100 ms) and their responses cross the links all the time.
  await page.waitForSelector('#cluster .msg', { timeout: 5_000 });
  await page.screenshot({ path: `${DOCS}live.en.png` });
  assert.deepEqual(errors, []);
});

test('killing the leader: a new leader with a higher term within 3 s', { skip }, async () => {
  const before = await state();
  const [ok, out] = await line('kill leader');
  const t0 = Date.now();
  assert.equal(ok, 'true');
  assert.equal(out, `${before.leader} killed (it was the leader)\n`);
  const after = await page.waitForFunction((old) => {
    const d = document.querySelector('.lab.live').dataset;
    return /^n\d$/.test(d.leader) && d.leader !== old.leader && +d.term > +old.term && { ...d };
  }, before, { timeout: 10_000, polling: 50 }).then((h) => h.jsonValue());
  const took = Date.now() - t0;
  assert.ok(took <= 3000, `the new leader ${after.leader} (term ${after.term}) came after ${took} ms`);
  assert.deepEqual(await line(`restart ${before.leader}`), ['true', `${before.leader} restarted from its disk\n`]);
  await page.waitForSelector(`#cluster g.node[data-node="${before.leader.slice(1)}"][data-alive="true"]`, { timeout: 20_000 });
  assert.deepEqual(errors, []);
});

test('a 1 | 2 partition: the minority\'s put times out, the majority goes on; heal', { skip }, async () => {
  // n1 alone (the console's default endpoint) against n2 and n3.
  assert.deepEqual(await line('partition n1 n2,n3'), ['true', 'partitioned: n1 | n2,n3\n']);
  await page.waitForFunction(() => ['n2', 'n3'].includes(document.querySelector('.lab.live').dataset.leader),
    null, { timeout: 10_000 });
  const t0 = Date.now();
  const [ok, out] = await line('put side minority --endpoints=n1');
  assert.equal(ok, 'false');
  assert.match(out, /^Error: (context deadline exceeded|etcdserver: request timed out)\n$/);
  assert.ok(Date.now() - t0 >= 4000, 'it waited for its timeout');
  assert.deepEqual(await line('put side majority --endpoints=n2'), ['true', 'OK\n']);
  assert.deepEqual(await line('heal'), ['true', 'healed: every link restored\n']);
  // Back in the cluster, n1 serves writes again and has the majority's value.
  const [healed] = await until('put side healed --endpoints=n1', 20_000);
  assert.equal(healed, 'true');
  assert.deepEqual(await line('get side --endpoints=n1'), ['true', 'side\nhealed\n']);
  assert.deepEqual(errors, []);
});

test('a learner: member add --learner, start, promote', { skip, timeout: 120_000 }, async () => {
  const [ok, out] = await until('member add n4 --learner', 30_000);
  assert.equal(ok, 'true', out);
  const id = out.match(/^Member ([0-9a-f]+) added to cluster [0-9a-f]+\n/)?.[1];
  assert.ok(id, out);
  assert.deepEqual(await line('start n4'), ['true', 'n4 started: it joins with --initial-cluster-state existing\n']);
  await page.waitForSelector('#cluster g.node[data-node="4"][data-alive="true"]', { timeout: 20_000 });
  const [promoted, said] = await until(`member promote ${id}`, 60_000);
  assert.equal(promoted, 'true', said);
  assert.match(said, new RegExp(`^Member ${id} promoted in cluster [0-9a-f]+\\n$`));
  const [, list] = await line('member list');
  assert.match(list, new RegExp(`^${id}, started, n4, http://n4:2380, http://n4:2379, false$`, 'm'));
  assert.deepEqual(await line('member add n10'), ['false', 'member add n10: refused: live mode runs at most 9 members (n1…n9)\n']);
  assert.deepEqual(errors, []);
});

test('after a SIGKILL of raftlab live, nothing is left', { skip }, async () => {
  assert.ok(sh('pgrep -x etcd').trim().split('\n').length >= 4, 'four members ran');
  run.live.kill('SIGKILL');
  await run.exited;
  const left = await waitClean(run.live.pid, run.port, 15_000);
  assert.deepEqual(left, { etcd: '', namespaces: '', dirs: '', port: false });
});

test('closing the page ends the run and cleans up after --linger', { skip, timeout: 90_000 }, async () => {
  const second = await startLive(['--linger', '2']);
  const p = await browser.newPage();
  await openLive(p, second.url);
  await p.close();
  const ended = await Promise.race([second.exited, new Promise((r) => setTimeout(() => r('still running'), 30_000))]);
  assert.deepEqual(ended, { code: 0, sig: null });
  const left = await waitClean(second.live.pid, second.port, 10_000);
  assert.deepEqual(left, { etcd: '', namespaces: '', dirs: '', port: false });
});

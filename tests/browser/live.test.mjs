// Live mode (issue 17) in headless Chromium against a real `raftlab live`: three etcd 3.4
// members, the built dist/ served by the bridge, and the page it opens.
//
// - The page says it is live (the badge with etcd's version), draws the real members with
//   the lab's picture, greys the time controls with the reason, and lists `member list`.
// - A console line shows its reply (`data-ok` from etcdctl's exit), the arrows recall it,
//   its puts and gets are checked as a client history, and selecting a member reads its keys.
// - Killing the leader on the page kills a real process: another member leads.
// - A lesson plays on the real cluster; its checks arrive with verdicts, sending is off
//   while it plays, and it ends with a summary.
// - When raftlab live stops, the page says so instead of keeping a stale picture.
//
// It needs root (network namespaces), etcd and etcdctl, and a release build
// (`cargo build --release --bin raftlab`); without them it is skipped and says why.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { CHROMIUM, ARGS, SHOTS, openLive } from './harness.mjs';

const ROOT = new URL('../../', import.meta.url).pathname;
const RAFTLAB = process.env.RAFTLAB || `${ROOT}target/release/raftlab`;
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
/// How long the members may take to start (a cold etcd in a busy CI box is slow).
const START_S = 120;

const has = (cmd) => { try { execFileSync('sh', ['-c', `command -v ${cmd}`]); return true; } catch { return false; } };
const skip = process.getuid?.() !== 0 ? 'live mode needs root (network namespaces)'
  : !has('etcd') || !has('etcdctl') ? 'etcd and etcdctl are not installed (make oracle installs them)'
  : !existsSync(RAFTLAB) ? `${RAFTLAB} is not built (cargo build --release --bin raftlab)`
  : false;



let live, url, browser, page, context;
const errors = [];

before(async () => {
  if (skip) return;
  live = spawn(RAFTLAB, ['live', '--members', '3', '--port', '0', '--dist', `${ROOT}dist`, '--linger', '120'],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let said = '';
  live.stderr.on('data', (d) => { said += d; process.stderr.write(d); });
  url = await new Promise((ok, fail) => {
    let out = '';
    live.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/open (http:\/\/127\.0\.0\.1:\d+\/#live=1&token=\w+)/);
      if (m) ok(m[1]);
    });
    live.on('exit', (code) => fail(new Error(`raftlab live exited (${code}) before it served the page:\n${out}${said}`)));
    // One real-etcd run at a time on a machine: another one (an oracle run, a raftlab live
    // left open) holds the lock, and this one would wait for as long as it runs.
    setTimeout(() => fail(new Error(`raftlab live did not serve the page within ${START_S} s`
      + (said.includes('waiting for another real run') ? ': another real-etcd run holds the lock' : `:\n${out}${said}`))),
    START_S * 1000).unref();
  });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  page = await context.newPage();
  page.on('pageerror', (e) => errors.push(String(e)));
  await openLive(page, url);
});

after(async () => {
  await browser?.close();
  if (live && live.exitCode === null) {
    // Ctrl-C: the members are killed and the namespaces removed; a run still waiting for
    // the lock has none, and is killed outright if it does not go.
    const gone = new Promise((ok) => live.once('exit', ok));
    live.kill('SIGINT');
    const late = setTimeout(() => live.kill('SIGKILL'), 15_000);
    await gone;
    clearTimeout(late);
  }
});

const root = () => page.$eval('.lab.live', (e) => ({ ...e.dataset }));
const leaderIs = () => page.waitForFunction(() => /^n\d$/.test(document.querySelector('.lab.live').dataset.leader),
  null, { timeout: 30_000 });

/// Runs a console line and waits for its reply block: [ok, output].
async function run(line) {
  const before = await page.locator('#console-output .live-block').count();
  await page.fill('#console-input', line);
  await page.press('#console-input', 'Enter');
  assert.equal(await page.inputValue('#console-input'), '', 'the prompt is cleared at once');
  const block = page.locator('#console-output .live-block').nth(before);
  assert.equal(await block.locator('.cmd').textContent(), `$ ${line}`);
  const reply = block.locator('.live-reply');
  await reply.waitFor({ timeout: 20_000 });
  return [await reply.getAttribute('data-ok'), await reply.textContent()];
}

test('the page says it is live and draws the real members', { skip }, async () => {
  await leaderIs();
  assert.match(await page.textContent('#live-badge'), /^LIVE: real etcd 3\.4\.\d+$/);
  const r = await root();
  assert.equal(r.members, '3');
  assert.equal(r.stale, 'false');
  assert.ok(+r.term >= 1 && +r.seq > 0, JSON.stringify(r));
  assert.equal(await page.locator('#cluster g.node').count(), 3);
  assert.equal(await page.locator('#cluster g.node.role-leader').count(), 1);
  for (const id of ['#play', '#step-back', '#step-message', '#step-tick', '#scrubber']) {
    assert.ok(await page.locator(id).isDisabled(), `${id} is greyed`);
  }
  assert.match(await page.textContent('#live-unseen'), /real time/);
  assert.equal(await page.locator('#live-members tbody tr').count(), 3);
  assert.match(await page.textContent('#live-status'), new RegExp(`leader ${r.leader} · term \\d+ · real time`));
  await page.screenshot({ path: SHOTS + 'live.png', fullPage: true });
  assert.deepEqual(errors, []);
});

test('axe-core: no serious or critical violations on the live page, light and dark', { skip }, async () => {
  await page.addScriptTag({ path: AXE });
  for (const colorScheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme });
    const serious = await page.evaluate(async () => {
      const r = await window.axe.run(document, { resultTypes: ['violations'] });
      return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
    });
    assert.deepEqual(serious, [], `${colorScheme}: ${JSON.stringify(serious, null, 1)}`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
});

test('console lines go to the real cluster; the arrows recall them; a member\'s keys are read', { skip }, async () => {
  assert.deepEqual(await run('put live-key hello'), ['true', 'OK\n']);
  const [ok, out] = await run('get live-key');
  assert.equal(ok, 'true');
  assert.match(out, /^live-key\nhello\n/);
  const [bad] = await run('get live-key --no-such-flag');
  assert.equal(bad, 'false', 'etcdctl exited non-zero');
  await page.press('#console-input', 'ArrowUp');
  assert.equal(await page.inputValue('#console-input'), 'get live-key --no-such-flag');
  await page.press('#console-input', 'ArrowUp');
  assert.equal(await page.inputValue('#console-input'), 'get live-key');
  await page.fill('#console-input', '');

  // The puts and gets are a client history, checked as the lab checks its own.
  await page.waitForFunction(() => /^linearizable: \d+ operations? on 1 key$/.test(
    document.querySelector('#history-verdict')?.textContent ?? ''), null, { timeout: 10_000 });
  assert.ok(await page.locator('#history-svg').count() === 1);

  await page.click('#cluster g.node[data-node="1"]');
  await page.waitForSelector('.live-keys[data-keys-of="1"] .store td.key', { timeout: 10_000 });
  assert.equal(await page.textContent('.live-keys .store td.key'), 'live-key');
  assert.deepEqual(errors, []);
});

test('killing the leader from the node menu: a real member dies and another leads', { skip }, async () => {
  await leaderIs();
  const old = (await root()).leader;
  await page.click(`#cluster g.node[data-node="${old.slice(1)}"]`);
  await page.click('#node-menu #kill');
  await page.waitForSelector(`#cluster g.node[data-node="${old.slice(1)}"][data-alive="false"]`, { timeout: 20_000 });
  await page.waitForFunction((old) => /^n\d$/.test(document.querySelector('.lab.live').dataset.leader)
    && document.querySelector('.lab.live').dataset.leader !== old, old, { timeout: 30_000 });
  await page.click('#node-menu #restart');
  await page.waitForSelector(`#cluster g.node[data-node="${old.slice(1)}"][data-alive="true"]`, { timeout: 30_000 });
  assert.deepEqual(errors, []);
});

test('a lesson plays on real etcd: steps, checks with verdicts, and a summary', { skip, timeout: 300_000 }, async () => {
  await page.selectOption('#live-lesson-select', 'lessons/en/03-leader-dies.md');
  await page.click('#live-lesson-play');
  // A lesson's fresh cluster may wait for the machine's one real-etcd lock first.
  await page.waitForSelector('#live-busy', { timeout: 120_000 });
  assert.ok(await page.locator('#console-send').isDisabled(), 'no sending while a lesson plays');
  assert.ok(await page.locator('#live-lesson-play').isDisabled());
  assert.equal(await page.inputValue('#live-lesson-select'), 'lessons/en/03-leader-dies.md', 'the choice stays');
  await page.waitForSelector('#live-lesson-title', { timeout: 60_000 });
  assert.equal(await page.textContent('#live-lesson-title'), 'The leader dies');
  const done = page.locator('#live-lesson-done');
  await done.waitFor({ timeout: 240_000 });
  const [held, failed, labOnly] = await Promise.all(['data-held', 'data-failed', 'data-lab-only'].map((a) => done.getAttribute(a)));
  const verdicts = await page.$$eval('#live-lesson .check', (r) => r.map((x) => x.dataset.verdict));
  assert.equal(verdicts.length, +held + +failed + +labOnly, 'every check was shown');
  assert.ok(+held > 0, `${held} held`);
  assert.equal(failed, '0', await page.textContent('#live-lesson'));
  assert.ok(verdicts.every((v) => ['held', 'failed', 'lab-only'].includes(v)));
  await page.waitForSelector('#live-busy', { state: 'detached', timeout: 30_000 });
  assert.ok(await page.locator('#console-send').isEnabled());
  await page.screenshot({ path: SHOTS + 'live-lesson.png', fullPage: true });
  assert.deepEqual(errors, []);
});

test('when raftlab live stops, the page says so instead of a stale picture', { skip }, async () => {
  live.kill('SIGINT');
  await page.waitForSelector('#live-gone', { timeout: 60_000 });
  assert.ok(['bye', 'dropped'].includes((await root()).link));
  assert.equal(await page.locator('#cluster').count(), 0, 'no picture of a cluster that is gone');
  assert.equal((await root()).leader, '—');
  await page.screenshot({ path: SHOTS + 'live-gone.png' });
  assert.deepEqual(errors, []);
});

// Browser tests for the safety strip (issue 16): four marks under the status line, one per
// Raft safety property, each with a visible name, a check glyph and a title that explains
// it. A red mark needs a bug to appear, so that case is tested natively
// (ui::safety_view, lab::timeline::tests::safety); here the strip must stay green through
// an election, a put, and a kill and restart of the leader.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SHOTS, startLab, stopLab, openPage } from './harness.mjs';


let browser, server, base;
before(async () => ({ browser, server, base } = await startLab()));
after(() => stopLab({ browser, server }));

const open = (hash = '#speed=1.5', options = {}) => openPage(browser, base + hash, options, '#cluster');

async function waitLeader(page, not = null) {
  await page.waitForFunction((not) => {
    const l = document.querySelector('.lab')?.dataset.leader;
    return l && l !== '—' && l !== not;
  }, not, { timeout: 30_000 });
  return page.locator('.lab').getAttribute('data-leader');
}

async function consoleLine(page, line) {
  await page.fill('#console-input', line);
  await page.press('#console-input', 'Enter');
}

const CHECKED = ', checked after every event on the real raft-rs nodes. It has held so far.';
const EXPECTED = [
  ['safety-election-safety', 'Election safety',
    'Election safety: at most one leader is elected in each term' + CHECKED],
  ['safety-log-matching', 'Log matching',
    'Log matching: two logs that hold an entry with the same index and term are identical up to that entry' + CHECKED],
  ['safety-leader-completeness', 'Leader completeness',
    "Leader completeness: a leader's log holds every entry committed before its term" + CHECKED],
  ['safety-state-machine-safety', 'State machine safety',
    'State machine safety: no two members apply different entries at the same index' + CHECKED],
];

/// Every mark as (id, class, visible text, title, aria-label).
async function marks(page) {
  return page.locator('#safety .safety-mark').evaluateAll((els) => els.map((e) => [
    e.id, e.className, e.textContent, e.getAttribute('title'), e.getAttribute('aria-label')]));
}

async function assertAllGreen(page, when) {
  assert.deepEqual(await marks(page), EXPECTED.map(([id, name, title]) =>
    [id, 'safety-mark ok', '✓' + name, title, title]), when);
  assert.equal(await page.locator('#safety-alarm').count(), 0, `no alarm ${when}`);
}

test('four green marks with their explanations after an election and a put', async () => {
  const { page, context, errors } = await open();
  await waitLeader(page);
  await consoleLine(page, 'put safe yes');
  await page.waitForFunction(() => document.querySelector('#transcript').innerText.includes('OK'));
  await assertAllGreen(page, 'after a put');
  // Below the status line, inside the picture section.
  const order = await page.evaluate(() => {
    const status = document.querySelector('section.picture #status');
    const strip = document.querySelector('section.picture #safety');
    return status && strip ? status.compareDocumentPosition(strip) & Node.DOCUMENT_POSITION_FOLLOWING : 0;
  });
  assert.ok(order, 'the strip follows the status line in the picture section');
  // Each mark can be reached from the keyboard, where its title is its accessible name.
  await page.focus('#safety-leader-completeness');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'safety-leader-completeness');
  await page.screenshot({ path: SHOTS + 'safety-strip.png' });
  assert.deepEqual(errors, []);
  await context.close();
});

test('the strip stays green through a kill and restart of the leader', async () => {
  const { page, context, errors } = await open();
  const leader = await waitLeader(page);
  await consoleLine(page, `kill ${leader}`);
  const next = await waitLeader(page, leader);
  assert.notEqual(next, leader);
  await consoleLine(page, `restart ${leader}`);
  await page.waitForFunction((id) =>
    document.querySelector(`g.node[data-node="${id}"]`)?.dataset.alive === 'true', leader.slice(1));
  await consoleLine(page, 'put after restart');
  await page.waitForFunction(() => document.querySelector('#transcript').innerText.includes('OK'));
  // Let the restarted member catch up through a few more seconds of play.
  const t0 = Number(await page.locator('.lab').getAttribute('data-now'));
  await page.waitForFunction((t0) => Number(document.querySelector('.lab').dataset.now) > t0 + 3000, t0);
  await assertAllGreen(page, 'after a kill and restart');
  assert.equal(await page.locator('.lab').getAttribute('data-playing'), 'true', 'a healthy run never pauses');
  assert.deepEqual(errors, []);
  await context.close();
});

test('in Chinese the marks use the standard terms', async () => {
  const { page, context } = await open('#speed=1.5', { locale: 'zh-CN' });
  await waitLeader(page);
  const names = await page.locator('#safety .safety-mark').evaluateAll((els) => els.map((e) => e.textContent));
  assert.deepEqual(names, ['✓选举安全', '✓日志匹配', '✓领导者完整性', '✓状态机安全']);
  const title = await page.locator('#safety-election-safety').getAttribute('title');
  assert.equal(title, '选举安全：每个任期最多选出一个领导者，在真实的 raft-rs 节点上每个事件之后都会检查。到目前为止一直成立。');
  await context.close();
});

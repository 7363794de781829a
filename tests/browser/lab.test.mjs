// Browser tests: the real built dist/ (served from a sub-path, as a course would host it)
// in headless Chromium through playwright-core. Each test saves a screenshot under
// target/screenshots/. Run by `make browser-test` (part of `make test`).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SHOTS, startLab, stopLab, openPage } from './harness.mjs';


let browser, server, base;
before(async () => ({ browser, server, base } = await startLab()));
after(() => stopLab({ browser, server }));

const open = (hash = '#speed=1.5', options = {}) => openPage(browser, base + hash, options, '#cluster');

const lab = (page) => page.locator('.lab');
const leaderOf = (page) => lab(page).getAttribute('data-leader');

async function waitLeader(page, not = null) {
  await page.waitForFunction((not) => {
    const l = document.querySelector('.lab')?.dataset.leader;
    return l && l !== '—' && l !== not;
  }, not, { timeout: 30_000 });
  return leaderOf(page);
}

async function pause(page) {
  if ((await lab(page).getAttribute('data-playing')) === 'true') await page.click('#play');
  await page.waitForFunction(() => document.querySelector('.lab').dataset.playing === 'false');
}

async function consoleLine(page, line) {
  await page.fill('#console-input', line);
  await page.press('#console-input', 'Enter');
}

test('the page loads with 5 nodes and elects a leader', async () => {
  const { page, context, errors } = await open();
  assert.equal(await page.locator('g.node').count(), 5);
  const leader = await waitLeader(page);
  assert.match(leader, /^n[1-5]$/);
  const role = await page.locator(`g.node[data-node="${leader.slice(1)}"]`).getAttribute('data-role');
  assert.equal(role, 'Leader');
  await page.screenshot({ path: SHOTS + 'loads-and-elects.png' });
  assert.deepEqual(errors, []);
  await context.close();
});

test('killing the leader from its menu elects another leader', async () => {
  const { page, context } = await open();
  const old = await waitLeader(page);
  await pause(page);
  await page.click(`g.node[data-node="${old.slice(1)}"]`);
  await page.click('#kill');
  assert.equal(await page.locator(`g.node[data-node="${old.slice(1)}"]`).getAttribute('data-alive'), 'false');
  await page.click('#play');
  const now = await waitLeader(page, old);
  assert.notEqual(now, old);
  await page.screenshot({ path: SHOTS + 'kill-leader.png' });
  await context.close();
});

test('put x 1 in the console shows x = 1 in every live store', async () => {
  const { page, context } = await open();
  await waitLeader(page);
  await consoleLine(page, 'put x 1');
  await page.waitForFunction(() => document.querySelector('#transcript').innerText.includes('OK'));
  await page.waitForFunction(() => [...document.querySelectorAll('.store')].every((s) =>
    s.querySelector('td.key')?.textContent === 'x' && s.querySelector('td.value')?.textContent === '1'),
  null, { timeout: 20_000 });
  assert.equal(await page.locator('.store td.key').count(), 5);
  await page.screenshot({ path: SHOTS + 'put-x-1.png' });
  await context.close();
});

test('a 2|3 partition keeps the minority from committing; healing converges', async () => {
  const { page, context } = await open();
  await waitLeader(page);
  await consoleLine(page, 'partition n1,n2 n3,n4,n5');
  await consoleLine(page, '--endpoints=n1 put minority 1');
  await page.waitForFunction(() => document.querySelector('#transcript').innerText.includes('context deadline exceeded'),
    null, { timeout: 20_000 });
  const leader = await waitLeader(page);
  assert.ok(['n3', 'n4', 'n5'].includes(leader), `the majority side leads, not ${leader}`);
  await consoleLine(page, '--endpoints=n3 put majority 1');
  await page.waitForFunction(() => document.querySelector('#transcript').innerText.split('OK').length > 1);
  await page.screenshot({ path: SHOTS + 'partition.png' });
  await consoleLine(page, 'heal');
  await page.waitForFunction(() => {
    const c = [...document.querySelectorAll('g.node')].map((n) => n.dataset.committed);
    return c.every((x) => x === c[0]) && [...document.querySelectorAll('.store')].every((s) =>
      [...s.querySelectorAll('td.key')].map((k) => k.textContent).join(',') === 'majority');
  }, null, { timeout: 30_000 });
  await page.screenshot({ path: SHOTS + 'healed.png' });
  await context.close();
});

test('step back, then step forward, gives the same picture', async () => {
  const { page, context } = await open();
  await waitLeader(page);
  await pause(page);
  const before = await page.locator('#cluster').innerHTML();
  const hash = await lab(page).getAttribute('data-hash');
  const now = Number(await lab(page).getAttribute('data-now'));
  await page.click('#step-back');
  await page.click('#step-back');
  assert.equal(Number(await lab(page).getAttribute('data-now')), now - 200);
  for (let i = 0; i < 4; i++) await page.click('#step-message');
  assert.equal(Number(await lab(page).getAttribute('data-now')), now);
  assert.equal(await lab(page).getAttribute('data-hash'), hash);
  assert.equal(await page.locator('#cluster').innerHTML(), before);
  await page.screenshot({ path: SHOTS + 'step-back-forward.png' });
  await context.close();
});

test('a share URL opened in a fresh page reproduces the same trace hash', async () => {
  const { page, context } = await open();
  const leader = await waitLeader(page);
  await consoleLine(page, `kill ${leader}`);
  await consoleLine(page, 'put shared yes');
  await pause(page);
  const hash = await lab(page).getAttribute('data-hash');
  const url = page.url();
  assert.match(url, /#run=/);
  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  await other.goto(url);
  await other.waitForSelector('#cluster');
  assert.equal(await other.locator('.lab').getAttribute('data-hash'), hash);
  assert.equal(await other.locator('.lab').getAttribute('data-playing'), 'false');
  await other.screenshot({ path: SHOTS + 'share-url.png' });
  await fresh.close();
  await context.close();
});

test('kill and restart work from the keyboard alone', async () => {
  const { page, context } = await open();
  const leader = await waitLeader(page);
  const id = leader.slice(1);
  await page.keyboard.press(id);
  await page.keyboard.press('k');
  const node = page.locator(`g.node[data-node="${id}"]`);
  assert.equal(await node.getAttribute('data-alive'), 'false');
  await page.keyboard.press('k');
  assert.equal(await node.getAttribute('data-alive'), 'true');
  await page.keyboard.press('?');
  assert.equal(await page.locator('#help').count(), 1);
  await page.screenshot({ path: SHOTS + 'keyboard.png' });
  await context.close();
});

test('the time keys, Escape, a line key and the prompt keys work as before', async () => {
  const { page, context, errors } = await open();
  await waitLeader(page);
  const playing = (on) => page.waitForFunction((on) => document.querySelector('.lab').dataset.playing === on, on);
  const state = () => page.evaluate(() => {
    const d = document.querySelector('.lab').dataset;
    return { now: Number(d.now), hash: d.hash };
  });
  // p and Space toggle play.
  await page.keyboard.press('p');
  await playing('false');
  await page.keyboard.press(' ');
  await playing('true');
  await page.keyboard.press('p');
  await playing('false');
  // Each step key moves the run on and leaves the clock paused; ',' steps back.
  for (const key of ['.', 't', 'n']) {
    const before = await state();
    await page.keyboard.press(key);
    await page.waitForFunction((b) => {
      const d = document.querySelector('.lab').dataset;
      return Number(d.now) > b.now || d.hash !== b.hash;
    }, before);
    assert.equal(await lab(page).getAttribute('data-playing'), 'false', key);
  }
  const before = await state();
  await page.keyboard.press(',');
  await page.waitForFunction((b) => Number(document.querySelector('.lab').dataset.now) < b, before.now);
  // A digit selects, ? opens the help, Escape closes both.
  await page.keyboard.press('1');
  await page.waitForSelector('#node-menu');
  await page.keyboard.press('?');
  await page.waitForSelector('#help');
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => !document.querySelector('#help') && !document.querySelector('#node-menu'));
  // h runs the line a click on Heal would.
  await page.keyboard.press('h');
  await page.waitForFunction(() => document.querySelector('#transcript').textContent.includes('$ heal'));
  // The prompt: arrow up recalls, arrow down clears, Tab completes; none is a shortcut.
  await consoleLine(page, 'put keys 1');
  await page.waitForFunction(() => document.querySelector('#transcript').textContent.includes('$ put keys 1'));
  await page.focus('#console-input');
  await page.keyboard.press('ArrowUp');
  assert.equal(await page.inputValue('#console-input'), 'put keys 1');
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.inputValue('#console-input'), '');
  await page.fill('#console-input', 'pu');
  await page.keyboard.press('Tab');
  assert.equal(await page.inputValue('#console-input'), 'put ');
  await page.keyboard.press('p');
  assert.equal(await page.inputValue('#console-input'), 'put p', 'a key typed into the prompt is not a shortcut');
  assert.equal(await lab(page).getAttribute('data-playing'), 'false');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the zh-CN UI renders', async () => {
  const { page, context } = await open('#speed=1.5', { locale: 'zh-CN' });
  await waitLeader(page);
  assert.equal(await page.locator('header h1').textContent(), 'Raft 实验室');
  assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
  await page.waitForFunction(() => document.querySelector('#cluster').textContent.includes('领导者'));
  await page.screenshot({ path: SHOTS + 'zh-cn.png' });
  await context.close();
});

test('a damaged share link says what is wrong and still opens a lab', async () => {
  const { page, context, errors } = await open('#run=AQ');
  await page.waitForSelector('#notice');
  assert.match(await page.locator('#notice').textContent(), /^the link's run is damaged/);
  assert.equal(await page.locator('g.node').count(), 5);
  assert.deepEqual(errors, []);
  await context.close();
});

test('in zh-CN a damaged link notice is in Chinese (ui::error_text), and the lab still opens', async () => {
  const { page, context, errors } = await open('#run=AQ', { locale: 'zh-CN' });
  await page.waitForSelector('#notice');
  assert.match(await page.locator('#notice').textContent(), /^链接中的运行记录已损坏（.+）；链接是不是被截断了？$/);
  assert.equal(await page.locator('g.node').count(), 5);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a put shows as pending while time is paused, and answers when it plays', async () => {
  const { page, context } = await open();
  await waitLeader(page);
  await pause(page);
  await consoleLine(page, 'put later 1');
  await page.waitForSelector('#transcript .item.pending');
  assert.match(await page.locator('#transcript .item.pending .wait').textContent(), /pending/);
  await page.click('#play');
  await page.waitForFunction(() => !document.querySelector('#transcript .item.pending')
    && document.querySelector('#transcript .item .out').textContent === 'OK\n');
  await page.screenshot({ path: SHOTS + 'pending.png' });
  await context.close();
});

test('leases count down in the leases panel', async () => {
  const { page, context } = await open('#speed=0');
  await waitLeader(page);
  await consoleLine(page, 'lease grant 60');
  await page.waitForSelector('#leases .ttl');
  const first = parseInt(await page.locator('#leases .ttl').textContent(), 10);
  await page.waitForFunction((first) => parseInt(document.querySelector('#leases .ttl').textContent, 10) < first - 2,
    first, { timeout: 20_000 });
  await page.screenshot({ path: SHOTS + 'leases.png' });
  await context.close();
});

test('the lab fits an 800x580 iframe and a phone in portrait without sideways scrolling', async () => {
  for (const viewport of [{ width: 800, height: 580 }, { width: 390, height: 844 }]) {
    const { page, context } = await open('#speed=1.5', { viewport });
    await waitLeader(page);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${viewport.width}px wide: ${overflow}px of sideways overflow`);
    await page.screenshot({ path: SHOTS + `layout-${viewport.width}x${viewport.height}.png` });
    await context.close();
  }
});

test('dragging a node onto another splits them off from the rest', async () => {
  const { page, context } = await open();
  await waitLeader(page);
  await pause(page);
  const center = async (id) => {
    const b = await page.locator(`g.node[data-node="${id}"] circle`).boundingBox();
    return [b.x + b.width / 2, b.y + b.height / 2];
  };
  const [x1, y1] = await center(1);
  const [x2, y2] = await center(2);
  await page.mouse.move(x2, y2);
  await page.mouse.down();
  await page.mouse.move((x1 + x2) / 2, (y1 + y2) / 2, { steps: 4 });
  await page.mouse.move(x1, y1, { steps: 4 });
  await page.mouse.up();
  await page.waitForFunction(() => document.querySelector('#transcript').innerText.includes('partition n1,n2 n3,n4,n5'));
  assert.match(await page.locator('#transcript').innerText(), /partitioned: n1,n2 \| n3,n4,n5/);
  assert.equal(await page.locator('line.link[data-from="1"][data-to="3"]').getAttribute('data-cut'), 'true');
  assert.equal(await page.locator('line.link[data-from="1"][data-to="2"]').getAttribute('data-cut'), 'false');
  await page.screenshot({ path: SHOTS + 'drag-partition.png' });
  await context.close();
});

test('a panic shows a readable message with a reload button, not a blank page', async () => {
  const { page, context } = await open();
  await waitLeader(page);
  await page.evaluate(() => { try { window.wasmBindings.panic_for_test(); } catch (_) { /* the trap */ } });
  await page.waitForSelector('#panic');
  assert.equal(await page.locator('#panic h1').textContent(), 'The lab hit an internal error');
  assert.match(await page.locator('#panic pre').textContent(), /a deliberate panic from the browser tests/);
  await page.click('#reload');
  await page.waitForSelector('g.node');
  await page.screenshot({ path: SHOTS + 'after-panic-reload.png' });
  await context.close();
});

test('a watch streams its events into its own panel', async () => {
  const { page, context } = await open();
  await waitLeader(page);
  await consoleLine(page, 'watch x');
  await consoleLine(page, 'put x 1');
  await consoleLine(page, 'put x 2');
  await page.waitForFunction(() => {
    const w = document.querySelector('#watches .watch');
    return w && /PUT x = 1/.test(w.textContent) && /PUT x = 2/.test(w.textContent);
  }, null, { timeout: 20_000 });
  await page.screenshot({ path: SHOTS + 'watch.png' });
  await context.close();
});

test('the global drop-rate slider sets every link', async () => {
  const { page, context } = await open();
  await waitLeader(page);
  await pause(page);
  await page.evaluate(() => {
    const s = document.querySelector('#drop-all');
    s.value = '20';
    s.dispatchEvent(new Event('change', { bubbles: true }));
  });
  await page.click('g.node[data-node="1"]');
  const values = await page.locator('#node-menu .faults input[type=number]').evaluateAll((xs) =>
    xs.filter((_, i) => i % 2 === 0).map((x) => x.value));
  assert.deepEqual(values, ['20', '20', '20', '20']);
  await context.close();
});

test('changing a setting starts a new run with it', async () => {
  const { page, context } = await open();
  await waitLeader(page);
  await pause(page);
  await page.fill('#set-nodes', '3');
  await page.press('#set-nodes', 'Tab');
  await page.waitForFunction(() => document.querySelectorAll('g.node').length === 3);
  assert.equal(await lab(page).getAttribute('data-now'), '0', 'the new run starts from the beginning');
  await context.close();
});

test('a slow disk is drawn on its node, and pulses while a write holds the node', async () => {
  const { page, context } = await open();
  const leader = await waitLeader(page);
  const id = leader.slice(1);
  await pause(page);
  await consoleLine(page, `disk ${leader} 800ms`);
  await page.waitForFunction(() => document.querySelector('#transcript').innerText.includes('800ms for every fsync'));
  const label = page.locator(`g.node[data-node="${id}"] text.slowdisk`);
  assert.equal(await label.textContent(), '⛁ fsync 800ms');
  // A put makes the leader write its log: while time is paused mid-write, the node says so.
  await consoleLine(page, 'put x 1');
  await page.click('#play');
  await page.waitForFunction((id) => document.querySelector(`g.node[data-node="${id}"]`).classList.contains('fsync'),
    id, { timeout: 20_000 });
  await page.screenshot({ path: SHOTS + 'slow-disk.png' });
  await consoleLine(page, `disk ${leader} 0`);
  await page.waitForFunction((id) => !document.querySelector(`g.node[data-node="${id}"] text.slowdisk`), id,
    { timeout: 20_000 });
  await context.close();
});

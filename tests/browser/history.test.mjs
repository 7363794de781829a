// Browser tests of the history panel: a stale serializable read made through the console
// is drawn on the timeline and named, and lesson 7's history step shows the panel in an
// embedded lab too. The lab is the built dist/ under /lab/ (see serve.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SHOTS, startLab, stopLab } from './harness.mjs';


const STALE = 'NOT linearizable: key x, get x --consistency=s → 1 returned a value no order allows (a stale read)';

let browser, server, base;
before(async () => ({ browser, server, base } = await startLab()));
after(() => stopLab({ browser, server }));

async function open(path) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(base + path);
  await page.waitForSelector('#cluster');
  return { page, context, errors };
}

async function consoleLine(page, line) {
  await page.fill('#console-input', line);
  await page.press('#console-input', 'Enter');
}

const texts = (loc) => loc.evaluateAll((els) => els.map((e) => e.textContent));

test('a stale read made in the console is drawn, marked and named by lab history', async () => {
  const { page, context, errors } = await open('#speed=1.5');
  await page.waitForFunction(() => /^n[1-5]$/.test(document.querySelector('.lab').dataset.leader), null, { timeout: 30_000 });
  await page.click('#play');
  await page.waitForFunction(() => document.querySelector('.lab').dataset.playing === 'false');
  assert.equal(await page.locator('#history').count(), 0, 'the panel starts closed');

  // Time moves only by `run`, so every reply below has arrived before the next line.
  for (const line of ['put x 1', 'run 1s', 'partition n1,n2 n3,n4,n5', 'run 4s',
    'put x 3 --endpoints=n3', 'run 1s', 'get x --consistency=s --endpoints=n1', 'run 200ms', 'lab history']) {
    await consoleLine(page, line);
  }
  await page.waitForSelector('#history');
  assert.equal(await page.locator('#history-verdict').textContent(), STALE);
  assert.equal(await page.locator('#history-verdict.violated').count(), 1);

  // One row per client endpoint: n1 (put x 1, the stale read) and n3 (put x 3).
  const rows = page.locator('#history-svg g.client-row');
  assert.equal(await rows.count(), 2);
  assert.deepEqual(await texts(rows.locator('.row-label')), ['client → n1', 'client → n3']);

  const bad = page.locator('#history-svg g.op.violation');
  assert.equal(await bad.count(), 1);
  assert.equal(await bad.locator('text').textContent(), 'get x --consistency=s → 1 ✗ cannot be placed: stale read');
  assert.equal(await bad.getAttribute('data-row'), '0');
  assert.deepEqual(await texts(page.locator('#history-svg g.op.placed text')), ['1 put x 1 → OK', '2 put x 3 → OK']);
  assert.equal(await page.locator('#history-svg polyline.lin-order[data-key="x"]').count(), 1);

  // The console printed the same verdict and the order before the stale read.
  const out = await page.locator('.console .out').first().textContent();
  assert.ok(out.startsWith(STALE + '\norder of x that could be placed:\n  1. put x 1 → OK  (n1 '), out);
  assert.match(out, /\ncannot be placed next: get x --consistency=s → 1 {2}\(n1 \d+-\d+ms\): stale read\n$/);
  await page.screenshot({ path: SHOTS + 'history-stale-read.png', fullPage: true });

  // The close button and the header toggle.
  await page.click('#history button.close');
  assert.equal(await page.locator('#history').count(), 0);
  await page.click('#history-toggle');
  assert.equal(await page.locator('#history-verdict').textContent(), STALE);
  assert.deepEqual(errors, []);
  await context.close();
});

test('embedded, lesson 7 opens the history panel at its history step', async () => {
  const { page, context, errors } = await open('?embed=1#lesson=partition&step=5');
  await page.waitForSelector('#lesson-panel[data-step="5"]');
  await page.waitForFunction(() => document.querySelector('#lesson-panel').dataset.status.startsWith('Ask'),
    null, { timeout: 60_000 });
  assert.equal(await page.locator('#history').count(), 0, 'not before the step runs history');
  await page.locator('#lesson-panel button.option').nth(1).click();
  await page.waitForFunction(() => document.querySelector('#lesson-panel').dataset.status.startsWith('StepDone'),
    null, { timeout: 60_000 });
  assert.equal(await page.locator('#lesson-panel li.check[data-state="fail"]').count(), 0);
  assert.equal(await page.locator('.lab.embed #history-verdict').textContent(), STALE);
  // Clients: n1 (put x 1 and the stale read), the old leader n2 (put x 2, unanswered) and
  // the new leader n5 (put x 3).
  assert.deepEqual(await texts(page.locator('#history-svg .row-label')), ['client → n1', 'client → n2', 'client → n5']);
  assert.equal(await page.locator('#history-svg g.op.violation').count(), 1);
  assert.deepEqual(await texts(page.locator('#history-svg g.op.unknown text')), ['put x 2 → no answer']);
  await page.screenshot({ path: SHOTS + 'history-lesson-embed.png', fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});

// Browser tests of the home page, the tour, the legend and the tooltips (issue 16): the
// built dist/ in headless Chromium, served under /lab/ as in lab.test.mjs. A bare URL in a
// fresh browser context is a first-time visitor; a second visit in the same context is a
// returning one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SHOTS, startLab, stopLab } from './harness.mjs';
import { readdirSync } from 'node:fs';

// The lessons the site ships, counted from its files (never a number written here).
const LESSONS_EN = readdirSync(new URL('../../dist/lessons/en/', import.meta.url)).filter((f) => f.endsWith('.md')).length;

let browser, server, base;
before(async () => ({ browser, server, base } = await startLab()));
after(() => stopLab({ browser, server }));

async function visit(path = '', options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(base + path);
  await page.waitForSelector('#home, .lab');
  return { page, context, errors };
}

test('a first visit to the bare URL shows the home: three doors and the lesson count', async () => {
  const { page, context, errors } = await visit();
  await page.waitForSelector('#home');
  assert.equal(await page.locator('#cluster').count(), 0, 'no lab behind the home');
  assert.equal(await page.locator('#home h1').textContent(), 'Raft Lab');
  assert.equal(await page.locator('#home .door').count(), 3);
  assert.equal(await page.locator('#door-lesson1 .door-title').textContent(), 'Start lesson 1');
  assert.equal(await page.locator('#door-lab .door-title').textContent(), 'Open the free lab');
  assert.equal(await page.locator('#door-lessons .door-title').textContent(), `Browse the ${LESSONS_EN} lessons`);
  assert.ok(LESSONS_EN > 1);
  // The language choice: two real buttons, each in its own language.
  assert.deepEqual(await page.locator('.home-lang button').evaluateAll((bs) => bs.map((b) => [b.lang, b.textContent, b.getAttribute('aria-pressed')])),
    [['en', 'English', 'true'], ['zh-CN', '中文', 'false']]);
  assert.equal(await page.locator('#home-tour').textContent(), 'What am I looking at?');
  assert.equal(await page.evaluate(() => location.hash), '', 'the home leaves the URL alone');
  await page.screenshot({ path: SHOTS + 'home.png', fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});

test('the free lab door opens the lab, and a second visit goes straight back to it', async () => {
  const { page, context, errors } = await visit();
  await page.click('#door-lab');
  await page.waitForSelector('#cluster');
  assert.equal(await page.locator('#home').count(), 0);
  assert.equal(await page.locator('g.node').count(), 5);
  assert.equal(await page.locator('.lab').getAttribute('data-playing'), 'true', 'the free lab plays at once');
  await page.goto(base);
  await page.waitForSelector('#home, .lab');
  assert.equal(await page.locator('#home').count(), 0, 'a returning visitor skips the home');
  await page.waitForSelector('#cluster');
  assert.equal(await page.locator('g.node').count(), 5);
  // The title leads back home, where the run waits paused.
  await page.click('#go-home');
  await page.waitForSelector('#home');
  await page.click('#door-lab');
  await page.waitForSelector('#cluster');
  assert.deepEqual(errors, []);
  await context.close();
});

test('an embed and a link with a fragment never show the home', async () => {
  for (const path of ['?embed=1', '#speed=1']) {
    const { page, context, errors } = await visit(path);
    await page.waitForSelector('#cluster');
    assert.equal(await page.locator('#home').count(), 0, path);
    assert.equal(await page.locator('g.node').count(), 5, path);
    assert.deepEqual(errors, [], path);
    await context.close();
  }
});

test('"Start lesson 1" opens lesson 1, and the next bare visit resumes it', async () => {
  const { page, context, errors } = await visit();
  await page.click('#door-lesson1');
  await page.waitForSelector('#lesson-panel');
  assert.equal(await page.locator('#lesson-panel').getAttribute('data-lesson'), 'cluster-born');
  assert.equal(await page.locator('#lesson-panel').getAttribute('data-step'), '1');
  assert.match(page.url(), /#lesson=cluster-born&step=1$/);
  await page.goto(base);
  await page.waitForSelector('#lesson-panel');
  assert.equal(await page.locator('#home').count(), 0);
  assert.equal(await page.locator('#lesson-panel').getAttribute('data-lesson'), 'cluster-born');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the lessons door opens the lesson list, in the chosen language', async () => {
  const { page, context } = await visit('', { locale: 'zh-CN' });
  await page.waitForSelector('#home');
  assert.equal(await page.locator('#home h1').textContent(), 'Raft 实验室');
  assert.equal(await page.locator('#door-lessons .door-title').textContent(), `浏览全部 ${LESSONS_EN} 节课程`);
  await page.screenshot({ path: SHOTS + 'home-zh.png' });
  await page.click('.home-lang button[lang="en"]');
  await page.waitForFunction(() => document.querySelector('#home h1').textContent === 'Raft Lab');
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  await page.click('#door-lessons');
  await page.waitForSelector('#lessons-page');
  assert.equal(await page.locator('#lessons-page .lesson-entry').count(), LESSONS_EN);
  await context.close();
});

test('the tour opens from the home, walks its five steps, and Escape closes it', async () => {
  const { page, context, errors } = await visit();
  await page.click('#home-tour');
  await page.waitForSelector('#tour');
  await page.waitForSelector('#cluster');
  const tour = page.locator('#tour');
  assert.equal(await tour.getAttribute('data-steps'), '5');
  assert.equal(await tour.getAttribute('data-step'), '1');
  assert.equal(await page.locator('#tour .tour-count').textContent(), 'Step 1 of 5');
  assert.equal(await page.locator('#tour-title').textContent(), 'The nodes');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'tour-next', 'focus is on Next');
  assert.equal(await page.locator('[data-tour-target]').count(), 1, 'its region is outlined');
  assert.equal(await page.evaluate(() => document.querySelector('[data-tour-target]').matches('#cluster .nodes')), true);
  await page.click('#tour-next');
  await page.waitForFunction(() => document.querySelector('#tour').dataset.step === '2');
  assert.equal(await page.locator('#tour-title').textContent(), 'Messages on the links');
  await page.click('#tour-back');
  await page.waitForFunction(() => document.querySelector('#tour').dataset.step === '1');
  for (const want of ['2', '3', '4', '5']) {
    await page.click('#tour-next');
    await page.waitForFunction((want) => document.querySelector('#tour').dataset.step === want, want);
  }
  assert.equal(await tour.getAttribute('data-region'), 'logs');
  assert.equal(await page.locator('#tour-next').textContent(), 'Done');
  await page.screenshot({ path: SHOTS + 'tour-logs.png' });
  await page.keyboard.press('Escape');
  await page.waitForSelector('#tour', { state: 'detached' });
  assert.equal(await page.locator('[data-tour-target]').count(), 0, 'no outline left behind');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the tour also opens from the ? help, and Done on the last step closes it', async () => {
  const { page, context } = await visit('#speed=1');
  await page.waitForSelector('#cluster');
  await page.click('button[aria-label="Keyboard shortcuts"]');
  await page.waitForSelector('#help');
  await page.click('#help-tour');
  await page.waitForSelector('#tour');
  assert.equal(await page.locator('#help').count(), 0, 'the help gives way to the tour');
  for (let i = 0; i < 4; i++) await page.click('#tour-next');
  await page.click('#tour-next');
  await page.waitForSelector('#tour', { state: 'detached' });
  await context.close();
});

test('tooltips: a node names its role and term, a log cell its index and term; the legend opens', async () => {
  const { page, context, errors } = await visit('#speed=1.5');
  await page.waitForFunction(() => /^n\d$/.test(document.querySelector('.lab')?.dataset.leader ?? ''), null, { timeout: 30_000 });
  await page.click('#play');
  await page.waitForFunction(() => document.querySelector('.lab').dataset.playing === 'false');
  const leader = (await page.locator('.lab').getAttribute('data-leader')).slice(1);
  const node = page.locator(`g.node[data-node="${leader}"]`);
  const term = await node.getAttribute('data-term');
  const title = await node.locator(':scope > title').textContent();
  assert.equal(title.split('\n')[0], `n${leader}: leader, term ${term}, voted for n${leader} in this term`);
  assert.match(title, /\np \d+ persisted: .*\nc \d+ committed: .*\na \d+ applied: /);
  const follower = page.locator('g.node[data-role="Follower"]').first();
  assert.match(await follower.locator('path.timer > title').textContent(), /^Election timer: \d+ of \d+ ticks/);
  assert.match(await page.locator('line.link').first().locator('title').textContent(), /^Link n\d → n\d: working/);
  // Messages: a tooltip naming the raft-rs type, and a label no node circle covers.
  const msgs = await page.evaluate(() => {
    const circles = [...document.querySelectorAll('g.node circle')].map((c) => ['cx', 'cy', 'r'].map((a) => Number(c.getAttribute(a))));
    return [...document.querySelectorAll('g.msg')].map((g) => {
      const [x, y, w, h] = ['x', 'y', 'width', 'height'].map((a) => Number(g.querySelector('rect').getAttribute(a)));
      const covered = circles.some(([cx, cy, r]) => {
        const nx = Math.min(Math.max(cx, x), x + w), ny = Math.min(Math.max(cy, y), y + h);
        return (nx - cx) ** 2 + (ny - cy) ** 2 < r * r;
      });
      return { title: g.querySelector('title').textContent, covered };
    });
  });
  for (const m of msgs) {
    assert.match(m.title, /^Msg\w+ n\d → n\d, term \d+(, rejected)?\n\S/);
    assert.equal(m.covered, false, m.title);
  }
  // A log cell: its own row's index and its own term.
  const cell = await page.evaluate(() => {
    const td = document.querySelector('#logs td.entry');
    return { title: td.title, index: td.parentElement.querySelector('th').textContent, term: td.querySelector('.term').textContent };
  });
  assert.ok(cell.title.startsWith(`Index ${cell.index}, term ${cell.term}, `), cell.title);
  assert.match(cell.title, /\n(committed and applied|committed, not yet applied|not committed yet)/);
  // The legend: collapsed, then open with a swatch per role.
  const legend = page.locator('#legend');
  assert.equal(await legend.evaluate((d) => d.open), false);
  await page.click('#legend summary');
  assert.equal(await legend.evaluate((d) => d.open), true);
  assert.equal(await page.locator('#legend .legend-role').count(), 6);
  await page.screenshot({ path: SHOTS + 'legend.png' });
  assert.deepEqual(errors, []);
  await context.close();
});

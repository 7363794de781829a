// Browser tests of lessons: the step panel, deep links, going back by time travel, the
// lessons page, embedding (postMessage with an origin allowlist), lessons loaded by URL,
// and lesson or URL input that tries to inject HTML or script. The lab is the built dist/
// under /lab/; a second server on another port plays the course site (another origin).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { chromium } from 'playwright-core';
import { serve } from './serve.mjs';
import { SHOTS, CHROMIUM, ARGS } from './harness.mjs';


const EVIL = `+++
id = "evil"
number = 90
title = "<img src=x onerror=\\"window.pwned='title'\\">"
language = "en"
summary = "tries to run script"
minutes = 1
level = "beginner"

[cluster]
nodes = 3
seed = 7
+++

<script>window.pwned = 'intro'</script>

## Step <b>one</b>

Raw <img src=x onerror="window.pwned='img'"> and [a link](javascript:window.pwned='link').

<iframe src="javascript:window.parent.pwned='iframe'"></iframe>

\`\`\`lab
wait until leader != none within 5s
predict: <img src=x onerror="window.pwned='question'">
option: <b>yes</b>
option: no
answer: 1
explain: <script>window.pwned='explain'</script>
expect term(leader) == 2
\`\`\`
`;

const BROKEN = `+++
id = "broken"
number = 91
title = "Broken"
language = "en"
summary = "has errors"
minutes = 1
level = "beginner"

[cluster]
nodes = 3
seed = 7
+++

## One

\`\`\`lab
frobnicate n1
expect role(n7) == learner
\`\`\`
`;

// One step whose second check is false: the embedding page must hear check-passed,
// check-failed and lesson-completed.
const FAILS = `+++
id = "fails"
number = 92
title = "Fails"
language = "en"
summary = "one false claim"
minutes = 1
level = "beginner"

[cluster]
nodes = 3
seed = 7
+++

## Only

\`\`\`lab
wait until leader != none within 5s
predict: Which term?
option: 2
option: 99
answer: 1
explain: The first election makes term 2.
expect term(leader) == 99
\`\`\`

SPOILER: the first election makes term 2.
`;

let browser, lab, course, labBase, courseOrigin;

function host(labUrl, { script = '' } = {}) {
  return `<!DOCTYPE html><html><body>
<iframe id="lab" width="800" height="580" src="${labUrl}"></iframe>
<script>
  window.events = [];
  window.addEventListener('message', (e) => { if (e.data && e.data.type === 'raftlab') window.events.push(e.data); });
  window.send = (msg) => document.getElementById('lab').contentWindow.postMessage({ type: 'raftlab', ...msg }, '*');
  ${script}
</script></body></html>`;
}

before(async () => {
  lab = await serve();
  labBase = `${lab.url}/lab/`;
  // The course site: another port, so another origin.
  course = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const cors = { 'access-control-allow-origin': '*' };
    if (url.pathname === '/evil.md') return res.writeHead(200, { 'content-type': 'text/markdown', ...cors }).end(EVIL);
    if (url.pathname === '/fails.md') return res.writeHead(200, { 'content-type': 'text/markdown', ...cors }).end(FAILS);
    if (url.pathname === '/broken.md') return res.writeHead(200, { 'content-type': 'text/markdown', ...cors }).end(BROKEN);
    if (url.pathname === '/host.html') {
      return res.writeHead(200, { 'content-type': 'text/html' }).end(host(url.searchParams.get('lab')));
    }
    res.writeHead(404).end();
  });
  await new Promise((ok) => course.listen(0, '127.0.0.1', ok));
  courseOrigin = `http://127.0.0.1:${course.address().port}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
});
after(async () => {
  await browser?.close();
  await lab?.close();
  await new Promise((ok) => course ? course.close(ok) : ok());
});

async function open(path) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  const dialogs = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('dialog', async (d) => { dialogs.push(d.message()); await d.dismiss(); });
  await page.goto(labBase + path);
  await page.waitForSelector('.lab');
  return { page, context, errors, dialogs };
}

const panel = (page) => page.locator('#lesson-panel');
const stepOf = async (page) => Number(await panel(page).getAttribute('data-step'));
const status = (page) => panel(page).getAttribute('data-status');

async function waitStatus(page, want, timeout = 60_000) {
  await page.waitForFunction((want) => document.querySelector('#lesson-panel')?.dataset.status.startsWith(want),
    want, { timeout });
}

async function speedUp(page) {
  await page.locator('#speed').fill('1');
}

test('a deep link opens a lesson at its step; your-turn and checks work; back rewinds', async () => {
  const { page, context, errors } = await open('#lesson=leader-dies&step=2');
  await page.waitForSelector('#lesson-panel');
  assert.equal(await stepOf(page), 2);
  assert.equal(await panel(page).getAttribute('data-lesson'), 'leader-dies');
  const stepStart = Number(await panel(page).getAttribute('data-step-start'));
  assert.ok(stepStart > 0, 'steps before the linked one were played');
  // Your turn: kill the leader from the picture.
  await waitStatus(page, 'Turn');
  const leader = await page.locator('.lab').getAttribute('data-leader');
  await page.click('#play');
  await page.click(`g.node[data-node="${leader.slice(1)}"]`);
  await page.click('#kill');
  await page.click('#play');
  await page.waitForFunction(() => document.querySelector('#turn-0')?.dataset.state === 'pass');
  await speedUp(page);
  await waitStatus(page, 'StepDone');
  const checks = page.locator('#lesson-panel li.check');
  assert.deepEqual(await checks.evaluateAll((ls) => ls.map((l) => l.dataset.state)), ['pass', 'pass', 'pass', 'pass']);
  assert.notEqual(await page.locator('.lab').getAttribute('data-leader'), leader);
  await page.screenshot({ path: SHOTS + 'lesson-step-done.png' });
  // Next, then back: the cluster returns to step 2's start (the killed leader is alive again).
  await page.click('#lesson-next');
  await page.waitForFunction(() => document.querySelector('#lesson-panel').dataset.step === '3');
  assert.match(await page.evaluate(() => location.hash), /lesson=leader-dies&step=3/);
  await page.click('#lesson-back');
  await page.waitForFunction(() => document.querySelector('#lesson-panel').dataset.step === '2');
  assert.equal(Number(await panel(page).getAttribute('data-step-start')), stepStart);
  assert.equal(await page.locator(`g.node[data-node="${leader.slice(1)}"]`).getAttribute('data-alive'), 'true');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a whole lesson played with Show me completes and is marked on the lessons page', async () => {
  const { page, context } = await open('#lesson=leader-dies');
  // The lesson file is fetched: until it arrives there is no panel to read a status from.
  await page.waitForSelector('#lesson-panel');
  await speedUp(page);
  for (let step = 1; step <= 5; step++) {
    for (;;) {
      await page.waitForFunction(() => /^(Ask|Turn|StepDone)/.test(document.querySelector('#lesson-panel').dataset.status),
        null, { timeout: 60_000 });
      const s = await status(page);
      if (s.startsWith('Ask')) {
        await page.locator('#lesson-panel button.option:not([disabled])').first().click();
      } else if (s.startsWith('Turn')) {
        await page.click('#show-me');
      } else break;
      await page.waitForFunction((s) => document.querySelector('#lesson-panel').dataset.status !== s, s);
    }
    assert.equal(await page.locator('#lesson-panel li.check[data-state="fail"]').count(), 0, `step ${step} checks pass`);
    if (step < 5) {
      await page.click('#lesson-next');
      await page.waitForFunction((n) => document.querySelector('#lesson-panel').dataset.step === String(n), step + 1);
    }
  }
  await page.waitForSelector('#lesson-done');
  await page.click('#lessons');
  await page.waitForSelector('#lessons-page');
  const entry = page.locator('li.lesson-entry[data-id="leader-dies"][data-lang="en"]');
  assert.equal(await entry.locator('.done-mark').count(), 1);
  await context.close();
});

test('the lessons page lists 24 lessons per language and filters by level', async () => {
  const { page, context } = await open('#lessons');
  await page.waitForSelector('#lessons-page');
  assert.equal(await page.locator('li.lesson-entry').count(), 24, 'English by default');
  await page.selectOption('#filter-lang', 'zh');
  assert.equal(await page.locator('li.lesson-entry[data-lang="zh"]').count(), 24);
  assert.match(await page.locator('li.lesson-entry').first().innerText(), /[\u4e00-\u9fff]/);
  await page.selectOption('#filter-lang', '');
  assert.equal(await page.locator('li.lesson-entry').count(), 48);
  await page.selectOption('#filter-level', 'beginner');
  const n = await page.locator('li.lesson-entry').count();
  assert.ok(n > 0 && n < 48, `${n} beginner lessons`);
  await page.screenshot({ path: SHOTS + 'lessons-page.png' });
  await page.locator('li.lesson-entry .open-lesson').first().click();
  await page.waitForSelector('#lesson-panel');
  await context.close();
});

test('embedded, the lab talks to an allowlisted course and ignores other origins', async () => {
  const labUrl = `${labBase}?embed=1&origins=${encodeURIComponent(courseOrigin)}#lesson=leader-dies`;
  const context = await browser.newContext({ viewport: { width: 900, height: 700 } });
  const page = await context.newPage();
  await page.goto(`${courseOrigin}/host.html?lab=${encodeURIComponent(labUrl)}`);
  const frame = page.frameLocator('#lab');
  await frame.locator('#lesson-panel').waitFor();
  await page.waitForFunction(() => window.events.some((e) => e.event === 'ready')
    && window.events.some((e) => e.event === 'step-changed' && e.step === 1));
  // Reduced chrome: no lessons button, no lower panels.
  assert.equal(await frame.locator('#lessons').count(), 0);
  assert.equal(await frame.locator('section.lower').count(), 0);
  assert.equal(await frame.locator('.lab.embed #cluster').count(), 1);
  await page.waitForFunction(() => window.events.some((e) => e.event === 'check-passed'), null, { timeout: 60_000 });
  const passed = await page.evaluate(() => window.events.find((e) => e.event === 'check-passed'));
  assert.equal(passed.lesson, 'leader-dies');
  assert.equal(passed.check, 'leader != none');
  await page.evaluate(() => window.send({ command: 'goto-step', step: 3 }));
  await frame.locator('#lesson-panel[data-step="3"]').waitFor();
  await page.waitForFunction(() => window.events.some((e) => e.event === 'step-changed' && e.step === 3));
  await page.evaluate(() => window.send({ command: 'load-lesson', id: 'mvcc' }));
  await frame.locator('#lesson-panel[data-lesson="mvcc"]').waitFor();
  await page.screenshot({ path: SHOTS + 'embedded.png' });
  await context.close();

  // The same lab, embedded by a page whose origin is not on the list: commands are ignored
  // and no event is sent to it.
  const other = await browser.newContext();
  const bad = await other.newPage();
  const strangerLab = `${labBase}?embed=1&origins=${encodeURIComponent('https://course.example')}#lesson=leader-dies`;
  await bad.goto(`${courseOrigin}/host.html?lab=${encodeURIComponent(strangerLab)}`);
  const f2 = bad.frameLocator('#lab');
  await f2.locator('#lesson-panel[data-step="1"]').waitFor();
  await bad.evaluate(() => window.send({ command: 'goto-step', step: 3 }));
  await bad.waitForTimeout(1000);
  assert.equal(await f2.locator('#lesson-panel').getAttribute('data-step'), '1');
  assert.deepEqual(await bad.evaluate(() => window.events), []);
  await other.close();
});

test('an embedding page hears check-failed and lesson-completed, and can reset', async () => {
  const labUrl = `${labBase}?embed=1&origins=${encodeURIComponent(courseOrigin)}#lesson-url=${encodeURIComponent(courseOrigin + '/fails.md')}`;
  const context = await browser.newContext({ viewport: { width: 900, height: 700 } });
  const page = await context.newPage();
  await page.goto(`${courseOrigin}/host.html?lab=${encodeURIComponent(labUrl)}`);
  const frame = page.frameLocator('#lab');
  await frame.locator('#lesson-panel[data-status^="Ask"]').waitFor();
  assert.doesNotMatch(await frame.locator('#lesson-panel').innerText(), /SPOILER|term\(leader\) == 99/,
    'neither the comment after the block nor the lines after the question show before the answer');
  await frame.locator('#lesson-panel button.option').first().click();
  await page.waitForFunction(() => window.events.some((e) => e.event === 'lesson-completed'), null, { timeout: 60_000 });
  const events = await page.evaluate(() => window.events.map((e) => [e.event, e.check ?? '', e.detail ?? '']));
  assert.deepEqual(events.filter(([e]) => e.startsWith('check')), [
    ['check-passed', 'leader != none', 'leader = n2'],
    ['check-failed', 'term(leader) == 99', 'term(leader) = 2'],
  ]);
  assert.equal(events.at(-1)[0], 'lesson-completed');
  assert.equal(await frame.locator('#lesson-panel li.check[data-state="fail"]').count(), 1);
  assert.match(await frame.locator('#lesson-panel').innerText(), /SPOILER: the first election makes term 2\./);
  const stepsChanged = events.filter(([e]) => e === 'step-changed').length;
  await page.evaluate(() => window.send({ command: 'reset' }));
  await page.waitForFunction((n) => window.events.filter((e) => e.event === 'step-changed').length > n, stepsChanged);
  await frame.locator('#lesson-panel[data-status^="Ask"]').waitFor();
  assert.equal(await frame.locator('#lesson-panel li.check[data-state="fail"]').count(), 0, 'a fresh run');
  await context.close();
});

test('a lesson loaded by URL: allowlisted origin only, errors shown with file:line:col', async () => {
  const enc = encodeURIComponent;
  // Same origin: the lesson files ship with the site.
  let { page, context } = await open(`#lesson-url=${enc('lessons/zh/03-leader-dies.md')}`);
  await page.waitForSelector('#lesson-panel[data-lesson="leader-dies"]');
  assert.match(await page.locator('#lesson-panel h2').innerText(), /[\u4e00-\u9fff]/);
  await context.close();
  // Another origin, not allowlisted: refused, and nothing fetched.
  ({ page, context } = await open(`#lesson-url=${enc(courseOrigin + '/evil.md')}`));
  await page.waitForSelector('#lesson-errors');
  assert.match(await page.locator('#lesson-errors').innerText(), /lessons load only from this site/);
  assert.equal(await page.locator('#lesson-panel').count(), 0);
  await context.close();
  // Allowlisted, but broken: every error with its place.
  ({ page, context } = await open(`?origins=${enc(courseOrigin)}#lesson-url=${enc(courseOrigin + '/broken.md')}`));
  await page.waitForSelector('#lesson-errors');
  const text = await page.locator('#lesson-errors').innerText();
  assert.match(text, /broken\.md:18:1: unknown or bad command: Error: unknown command "frobnicate" for "etcdctl"/);
  assert.match(text, /broken\.md:19:13: n7 does not exist here/);
  await page.screenshot({ path: SHOTS + 'lesson-errors.png' });
  await context.close();
});

test('HTML and script in a lesson or in the URL stay inert text', async () => {
  const enc = encodeURIComponent;
  let { page, context, dialogs, errors } = await open(`?origins=${enc(courseOrigin)}#lesson-url=${enc(courseOrigin + '/evil.md')}`);
  await page.waitForSelector('#lesson-panel[data-lesson="evil"]');
  await waitStatus(page, 'Ask');
  const panelText = await panel(page).innerText();
  assert.match(panelText, /<script>window\.pwned = 'intro'<\/script>/, 'raw HTML shows as text');
  assert.match(panelText, /Step <b>one<\/b>/);
  assert.equal(await panel(page).locator('script, iframe, img, b').count(), 0, 'no element came from the lesson');
  assert.equal(await panel(page).locator('a[href^="javascript"]').count(), 0);
  assert.equal(await panel(page).locator('a[href="#"]').count(), 1, 'the javascript: link points nowhere');
  await panel(page).locator('a[href="#"]').click();
  await page.locator('#lesson-panel button.option').first().click();
  await page.waitForSelector('#predict-1 .explain');
  assert.equal(await page.evaluate(() => window.pwned), undefined);
  assert.deepEqual(dialogs, []);
  assert.deepEqual(errors, []);
  await page.screenshot({ path: SHOTS + 'evil-lesson.png' });
  await context.close();
  // Script in the fragment: an unknown lesson id, said as text.
  ({ page, context, dialogs } = await open(`#lesson=${enc('<img src=x onerror=alert(1)>')}`));
  await page.waitForSelector('#notice');
  assert.match(await page.locator('#notice').innerText(), /no lesson with id "<img src=x onerror=alert\(1\)>"/);
  assert.equal(await page.locator('#notice img').count(), 0);
  assert.deepEqual(dialogs, []);
  await context.close();
});

// Layout, accessibility and the Chinese UI, in the built dist/ in headless Chromium.
//
// - Nothing overflows at 1280×800 (a laptop), 800×580 (a course's iframe) and 390×844 (a
//   phone), walking home → lesson 1 → its first predict step → back; at 1280×800 the
//   picture, the time controls, the console and the lesson panel are all on the first screen.
// - Nine members' logs are all readable at 1280 without scrolling sideways.
// - axe-core finds no serious or critical violation on the home, the lab and a lesson.
// - In Chinese, the text is drawn with a CJK font (the platform font Chromium used, and the
//   glyphs' full-width advances), not with empty boxes.
// - The README's screenshots (docs/*.png) are taken here, in English and Chinese, so they
//   show the site as it is.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { SHOTS, startLab, stopLab } from './harness.mjs';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');
const DOCS = new URL('../../docs/', import.meta.url).pathname;
const SIZES = [[1280, 800], [800, 580], [390, 844]];

let browser, server, base;
before(async () => ({ browser, server, base } = await startLab()));
after(() => stopLab({ browser, server }));

async function open(hash, { width = 1280, height = 800, locale = 'en-US', colorScheme = 'light' } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, locale, colorScheme });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(base + hash);
  await page.waitForSelector('.lab, #home');
  return { page, context, errors };
}

/// Every element drawn past the viewport's left or right edge, after the boxes that clip it
/// (a wide table in a panel that scrolls is fine while the panel itself fits).
async function overflow(page) {
  return page.evaluate(() => {
    const vw = document.documentElement.clientWidth;
    const bad = [];
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      let [left, right] = [r.left, r.right];
      for (let p = el.parentElement; p && p !== document.body && left < right; p = p.parentElement) {
        if (getComputedStyle(p).overflowX === 'visible') continue;
        const c = p.getBoundingClientRect();
        [left, right] = [Math.max(left, c.left), Math.min(right, c.right)];
      }
      if (left >= right || (left >= -1 && right <= vw + 1)) continue;
      const name = el.tagName.toLowerCase() + (el.id ? `#${el.id}` : '') +
        [...el.classList].map((c) => `.${c}`).join('');
      bad.push(`${name} spans ${Math.round(left)}..${Math.round(right)} px`);
    }
    return { scrollWidth: document.documentElement.scrollWidth, vw, bad: bad.slice(0, 8) };
  });
}

async function assertFits(page, where) {
  const o = await overflow(page);
  const [w, h] = [page.viewportSize().width, page.viewportSize().height];
  assert.deepEqual(o.bad, [], `${where} at ${w}×${h}: elements wider than the viewport`);
  assert.ok(o.scrollWidth <= o.vw, `${where} at ${w}×${h}: the page scrolls sideways (${o.scrollWidth} > ${o.vw} px)`);
}

/// The element's box, relative to the viewport.
const box = (page, sel) => page.locator(sel).first().evaluate((el) => {
  const r = el.getBoundingClientRect();
  return { top: r.top, bottom: r.bottom, left: r.left, right: r.right, height: r.height };
});

test('home → lesson 1 → its first predict step → back fits at 1280×800, 800×580 and 390×844', async () => {
  for (const [width, height] of SIZES) {
    const { page, context, errors } = await open('', { width, height });
    await page.waitForSelector('#home');
    await assertFits(page, 'the home');
    await page.click('#door-lesson1');
    await page.waitForSelector('#lesson-panel[data-lesson="cluster-born"]');
    await assertFits(page, 'lesson 1');
    // The first step asks who starts the first election.
    await page.waitForSelector('#lesson-panel li.predict button.option');
    assert.equal(await page.locator('#lesson-panel').getAttribute('data-step'), '1');
    await assertFits(page, 'lesson 1, its predict step');
    if (width === 1280) {
      // The first screen holds the picture, the time controls, the console and the lesson.
      for (const sel of ['#cluster', '.time', '#console-input', '#lesson-panel']) {
        const b = await box(page, sel);
        assert.ok(b.top >= 0 && b.bottom <= height + 0.5, `${sel} is off the first screen: ${b.top}..${b.bottom} of ${height}`);
      }
      // The lesson panel has room to read in, and scrolls by itself to its question.
      assert.ok((await box(page, '#lesson-panel')).height >= 360, 'the lesson panel is at least 360 px high');
      await page.locator('#lesson-panel li.predict').scrollIntoViewIfNeeded();
      const q = await box(page, '#lesson-panel li.predict');
      assert.ok(q.top >= 0 && q.bottom <= height + 0.5, `the question scrolls into view inside the panel: ${q.top}..${q.bottom}`);
      assert.equal(await page.evaluate(() => window.scrollY), 0, 'the page itself did not scroll');
    }
    await page.locator('#lesson-panel li.predict button.option').first().click();
    await page.click('#go-home');
    await page.waitForSelector('#home');
    await assertFits(page, 'back home');
    assert.deepEqual(errors, []);
    await context.close();
  }
});

test('the free lab fits at every size, with the picture, time controls and console on the first screen at 1280×800', async () => {
  for (const [width, height] of SIZES) {
    const { page, context, errors } = await open('#speed=1', { width, height });
    await page.waitForSelector('#cluster g.node');
    await assertFits(page, 'the lab');
    if (width === 1280) {
      for (const sel of ['#cluster', '.time', '#console-input']) {
        const b = await box(page, sel);
        assert.ok(b.top >= 0 && b.bottom <= height + 0.5, `${sel} is off the first screen: ${b.top}..${b.bottom} of ${height}`);
      }
      // The picture gets most of the screen, not a corner of it.
      assert.ok((await box(page, '#cluster')).height >= 500, 'the picture is at least 500 px high');
    }
    assert.deepEqual(errors, []);
    await context.close();
  }
});

test('embedded at 800×580, the lesson fits the frame: no scrolling either way', async () => {
  const { page, context, errors } = await open('?embed=1#lesson=leader-dies&step=2', { width: 800, height: 580 });
  await page.waitForSelector('#lesson-panel');
  await assertFits(page, 'the embedded lesson');
  const h = await page.evaluate(() => document.documentElement.scrollHeight);
  assert.ok(h <= 580, `the embedded page is ${h} px high in a 580 px frame`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('nine members: every log column is visible at 1280 px, readable, with no sideways scroll', async () => {
  const { page, context, errors } = await open('#speed=1');
  await page.fill('#set-nodes', '9');
  await page.press('#set-nodes', 'Tab');
  await page.waitForFunction(() => document.querySelectorAll('#cluster g.node').length === 9);
  await page.waitForFunction(() => document.querySelectorAll('#logs td.entry').length >= 9 * 5);
  await page.locator('#logs').scrollIntoViewIfNeeded();
  const heads = await page.locator('#logs thead th').evaluateAll((ths) => ths.map((th) => {
    const r = th.getBoundingClientRect();
    return { text: th.textContent, left: r.left, right: r.right, width: r.width };
  }));
  assert.deepEqual(heads.map((h) => h.text), ['#', 'n1', 'n2', 'n3', 'n4', 'n5', 'n6', 'n7', 'n8', 'n9']);
  const panel = await box(page, '.logs');
  for (const h of heads) {
    assert.ok(h.left >= panel.left && h.right <= panel.right + 0.5, `column ${h.text} is cut off: ${h.left}..${h.right}`);
    if (h.text !== '#') assert.ok(h.width >= 90, `column ${h.text} is ${h.width} px wide`);
  }
  const scroll = await page.locator('.logs').evaluate((el) => [el.scrollWidth, el.clientWidth]);
  assert.ok(scroll[0] <= scroll[1], `the logs scroll sideways with nine members: ${scroll}`);
  const px = await page.locator('#logs td.entry').first().evaluate((td) => parseFloat(getComputedStyle(td).fontSize));
  assert.ok(px >= 11.5, `log entries are ${px} px`);
  await page.screenshot({ path: SHOTS + 'nine-members.png', fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});

async function axe(page) {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  });
  return result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

test('axe-core: no serious or critical violations on the home, the lab and a lesson, light and dark', async () => {
  for (const colorScheme of ['light', 'dark']) {
    for (const [what, hash, ready] of [['the home', '', '#home'], ['the lab', '#speed=1', '#cluster g.node'],
      ['a lesson', '#lesson=partition&step=3', '#lesson-panel li'], ['the lessons page', '#lessons', '#lessons-page li']]) {
      const { page, context } = await open(hash, { colorScheme });
      await page.waitForSelector(ready);
      await page.waitForTimeout(500);
      const serious = await axe(page);
      assert.deepEqual(serious, [], `${what} (${colorScheme}): ${JSON.stringify(serious, null, 1)}`);
      await context.close();
    }
  }
});

/// The fonts Chromium actually drew an element's text with (DevTools' "Rendered Fonts").
async function renderedFonts(page, selector) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('DOM.enable');
  await cdp.send('CSS.enable');
  const { root } = await cdp.send('DOM.getDocument');
  const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
  const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
  return fonts;
}

test('in Chinese the text is drawn with a CJK font, at full-width advances, not as boxes', async () => {
  const { page, context, errors } = await open('#speed=1', { locale: 'zh-CN' });
  await page.waitForSelector('#cluster g.node');
  assert.equal(await page.locator('#go-home').textContent(), 'Raft 实验室');
  const fonts = await renderedFonts(page, '#go-home');
  const cjk = fonts.filter((f) => /CJK|Han|YaHei|PingFang|WenQuanYi|Hei|Song/i.test(f.familyName));
  assert.ok(cjk.length > 0 && cjk[0].glyphCount >= 3,
    `the title's Chinese is not drawn with a CJK font: ${JSON.stringify(fonts)}`);
  // A CJK glyph advances one em; a missing-glyph box is about half that.
  const ratio = await page.locator('#go-home').evaluate((h1) => {
    const ctx = document.createElement('canvas').getContext('2d');
    const style = getComputedStyle(h1);
    ctx.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    return ctx.measureText('实验室').width / (3 * parseFloat(style.fontSize));
  });
  assert.ok(ratio > 0.9 && ratio < 1.1, `a Chinese character advances ${ratio.toFixed(2)} em`);
  await page.screenshot({ path: SHOTS + 'zh-cjk.png' });
  assert.deepEqual(errors, []);
  await context.close();
});

/// Pauses the lab, so a screenshot shows one moment.
async function pause(page) {
  if ((await page.locator('.lab').getAttribute('data-playing')) === 'true') await page.click('#play');
  await page.waitForFunction(() => document.querySelector('.lab').dataset.playing === 'false');
}

test('the README screenshots: the home, a lesson step and the history view, in English and Chinese', async () => {
  for (const [lang, locale] of [['en', 'en-US'], ['zh', 'zh-CN']]) {
    // The home, as a first-time visitor sees it.
    let { page, context, errors } = await open('', { locale });
    await page.waitForSelector('#home');
    await page.screenshot({ path: `${DOCS}home.${lang}.png` });
    await context.close();

    // Lesson 7, step 3: the partition, with the prediction asked.
    ({ page, context, errors } = await open('#lesson=partition&step=3', { locale }));
    await page.waitForSelector('#lesson-panel li.predict button.option');
    await page.waitForTimeout(1500);
    await pause(page);
    await page.screenshot({ path: `${DOCS}lesson.${lang}.png` });
    await context.close();

    // The history view: a stale serializable read in the minority, found by the checker.
    ({ page, context, errors } = await open('#speed=1.5', { locale, height: 900 }));
    await page.waitForFunction(() => /^n[1-5]$/.test(document.querySelector('.lab').dataset.leader), null, { timeout: 30_000 });
    await pause(page);
    for (const line of ['put x 1', 'run 1s', 'partition n1,n2 n3,n4,n5', 'run 4s', 'put x 3 --endpoints=n3',
      'run 1s', 'get x --consistency=s --endpoints=n1', 'run 200ms', 'lab history']) {
      await page.fill('#console-input', line);
      await page.press('#console-input', 'Enter');
    }
    await page.waitForSelector('#history-verdict.violated');
    await page.locator('#history').scrollIntoViewIfNeeded();
    await page.locator('#history').screenshot({ path: `${DOCS}history.${lang}.png` });
    assert.deepEqual(errors, []);
    await context.close();
  }
});

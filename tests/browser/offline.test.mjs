// Browser test of the offline site: after one visit the service worker has cached the lab,
// so with the network cut (Chromium offline, and the server itself gone) a reload still
// runs the lab, a lesson still opens, and the page arrives at once, not after a timeout.
// Also: the web app manifest that makes the site installable. Run by `make browser-test`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve } from './serve.mjs';
import { SHOTS, startLab, stopLab } from './harness.mjs';
import { readFileSync } from 'node:fs';


let browser, server, base;
before(async () => ({ browser, server, base } = await startLab()));
after(() => stopLab({ browser, server }));

async function waitLeader(page) {
  await page.waitForFunction(() => {
    const l = document.querySelector('.lab')?.dataset.leader;
    return l && l !== '—';
  }, null, { timeout: 30_000 });
  return page.locator('.lab').getAttribute('data-leader');
}

test('the manifest names the icons, start_url and standalone display, all relative', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(base + '#speed=1.5');
  const href = await page.locator('link[rel="manifest"]').getAttribute('href');
  assert.equal(href, 'manifest.webmanifest');
  const got = await page.evaluate(async (href) => {
    const r = await fetch(href);
    return { type: r.headers.get('content-type'), body: await r.json() };
  }, href);
  assert.equal(got.type, 'application/manifest+json');
  const m = got.body;
  assert.equal(m.name, 'Raft Lab');
  assert.equal(m.start_url, './');
  assert.equal(m.scope, './');
  assert.equal(m.display, 'standalone');
  assert.deepEqual(m.icons.map((i) => [i.src, i.sizes, i.type]), [
    ['icon.svg', 'any', 'image/svg+xml'],
    ['icon-192.png', '192x192', 'image/png'],
    ['icon-512.png', '512x512', 'image/png'],
  ]);
  // Every icon is served, as what it claims to be; the page's own icon is the SVG.
  for (const icon of m.icons) {
    const type = await page.evaluate(async (src) => (await fetch(src)).headers.get('content-type'), icon.src);
    assert.equal(type, icon.type, icon.src);
  }
  assert.equal(await page.locator('link[rel="icon"]').getAttribute('href'), 'icon.svg');
  assert.equal(await page.locator('meta[name="theme-color"]').count(), 2);
  await context.close();
});

test('after one visit the lab and a lesson work with the network cut', async () => {
  // A server of its own: this test takes it down.
  const own = await serve();
  const ownBase = `${own.url}/lab/`;
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  // Closed whatever happens: a failed assertion must not leave the server holding the
  // test process open.
  try {
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(ownBase + '#speed=1.5');
    await page.waitForSelector('#cluster');
    assert.equal(await page.locator('g.node').count(), 5);

    // The worker installs (precaching the page, its hashed files and the lessons) and then
    // claims this page.
    const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
    assert.equal(scope, ownBase, 'the worker covers its own directory, the sub-path');
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 15_000 });
    const cached = await page.evaluate(async () => {
      const names = await caches.keys();
      const keys = await (await caches.open(names[0])).keys();
      return { names, paths: keys.map((r) => new URL(r.url).pathname) };
    });
    assert.deepEqual(cached.names, [`raftlab-v1@${ownBase}`], 'one cache, for this scope');
    for (const want of [/\/lab\/$/, /\/lab\/index\.html$/, /\/lab\/manifest\.webmanifest$/, /\/lab\/icon\.svg$/,
      /\/lab\/raftlab-[0-9a-f]+_bg\.wasm$/, /\/lab\/lessons\/en\/03-leader-dies\.md$/,
      /\/lab\/lessons\/zh\/03-leader-dies\.md$/]) {
      assert.ok(cached.paths.some((p) => want.test(p)), `${want} is not cached: ${cached.paths.join(' ')}`);
    }
    // Every file the page loaded before the worker existed: its stylesheets, script and wasm.
    const linked = await page.evaluate(() => [...document.querySelectorAll(
      'link[rel="stylesheet"], link[rel="modulepreload"], link[rel="preload"]')].map((l) => new URL(l.href).pathname));
    // As many stylesheets as index.html asks trunk for.
    const sheets = (readFileSync(new URL('../../index.html', import.meta.url), 'utf8').match(/rel="css"/g) || []).length;
    assert.equal(linked.filter((p) => p.endsWith('.css')).length, sheets, linked.join(' '));
    for (const p of linked) assert.ok(cached.paths.includes(p), `${p} is not cached`);
    assert.equal(cached.paths.filter((p) => p.includes('/lessons/')).length, 48, 'every built-in lesson');

    // The network is cut: Chromium offline, and the site gone (nothing could answer).
    await context.setOffline(true);
    await own.halt();
    await page.reload();
    await page.waitForSelector('#cluster');
    assert.equal(await page.locator('g.node').count(), 5);
    assert.match(await waitLeader(page), /^n[1-5]$/);
    // The page came from the worker without waiting out the network (3 s).
    const nav = await page.evaluate(() => {
      const n = performance.getEntriesByType('navigation')[0];
      return { workerStart: n.workerStart, ms: n.responseEnd - n.startTime };
    });
    assert.ok(nav.workerStart > 0, 'served by the service worker');
    assert.ok(nav.ms < 1500, `the page took ${nav.ms} ms offline`);
    await page.screenshot({ path: SHOTS + 'offline-lab.png' });

    // A lesson opens offline too, in a new tab, from its link.
    const tab = await context.newPage();
    tab.on('pageerror', (e) => errors.push(String(e)));
    await tab.goto(ownBase + '#lesson=leader-dies');
    await tab.waitForSelector('#lesson-panel[data-lesson="leader-dies"]', { timeout: 30_000 });
    assert.equal(await tab.locator('g.node').count(), 3, 'the lesson\'s own cluster');
    assert.match(await tab.locator('#lesson-panel').textContent(), /The leader dies/);
    await tab.screenshot({ path: SHOTS + 'offline-lesson.png' });
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
    await own.halt();
  }
});

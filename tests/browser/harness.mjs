// What every browser test file shares: headless Chromium from the system (playwright-core's
// own download does not work here), the flags that keep it quiet, the screenshot folder,
// and the built dist/ served under /lab/ (a sub-path, as a course would host it).
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { serve } from './serve.mjs';

export const SHOTS = new URL('../../target/screenshots/', import.meta.url).pathname;
mkdirSync(SHOTS, { recursive: true });
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--no-first-run'];

/// A server for dist/ and a browser; the caller closes both (`after`).
export async function startLab() {
  const server = await serve();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  return { server, browser, base: `${server.url}/lab/` };
}

/// Closes what `startLab` opened.
export async function stopLab({ browser, server }) {
  await browser?.close();
  await server?.close();
}

/// A fresh browser context on `url`, once `ready` is on the page, with the page's uncaught
/// errors collected (every test asserts there were none).
export async function openPage(browser, url, options = {}, ready = '#cluster') {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  await page.waitForSelector(ready);
  return { page, context, errors };
}

/// Opens the live page. A first load now and then leaves a script request unanswered (seen
/// about once in six loads right after another run ended; see the issue-17 note): the
/// page is reloaded once if it is not drawn within 15 s.
export async function openLive(page, url) {
  await page.goto(url, { waitUntil: 'commit' });
  const drawn = '.lab.live[data-link="up"] #cluster g.node';
  try {
    await page.waitForSelector(drawn, { timeout: 15_000 });
  } catch {
    await page.reload({ waitUntil: 'commit' });
    await page.waitForSelector(drawn, { timeout: 45_000 });
  }
}

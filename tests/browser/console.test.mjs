// Browser tests of the console's invitation: example lines while it is empty (a click
// fills the prompt, Enter runs), and the completions of the word being typed, listed with
// etcdctl's help under the prompt. Run by `make browser-test`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SHOTS, startLab, stopLab, openPage } from './harness.mjs';


let browser, server, base;
before(async () => ({ browser, server, base } = await startLab()));
after(() => stopLab({ browser, server }));

const open = (hash = '#speed=1.5', options = {}) => openPage(browser, base + hash, options, '#console-input');

const input = (page) => page.locator('#console-input');
const listed = (page) => page.locator('#console-suggestions [role="option"]');

test('an empty console offers example lines; a click fills the prompt, Enter runs it', async () => {
  const { page, context, errors } = await open();
  const examples = page.locator('#console-examples button.example');
  assert.deepEqual(await examples.allTextContents(),
    ['put greeting hello', 'get greeting -w json', 'endpoint status --cluster -w table']);
  assert.equal(await page.locator('#console-examples p').first().textContent(), 'Try a command:');
  await page.screenshot({ path: SHOTS + 'console-examples.png' });

  await examples.nth(0).click();
  assert.equal(await input(page).inputValue(), 'put greeting hello');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'console-input', 'the prompt has the focus');
  assert.equal(await page.locator('#transcript .item').count(), 0, 'filled, not run');

  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('#transcript').innerText.includes('$ put greeting hello'));
  assert.equal(await page.locator('#console-examples').count(), 0, 'the examples are gone once a line ran');
  assert.equal(await input(page).inputValue(), '');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the examples speak the UI language; the commands stay etcdctl English', async () => {
  const { page, context } = await open('#speed=1.5', { locale: 'zh-CN' });
  assert.equal(await page.locator('#console-examples p').first().textContent(), '试试这些命令：');
  assert.equal(await page.locator('#console-examples button.example').first().textContent(), 'put greeting hello');
  await context.close();
});

test('typing a flag lists the completions with etcdctl help; a click inserts one', async () => {
  const { page, context, errors } = await open();
  assert.equal(await page.locator('#console-suggestions').isVisible(), false, 'nothing listed for an empty prompt');
  await input(page).fill('get x --');
  const prefix = listed(page).filter({ has: page.locator('code.word', { hasText: /^--prefix$/ }) });
  await prefix.waitFor();
  assert.equal(await prefix.locator('.help').textContent(), 'Get keys with matching prefix');
  const words = await listed(page).locator('code.word').allTextContents();
  assert.deepEqual(words.slice(0, 9), ['--consistency=', '--from-key', '--keys-only', '--limit=', '--order=',
    '--prefix', '--print-value-only', '--rev=', '--sort-by='], 'get\'s own flags first');
  assert.equal(words.length, 28);
  assert.equal(await input(page).getAttribute('aria-expanded'), 'true');
  await page.screenshot({ path: SHOTS + 'console-suggestions.png' });

  await prefix.click();
  assert.equal(await input(page).inputValue(), 'get x --prefix ');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'console-input');
  assert.equal(await listed(page).count(), 0, 'a finished flag offers nothing more');
  assert.equal(await input(page).getAttribute('aria-expanded'), 'false');
  assert.deepEqual(errors, []);
  await context.close();
});

test('arrows walk the list, Enter picks, Escape closes it, and closed the arrows recall lines', async () => {
  const { page, context } = await open();
  await input(page).fill('le');
  assert.deepEqual(await listed(page).locator('code.word').allTextContents(), ['leader', 'lease']);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  assert.equal(await input(page).getAttribute('aria-activedescendant'), 'suggestion-1');
  assert.equal(await listed(page).nth(1).getAttribute('aria-selected'), 'true');
  await page.keyboard.press('Enter');
  assert.equal(await input(page).inputValue(), 'lease ');
  assert.equal(await page.locator('#transcript .item').count(), 0, 'Enter on a completion picks it, runs nothing');
  assert.deepEqual(await listed(page).locator('code.word').allTextContents(),
    ['grant', 'keep-alive', 'list', 'revoke', 'timetolive'], 'a group lists its subcommands');

  await page.keyboard.press('Escape');
  assert.equal(await page.locator('#console-suggestions').isVisible(), false);
  await input(page).fill('status');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('#transcript').innerText.includes('$ status'));
  await input(page).fill('le');
  await page.keyboard.press('Escape');
  await page.keyboard.press('ArrowUp');
  assert.equal(await input(page).inputValue(), 'status', 'with the list closed, arrow up recalls');
  await context.close();
});

// The dev SMS inbox page (web/dev-sms.html) in a real browser against a server running the
// dev gateway in test mode: it lists a phone's messages, newest first, and shows the server's
// Russian message for a bad phone. A console error or an uncaught exception (CSP violations
// land there) fails the test.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chromium } from 'playwright-core';
import { startServer } from '../e2e/lib/server.mjs';

const CHROMIUM = process.env.PARTA_CHROMIUM || '/usr/bin/chromium';
const TIMEOUT = 15_000;

let server;
let browser;

before(async () => {
  server = await startServer({ env: { PARTA_SMS_GATEWAY: 'dev' } });
  const ins = spawnSync('sqlite3', [server.db, "INSERT INTO sms_outbox(phone, text, created_at) VALUES "
    + "('+79991234567', 'Код: 111111', 10), ('+79990000000', 'Код: 222222', 11), "
    + "('+79991234567', 'Код: 333333', 12)"], { encoding: 'utf8' });
  assert.equal(ins.status, 0, ins.stderr);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('the inbox page lists a phone\'s messages and explains a bad phone', async () => {
  const page = await browser.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error' && !/422/.test(m.text())) problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(String(e)));
  await page.goto(server.url + '/dev-sms.html?phone=%2B79991234567', { timeout: TIMEOUT });
  const items = page.locator('#messages li');
  await items.nth(1).waitFor({ timeout: TIMEOUT });
  assert.equal(await items.count(), 2);
  assert.match(await items.nth(0).innerText(), /Код: 333333/);
  assert.match(await items.nth(1).innerText(), /Код: 111111/);
  assert.match(await items.nth(0).innerText(), /\+79991234567/);

  await page.fill('#phone', '8999');
  await page.click('button[type=submit]');
  await page.locator('#error:not(:empty)').waitFor({ timeout: TIMEOUT });
  assert.match(await page.locator('#error').innerText(), /\+79991234567/);
  assert.equal(await page.locator('#phone').getAttribute('aria-invalid'), 'true');
  assert.deepEqual(problems, []);
  await page.close();
});

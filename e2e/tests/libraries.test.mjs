// The library registry in a real browser: a district officer signs in,
// registers a library in a village chosen with the type-ahead, finds it
// again, and gets a usable error summary when the form is wrong.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  launch, newContext, signIn, fetchJson, magetanVillage, screenshotPath, PHONE, DESKTOP,
} from '../lib/lentera.mjs';

let browser;
let context;
let page;

before(async () => {
  browser = await launch();
  context = await newContext(browser);
  page = await context.newPage();
  await signIn(page);
});

after(async () => {
  await browser?.close();
});

test('sign in, create a library in a chosen village, find it again', { timeout: 90_000 }, async () => {
  const village = await magetanVillage(page);
  const name = `Perpustakaan Uji Peramban ${Date.now()}`;

  // The list (first page of the Administrasi group, also in its submenu),
  // then the add button.
  await page.locator('header').getByRole('link', { name: 'Administrasi', exact: true }).click();
  await page.waitForURL('**/libraries');
  await page.getByRole('navigation', { name: 'Administrasi' }).getByRole('link', { name: 'Perpustakaan', exact: true }).click();
  await page.waitForURL('**/libraries');
  await page.getByRole('link', { name: 'Tambah perpustakaan' }).click();
  await page.waitForURL('**/libraries/new');

  // Fill the form with the keyboard where that is natural.
  await page.locator('#f-kind').selectOption({ label: 'Perpustakaan desa' });
  const nameField = page.locator('#f-name');
  await nameField.focus();
  await page.keyboard.type(name);

  // The village: type its name, wait for the suggestions, then take its code.
  const villageField = page.locator('#f-village_code');
  await villageField.focus();
  await page.keyboard.type(village.display_name, { delay: 20 });
  await page.locator(`#l-village_code option[value="${village.code}"]`).waitFor({ state: 'attached' });
  const suggestion = await page.locator(`#l-village_code option[value="${village.code}"]`).textContent();
  assert.equal(suggestion, village.path, 'the suggestion shows the full path');
  await page.keyboard.press('Control+A');
  await page.keyboard.type(village.code);
  const path = page.locator('#p-village_code');
  await assertEventually(async () => (await path.textContent()).trim() === village.path,
    `the full path "${village.path}" appears under the village field`);
  assert.equal(await path.getAttribute('aria-live'), 'polite', 'the path is announced');
  // A value that is no longer that village's code shows no (stale) path.
  await page.keyboard.press('Backspace');
  await assertEventually(async () => (await path.textContent()).trim() === '',
    'the path disappears when the code is changed');
  await page.keyboard.type(village.code.slice(-1));
  await assertEventually(async () => (await path.textContent()).trim() === village.path,
    'the path comes back with the full code');

  await Promise.all([
    page.waitForURL(/\/libraries\/[^/?]+\?saved=1$/),
    page.getByRole('button', { name: 'Simpan' }).click(),
  ]);

  // The library's page.
  const libraryUrl = page.url();
  assert.equal((await page.locator('h1').textContent()).trim(), name);
  assert.match(await page.locator('[role=status]').first().textContent(), /\S/, 'a "saved" notice');
  const villageLink = page.locator(`main a[href="/regions/${village.code}"]`);
  assert.equal((await villageLink.textContent()).trim(), village.path, 'the village path is shown');
  assert.match(await page.locator('main').textContent(), /Perpustakaan desa/);

  // Screenshots for a human look at the layout.
  await page.setViewportSize(DESKTOP);
  await page.screenshot({ path: screenshotPath('library-1366x768.png'), fullPage: true });
  await page.setViewportSize(PHONE);
  await page.screenshot({ path: screenshotPath('library-360x740.png'), fullPage: true });
  await page.setViewportSize(DESKTOP);

  // Found again through the list's search…
  await page.goto(`/libraries?q=${encodeURIComponent(name)}`);
  const row = page.locator('main table tbody tr');
  assert.equal(await row.count(), 1, 'one row');
  const link = row.getByRole('link', { name });
  assert.equal(new URL(await link.getAttribute('href'), libraryUrl).pathname, new URL(libraryUrl).pathname);
  assert.match(await row.textContent(), new RegExp(escapeRe(village.path)));

  // …and through the API, with the browser's own cookie session.
  const api = await fetchJson(page, `/api/v1/libraries?q=${encodeURIComponent(name)}`);
  assert.equal(api.status, 200);
  assert.equal(api.body.total, 1, 'the API finds exactly one');
  assert.equal(api.body.items[0].name, name);
  assert.equal(api.body.items[0].village_code, village.code);
});

test('validation in the browser: error summary with links, typed values kept, nothing saved', { timeout: 60_000 }, async () => {
  const before = await fetchJson(page, '/api/v1/libraries');
  assert.equal(before.status, 200);

  await page.goto('/libraries/new');
  await page.locator('#f-kind').selectOption({ label: 'Perpustakaan desa' });
  await page.locator('#f-village_code').fill('3520019999');
  const response = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/libraries');
  await page.getByRole('button', { name: 'Simpan' }).click();
  assert.equal((await response).status(), 422, 'the form comes back as 422');
  await page.waitForLoadState('load');

  // The summary is an alert and has the focus (app.js moves it there).
  const summary = page.locator('.error-summary[role=alert]');
  await summary.waitFor();
  await assertEventually(() => summary.evaluate((el) => el === document.activeElement),
    'the error summary receives focus');

  // Each problem links to its field; following a link puts focus on the field.
  for (const field of ['name', 'village_code']) {
    const link = summary.locator(`a[href="#f-${field}"]`);
    assert.equal(await link.count(), 1, `the summary links to #f-${field}`);
    assert.match(await link.textContent(), /\S/);
    const input = page.locator(`#f-${field}`);
    assert.equal(await input.getAttribute('aria-invalid'), 'true', `#f-${field} is marked invalid`);
    const describedBy = (await input.getAttribute('aria-describedby')) || '';
    assert.ok(describedBy.split(/\s+/).includes(`e-${field}`), `#f-${field} is described by its error`);
    assert.match(await page.locator(`#e-${field}`).textContent(), /\S/, `#e-${field} says what is wrong`);

    await summary.focus();
    await link.focus();
    await page.keyboard.press('Enter');
    await assertEventually(() => input.evaluate((el) => el === document.activeElement),
      `following the summary link moves focus to #f-${field}`);
  }

  // What was typed is still there.
  assert.equal(await page.locator('#f-village_code').inputValue(), '3520019999');
  assert.equal(await page.locator('#f-kind').inputValue(), 'desa');

  // And nothing was created.
  const after = await fetchJson(page, '/api/v1/libraries');
  assert.equal(after.body.total, before.body.total, 'no library was created');
});

// Suggestions are limited to the officer's area (data-region-within), so a
// common village name (e.g. "Sumberagung") finds the Magetan one.
test('a village with a common name is found by its own officer', {
  timeout: 60_000,
}, async () => {
  const village = await magetanVillage(page, { common: true });
  await page.goto('/libraries/new');
  await page.locator('#f-village_code').focus();
  await page.keyboard.type(village.display_name, { delay: 20 });
  await page.locator(`#l-village_code option[value="${village.code}"]`).waitFor({ state: 'attached', timeout: 3_000 });
});

function escapeRe(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

async function assertEventually(check, message, timeoutMs = 5_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > end) assert.fail(`${message} (waited ${timeoutMs} ms)`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

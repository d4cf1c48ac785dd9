// The language switch: Bahasa Indonesia by default, English on request,
// and back — on the sign-in page and, signed in, on the registry.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newContext, signIn } from '../lib/lentera.mjs';

let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

async function lang(page) {
  return page.evaluate(() => document.documentElement.getAttribute('lang'));
}

/** Follows the link to the other language (it is marked with that language's hreflang). */
async function switchTo(page, code) {
  const link = page.locator(`header a[hreflang="${code}"]`);
  assert.equal(await link.count(), 1, `one link to ${code}`);
  assert.equal(await link.getAttribute('lang'), code, 'the link is marked in its own language');
  const from = new URL(page.url()).pathname;
  await link.click();
  await page.waitForFunction((c) => document.documentElement.lang === c, code);
  await page.waitForLoadState('load');
  return { from, to: new URL(page.url()).pathname };
}

test('the English link switches the sign-in page, and back', { timeout: 60_000 }, async () => {
  const context = await newContext(browser);
  const page = await context.newPage();
  await page.goto('/login');
  assert.equal(await lang(page), 'id');
  assert.equal((await page.locator('label[for=f-username]').textContent()).trim(), 'Nama pengguna');

  await switchTo(page, 'en');
  assert.equal(await lang(page), 'en');
  assert.equal((await page.locator('label[for=f-username]').textContent()).trim(), 'Username');
  assert.equal((await page.locator('label[for=f-password]').textContent()).trim(), 'Password');
  assert.equal((await page.locator('h1').textContent()).trim(), 'Sign in to Lentera');
  assert.equal((await page.locator('header a[hreflang=id]').textContent()).trim(), 'Bahasa Indonesia');

  await switchTo(page, 'id');
  assert.equal(await lang(page), 'id');
  assert.equal((await page.locator('h1').textContent()).trim(), 'Masuk ke Lentera');
  await context.close();
});

test('the switch keeps the page and holds across pages when signed in', { timeout: 60_000 }, async () => {
  const context = await newContext(browser);
  const page = await context.newPage();
  await signIn(page);
  await page.goto('/libraries');
  assert.equal((await page.locator('h1').textContent()).trim(), 'Perpustakaan');

  const there = await switchTo(page, 'en');
  assert.equal(there.to, '/libraries', 'still on the list');
  assert.equal((await page.locator('h1').textContent()).trim(), 'Libraries');
  assert.equal(await page.getByRole('link', { name: 'Add a library' }).count(), 1, 'English labels');

  await page.goto('/libraries/new');
  assert.equal(await lang(page), 'en', 'the choice holds on the next page');
  assert.equal(await page.getByRole('button', { name: 'Save' }).count(), 1);

  await page.goto('/regions');
  const back = await switchTo(page, 'id');
  assert.equal(back.to, '/regions', 'still on the regions page');
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Wilayah');
  await page.goto('/libraries/new');
  assert.equal(await page.getByRole('button', { name: 'Simpan' }).count(), 1);
  await context.close();
});

// Switching language on a form or a library's page stays on that page.
test('the switch stays on the form and on a library\'s page', {
  timeout: 60_000,
}, async () => {
  const context = await newContext(browser);
  const page = await context.newPage();
  await signIn(page);
  const list = await (await page.request.get('/api/v1/libraries')).json();
  for (const path of ['/libraries/new', `/libraries/${list.items[0].id}`]) {
    await page.goto(path);
    const { to } = await switchTo(page, 'en');
    assert.equal(to, path, `switching language on ${path} stays there`);
    await switchTo(page, 'id');
  }
  await context.close();
});

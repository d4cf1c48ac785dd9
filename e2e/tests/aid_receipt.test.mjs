// A phone confirms an aid delivery: at 360×740 the demo's library manager
// follows the to-do item "Konfirmasi penerimaan bantuan 2024" to the
// handover form (BAST), which has today's date and the manager's name and
// nothing that scrolls sideways; first sends it without a photo and gets the
// error summary with the typing kept, then with a photo from a real JPEG,
// and sees the allocation page with the receipt and the photo's thumbnail.
// The books are not brought into the catalogue here (other tests search it).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { launch, newContext, signIn, pageFacts, screenshotPath, PHONE } from '../lib/lentera.mjs';

const MANAGER = { username: 'pengelola', password: 'lentera-demo-2024' };
const PHOTO = fileURLToPath(new URL('../../crates/web/tests/fixtures/kegiatan.jpg', import.meta.url));

let browser;
let context;
let page;

before(async () => {
  browser = await launch();
  context = await newContext(browser, { viewport: PHONE, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  page = await context.newPage();
  await signIn(page, MANAGER);
});

after(async () => {
  await browser?.close();
});

async function assertNoSidewaysScroll(where) {
  const f = await pageFacts(page);
  const wide = await page.evaluate((w) => [...document.querySelectorAll('body *')]
    .filter((el) => el.getBoundingClientRect().right > w + 0.5)
    .filter((el) => !el.closest('.table-wrap') || el.classList.contains('table-wrap'))
    .slice(0, 5)
    .map((el) => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}.${el.className}`), PHONE.width);
  assert.ok(f.scrollWidth <= f.innerWidth && f.innerWidth === PHONE.width,
    `${where}: no horizontal scroll at ${PHONE.width}px (scrollWidth ${f.scrollWidth}; wider: ${wide.join(', ')})`);
  assert.equal(f.h1s.length, 1, `${where}: one h1`);
}

test('a phone confirms an aid delivery with a photo', { timeout: 90_000 }, async () => {
  // The to-do list on the home page leads to the form.
  const todo = page.locator('ul.todo a[href$="/receipt"]');
  assert.equal(await todo.count(), 1, 'one delivery waits for confirmation');
  await Promise.all([
    page.waitForURL((u) => /^\/aid\/allocations\/[0-9a-f-]{36}\/receipt$/.test(u.pathname)),
    todo.click(),
  ]);
  const formUrl = new URL(page.url()).pathname;
  await assertNoSidewaysScroll('the receipt form');
  const today = await page.evaluate(() => new Date(Date.now() + 7 * 3600 * 1000).toISOString().slice(0, 10));
  assert.equal(await page.locator('#f-received_on').inputValue(), today, 'date defaults to today');
  assert.equal(await page.locator('#f-receiver_name').inputValue(), 'Siti Nurhalimah', 'the manager receives');
  for (const sel of ['#f-received_on', '#f-receiver_name', '#f-photo', 'form.aid-receipt button[type=submit]']) {
    const box = await page.locator(sel).boundingBox();
    assert.ok(box && box.height >= 24, `${sel} is big enough for a thumb`);
  }

  // Damaged but nothing said, and no photo: both reported, typing kept.
  await page.locator('#f-receiver_position').fill('Pengelola perpustakaan');
  await page.locator('label[for="f-condition-partly_damaged"]').click();
  await page.locator('#f-import_books').uncheck();
  await Promise.all([
    page.waitForLoadState('load'),
    page.locator('form.aid-receipt button[type=submit]').click(),
  ]);
  await page.waitForSelector('.error-summary');
  const summary = await page.locator('.error-summary').textContent();
  assert.match(summary, /Kekurangan atau kerusakan/, 'shortfalls are required when damaged');
  assert.match(summary, /Foto barang/, 'the photo is required');
  assert.equal(await page.locator('#f-receiver_position').inputValue(), 'Pengelola perpustakaan', 'typing kept');
  assert.ok(await page.locator('#f-condition-partly_damaged').isChecked(), 'condition kept');
  assert.equal(await page.evaluate(() => document.activeElement?.classList.contains('error-summary')), true,
    'focus moves to the error summary');

  await page.locator('#f-shortfalls').fill('Satu dus buku basah terkena hujan.');
  await page.locator('#f-photo').setInputFiles(PHOTO);
  await page.locator('#f-import_books').uncheck();
  await page.screenshot({ path: screenshotPath('aid-receipt-form-360.png'), fullPage: true });
  await Promise.all([
    page.waitForURL((u) => /^\/aid\/allocations\/[0-9a-f-]{36}$/.test(u.pathname) && u.search.includes('received=1')),
    page.locator('form.aid-receipt button[type=submit]').click(),
  ]);
  await page.waitForLoadState('load');
  await assertNoSidewaysScroll('the allocation page');
  await assert.doesNotReject(page.locator('[role="status"]').first().waitFor(), 'a saved notice');
  const receipt = await page.locator('section[aria-labelledby="aid-receipt"]').textContent();
  assert.match(receipt, /Siti Nurhalimah/);
  assert.match(receipt, /Satu dus buku basah/);
  const thumb = page.locator('section[aria-labelledby="aid-receipt"] a.thumb img');
  await thumb.scrollIntoViewIfNeeded();
  await page.waitForFunction((el) => el.complete && el.naturalWidth > 0, await thumb.elementHandle());
  assert.ok((await thumb.getAttribute('alt')).length > 0, 'the photo has alt text');
  // The books can now come in, in one action.
  assert.equal(await page.locator('section[aria-labelledby="aid-books"] button[type=submit]').count(), 1);
  await page.screenshot({ path: screenshotPath('aid-allocation-360.png'), fullPage: true });
  assert.deepEqual(context.foreign, [], 'nothing from another host');

  // Done: the to-do item is gone and the form no longer takes a second BAST.
  await page.goto('/');
  assert.equal(await page.locator('ul.todo a[href$="/receipt"]').count(), 0);
  await page.goto(formUrl);
  assert.match(new URL(page.url()).search, /already=1/);
});

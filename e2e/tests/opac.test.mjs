// The public catalogue in a real browser, on a phone, by keyboard only and
// without signing in: search a word the demo records only contain in another
// form (stemming), see results with availability, narrow them with a facet,
// and open a record with its copies.
//
// The demo catalogue (crates/lentera/src/demo/catalog.rs, from
// data/demo/catalog.jsonl) gives the first library titles such as
// "Panduan Praktis Budidaya Ikan Lele" and "Sukses Pembudidayaan Kacang Tanah".

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newContext, screenshotPath, PHONE } from '../lib/lentera.mjs';

let browser;
let context;
let page;

before(async () => {
  browser = await launch();
  context = await newContext(browser, { viewport: PHONE, isMobile: true, hasTouch: true });
  page = await context.newPage();
});

after(async () => {
  await browser?.close();
});

/** Presses Tab until `predicate` holds for the focused element (keyboard only). */
async function tabTo(predicate, what, max = 80) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(predicate)) return;
  }
  assert.fail(`Tab never reached ${what}`);
}

async function count() {
  return (await page.locator('#opac-count').textContent()).trim();
}

function number(text) {
  return Number(text.replace(/[^\d]/g, ' ').trim().split(/\s+/)[0]);
}

test('search by keyboard, see availability, use a facet, open a record', { timeout: 90_000 }, async () => {
  await page.goto('/opac');
  assert.equal(await page.locator('h1').textContent(), 'Cari buku');
  // Every control is labelled.
  for (const id of ['f-q', 'f-field', 'f-library']) {
    assert.equal(await page.locator(`label[for="${id}"]`).count(), 1, `label for ${id}`);
  }

  // Keyboard only: Tab to the search box, type, Enter.
  await tabTo(() => document.activeElement?.id === 'f-q', 'the search box');
  await page.keyboard.type('budidaya');
  await Promise.all([page.waitForURL(/\/opac\?q=budidaya/), page.keyboard.press('Enter')]);
  const broad = await count();
  assert.match(broad, /buku ditemukan untuk “budidaya”/);
  assert.equal(await page.locator('#opac-count').getAttribute('role'), 'status', 'the count is announced');
  const broadN = number(broad);
  assert.ok(broadN >= 2, broad);

  // Stemming: the derived word finds the root's records too.
  await tabTo(() => document.activeElement?.id === 'f-q', 'the search box again');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('pembudidayaan');
  await Promise.all([page.waitForURL(/q=pembudidayaan/), page.keyboard.press('Enter')]);
  const stemmedN = number(await count());
  assert.ok(stemmedN >= broadN,
    `"pembudidayaan" finds every "budidaya" record too (${stemmedN} vs ${broadN})`);
  const titles = await page.locator('.opac-hit h3').allTextContents();
  assert.ok(titles.length > 0 && /budidaya/i.test(titles[0]), titles.join(' | '));
  // Each hit says how many copies are available and where.
  const avail = await page.locator('.opac-hit .opac-avail').first().textContent();
  assert.match(avail, /(tersedia|dipinjam|Belum ada eksemplar).* di /i, avail);
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), true,
    'no sideways scrolling at 360 px');

  // A facet, keyboard only: open "Saring hasil", tick the first collection,
  // apply. Works without JavaScript: it is a plain GET form.
  await tabTo(() => document.activeElement?.tagName === 'SUMMARY', 'the filter disclosure');
  await page.keyboard.press('Enter');
  await tabTo(() => document.activeElement?.name === 'collection', 'a collection checkbox');
  const value = await page.evaluate(() => document.activeElement.value);
  const label = await page.evaluate(() => document.querySelector(`label[for="${document.activeElement.id}"]`).textContent);
  const facetN = number(label.replace(/^[^(]*\(/, ''));
  await page.keyboard.press('Space');
  await tabTo(() => document.activeElement?.tagName === 'BUTTON' && /Terapkan/.test(document.activeElement.textContent),
    'the apply button');
  await Promise.all([page.waitForURL(new RegExp(`collection=${value}`)), page.keyboard.press('Enter')]);
  const narrowed = number(await count());
  assert.equal(narrowed, facetN, `the facet said ${facetN}, the search found ${narrowed}`);
  assert.equal(await page.locator(`input[name="collection"][value="${value}"]`).isChecked(), true);
  await page.screenshot({ path: screenshotPath('opac-facet-360x740.png'), fullPage: true });

  // Open the first result by keyboard: the record page lists its copies.
  const first = (await page.locator('.opac-hit h3 a').first().textContent()).trim();
  await tabTo(() => !!document.activeElement?.closest?.('.opac-hit h3'), 'the first result');
  await Promise.all([page.waitForURL(/\/opac\/[^?]+$/), page.keyboard.press('Enter')]);
  assert.ok(first.startsWith((await page.locator('h1').textContent()).trim()), 'the record page shows the title');
  assert.ok(await page.getByRole('heading', { name: 'Eksemplar' }).isVisible());
  assert.ok((await page.locator('table tbody tr').count()) >= 1, 'the copies are listed');
  assert.deepEqual(context.foreign, [], 'nothing is fetched from another host');
});

test('the same search as JSON', async () => {
  const res = await page.request.get('/api/v1/catalog/search?q=lele');
  assert.equal(res.status(), 200);
  const body = await res.json();
  assert.ok(body.total >= 1, JSON.stringify(body).slice(0, 300));
  const hit = body.hits[0];
  for (const k of ['id', 'title', 'authors', 'year', 'isbn', 'availability', 'library']) {
    assert.ok(k in hit, `hit has ${k}`);
  }
  assert.ok(/lele/i.test(hit.title), hit.title);
});

// A phone reports an activity with a photo: at 360×740 the demo's library
// manager opens the report form, which has today's date and nothing that
// scrolls sideways, fills the short first screen (strategy, type, title, the
// headcount grid, one photo from a real JPEG), sends it, and sees the report
// page with the photo's thumbnail and the participant totals.

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

/** Fails with the elements that stick out when the page scrolls sideways. */
async function assertNoSidewaysScroll(where) {
  const f = await pageFacts(page);
  const wide = await page.evaluate((w) => [...document.querySelectorAll('body *')]
    .filter((el) => el.getBoundingClientRect().right > w + 0.5)
    .filter((el) => !el.closest('.table-wrap') || el.classList.contains('table-wrap'))
    .slice(0, 5)
    .map((el) => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}`), PHONE.width);
  assert.ok(f.scrollWidth <= f.innerWidth && f.innerWidth === PHONE.width,
    `${where}: no horizontal scroll at ${PHONE.width}px (scrollWidth ${f.scrollWidth}; wider: ${wide.join(', ')})`);
  assert.equal(f.h1s.length, 1, `${where}: one h1`);
}

test('a phone reports an activity with a photo', { timeout: 90_000 }, async () => {
  await page.goto('/activities/new');
  await assertNoSidewaysScroll('the report form');

  // The date defaults to today (the library's day, WIB for Magetan).
  const today = await page.evaluate(() => {
    const d = new Date(Date.now() + 7 * 3600 * 1000);
    return d.toISOString().slice(0, 10);
  });
  assert.equal(await page.locator('#f-held_on').inputValue(), today, 'date defaults to today');

  // Touch targets on the first screen are big enough for a thumb.
  for (const sel of ['#f-strategy', '#f-activity_type', '#f-title', '#f-p_p_dewasa', 'button.activity-submit']) {
    const box = await page.locator(sel).boundingBox();
    assert.ok(box, `${sel} is visible`);
    const h = sel === '#f-strategy' ? (await page.locator('label[for="f-strategy"]').boundingBox()).height : box.height;
    assert.ok(h >= 24, `${sel} is at least 24 px tall (${h})`);
  }

  await page.locator('label[for="f-strategy-pelibatan_masyarakat"]').click();
  await page.locator('#f-activity_type').selectOption('pelatihan_keterampilan');
  await page.locator('#f-title').fill('Pelatihan membuat keripik tempe');
  await page.locator('#f-p_l_dewasa').fill('3');
  await page.locator('#f-p_p_dewasa').fill('12');
  await page.locator('#f-p_p_lansia').fill('2');
  await page.locator('#f-activity_photo').setInputFiles(PHOTO);
  await page.locator('#f-photo_caption').fill('Ibu-ibu menggoreng keripik tempe');
  await page.screenshot({ path: screenshotPath('activity-report-form-360.png'), fullPage: true });

  await Promise.all([
    page.waitForURL((u) => /^\/activities\/[0-9a-f-]{36}$/.test(u.pathname)),
    page.locator('button.activity-submit').click(),
  ]);
  await page.waitForLoadState('load');
  await assertNoSidewaysScroll('the report page');
  assert.equal((await page.locator('h1').textContent()).trim(), 'Pelatihan membuat keripik tempe');
  await assert.doesNotReject(page.locator('[role="status"]').waitFor(), 'a saved notice');

  // The thumbnail is there, loaded, with the caption as its alt text, and
  // links to the full photo.
  const thumb = page.locator('ul.activity-photos img');
  assert.equal(await thumb.count(), 1, 'one thumbnail');
  assert.equal(await thumb.getAttribute('alt'), 'Ibu-ibu menggoreng keripik tempe');
  await thumb.scrollIntoViewIfNeeded();
  await page.waitForFunction(() => {
    const img = document.querySelector('ul.activity-photos img');
    return img && img.complete && img.naturalWidth > 0;
  });
  const natural = await thumb.evaluate((img) => img.naturalWidth);
  assert.ok(natural > 0 && natural <= 320, `a thumbnail, not the full photo (${natural} px wide)`);
  const href = await page.locator('ul.activity-photos a.thumb').getAttribute('href');
  const full = await page.request.get(href);
  assert.equal(full.status(), 200);
  assert.equal(full.headers()['content-type'], 'image/jpeg');

  // The totals: 3 + 12 + 2 = 17 people.
  const total = await page.locator('table.activity-participants tfoot td').nth(2).textContent();
  assert.equal(total.trim(), '17');
  await page.screenshot({ path: screenshotPath('activity-report-page-360.png'), fullPage: true });

  // The list shows it too.
  await page.goto('/activities');
  await assertNoSidewaysScroll('the report list');
  assert.ok(await page.getByRole('link', { name: 'Pelatihan membuat keripik tempe' }).count() >= 1);
});

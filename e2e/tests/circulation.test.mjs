// The one scan box in a real browser, keyboard only: the demo's library
// staff scans a member card, then a book (checked out), then the same book
// again (returned). Once with the JavaScript enhancement (fetch + aria-live)
// and once without JavaScript (form post + redirect).
//
// Demo data (crates/lentera/src/demo/circulation.rs and catalog.rs): in the
// Magetan library, member card A00001 (Sri Wahyuni) has no loans, and items
// B000001–B000020 are on the shelf.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newContext, signIn, screenshotPath } from '../lib/lentera.mjs';

const STAFF = { username: 'relawan', password: 'lentera-demo-2024' };
const CARD = 'A00001';
const MEMBER = 'Sri Wahyuni';

let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

async function scan(page, code) {
  // The box has focus after every scan; a scanner types the code and Enter.
  // `autofocus` lands after load, so give a slow machine a moment.
  await page
    .waitForFunction(() => document.activeElement && document.activeElement.id === 'f-code', null, { timeout: 10_000 })
    .catch(() => {});
  const focused = await page.evaluate(() => document.activeElement && document.activeElement.id);
  assert.equal(focused, 'f-code', 'the scan box has the focus');
  await page.keyboard.type(code);
  await page.keyboard.press('Enter');
}

async function statusText(page, re) {
  const status = page.locator('#scan-status');
  await status.filter({ hasText: re }).waitFor({ timeout: 15_000 });
  return (await status.textContent()).trim();
}

for (const js of [true, false]) {
  const item = js ? 'B000001' : 'B000002';
  test(`scan box ${js ? 'with' : 'without'} JavaScript: member, checkout, return`, { timeout: 90_000 }, async () => {
    const context = await newContext(browser, { javaScriptEnabled: js });
    const page = await context.newPage();
    try {
      await signIn(page, STAFF);
      await page.goto('/circulation');
      assert.equal(await page.locator('#scan-status').getAttribute('aria-live'), 'polite');

      await scan(page, CARD);
      await page.locator('#member-panel').filter({ hasText: MEMBER }).waitFor({ timeout: 15_000 });
      if (js) await statusText(page, /Anggota: Sri Wahyuni/);

      await scan(page, item);
      const out = await statusText(page, /Dipinjam:/);
      assert.match(out, new RegExp(`\\(${item}\\)`), 'the checkout names the item');
      await page.locator('#loans').filter({ hasText: item }).waitFor({ timeout: 15_000 });
      assert.match(await page.locator('#standing').textContent(), /^1 dari/);
      await page.screenshot({ path: screenshotPath(`circulation-${js ? 'js' : 'nojs'}.png`), fullPage: true });

      await scan(page, item);
      await statusText(page, /Dikembalikan:/);
      assert.equal(await page.locator('#loans').count(), 0, 'no loans left');
      assert.match(await page.locator('#standing').textContent(), /^0 dari/);
    } finally {
      await context.close();
    }
  });
}

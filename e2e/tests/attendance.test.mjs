// An organiser takes a session's roll call in a real browser, by keyboard:
// the demo's Magetan district officer opens the peer learning meeting that
// runs this week (seeded around the day the demo is loaded), opens the
// roll call of its first session, ticks people with Tab and Space, saves
// with Enter, sees the count, and finds the same count in the event
// summary.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newContext, signIn, screenshotPath, PHONE } from '../lib/lentera.mjs';

let browser;
let context;
let page;

before(async () => {
  browser = await launch();
  context = await newContext(browser);
  page = await context.newPage();
  await signIn(page); // `magetan`, the district officer
});

after(async () => {
  await browser?.close();
});

async function assertEventually(check, message, timeoutMs = 5_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > end) assert.fail(`${message} (waited ${timeoutMs} ms)`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** What has focus: its tag, type, name and text. */
async function focused() {
  return page.evaluate(() => {
    const e = document.activeElement;
    return {
      tag: e?.tagName.toLowerCase(),
      type: e?.getAttribute('type'),
      name: e?.getAttribute('name'),
      value: e?.getAttribute('value'),
      text: (e?.textContent || '').trim(),
    };
  });
}

/** Presses Tab until `want` matches the focused element (at most `max` times). */
async function tabTo(want, what, max = 80) {
  for (let i = 0; i < max; i++) {
    if (want(await focused())) return;
    await page.keyboard.press('Tab');
  }
  assert.fail(`Tab never reached ${what}`);
}

test('an organiser takes attendance by keyboard and sees it in the summary', { timeout: 90_000 }, async () => {
  // The event list, then the running peer learning meeting.
  await page.goto('/events');
  const link = page.getByRole('link', { name: /Peer Learning Meeting Kabupaten Magetan/ }).first();
  await link.click();
  await page.waitForURL(/\/events\/[0-9a-f-]+$/);
  const eventUrl = page.url();
  // Its agenda offers a roll call per session; open the first.
  const roll = page.locator('#agenda a[href$="/attendance"]').first();
  const sessionName = (await page.locator('#agenda tbody tr').first().locator('td').nth(1).textContent()).trim();
  await roll.click();
  await page.waitForURL(/\/attendance$/);
  assert.match(await page.locator('h1').textContent(), /^Absensi: /);
  assert.equal(await page.locator('#roll-count').getAttribute('aria-live'), 'polite', 'the count is announced');

  const boxes = page.locator('input[type=checkbox][name=present]');
  const total = await boxes.count();
  assert.ok(total >= 3, `the roll lists the registered people (${total})`);
  // Each row is a big touch target: the whole row is the checkbox's label.
  const row = await page.locator('label.event-roll-row').first().boundingBox();
  assert.ok(row.height >= 44, `a row is ${row.height} px tall`);

  // Keyboard only: Tab to the first person, Space; Tab, Space for the second.
  await page.locator('#main').focus();
  await tabTo((f) => f.type === 'checkbox', 'the first checkbox');
  const first = await focused();
  const before = await boxes.evaluateAll((b) => b.map((x) => x.checked));
  await page.keyboard.press('Space');
  await page.keyboard.press('Tab');
  const second = await focused();
  assert.equal(second.type, 'checkbox', 'Tab goes from person to person');
  assert.notEqual(second.value, first.value);
  await page.keyboard.press('Space');
  const after = await boxes.evaluateAll((b) => b.map((x) => x.checked));
  assert.equal(after[0], !before[0], 'Space ticks the first person');
  assert.equal(after[1], !before[1], 'Space ticks the second person');
  const expected = after.filter(Boolean).length;

  // On to the save button at the end of the list, and Enter.
  await tabTo((f) => f.tag === 'button' && f.text === 'Simpan absensi', 'the save button', total + 10);
  await Promise.all([
    page.waitForURL(/attendance\?saved=1$/),
    page.keyboard.press('Enter'),
  ]);
  await page.waitForLoadState('load');
  assert.match(await page.locator('.notice').textContent(),
    new RegExp(`Absensi tersimpan: ${expected} hadir, ${total - expected} tidak hadir`));
  assert.equal((await page.locator('#roll-count').textContent()).trim(), `Hadir: ${expected} dari ${total}`);
  // The ticks are kept.
  assert.deepEqual(await boxes.evaluateAll((b) => b.map((x) => x.checked)), after);
  await page.screenshot({ path: screenshotPath('attendance-desktop.png'), fullPage: true });

  // On a phone the rows stay tappable and nothing scrolls sideways.
  await page.setViewportSize(PHONE);
  const wide = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
  assert.equal(wide, false, 'no sideways scroll at 360 px');
  await page.screenshot({ path: screenshotPath('attendance-phone.png'), fullPage: true });

  // The event summary shows the same count for that session.
  await page.getByRole('link', { name: 'Lihat ringkasan kegiatan' }).click();
  await page.waitForURL(/\/summary$/);
  const summaryRow = page.locator('table.event-attendance tbody tr', { hasText: sessionName }).first();
  const cells = await summaryRow.locator('td').allTextContents();
  assert.equal(cells[2].trim(), String(total), 'expected in the summary');
  assert.equal(cells[3].trim(), String(expected), 'present in the summary');

  // "Everyone present" is one button, and the event page shows the count.
  await page.goto(`${eventUrl.replace(/^.*\/events\//, '/events/')}`);
  await page.locator('#agenda a[href$="/attendance"]').first().click();
  await page.waitForURL(/\/attendance$/);
  await Promise.all([
    page.waitForURL(/attendance\?saved=1$/),
    page.getByRole('button', { name: 'Semua hadir' }).click(),
  ]);
  assert.equal((await page.locator('#roll-count').textContent()).trim(), `Hadir: ${total} dari ${total}`);

  // The participant list, wide as it is, scrolls inside its box on a phone.
  await page.setViewportSize(PHONE);
  await page.goto(`${eventUrl.replace(/^.*\/events\//, '/events/')}/participants`);
  const sideways = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
  assert.equal(sideways, false, 'no sideways scroll on the participant list at 360 px');
  assert.deepEqual(context.foreign, [], 'nothing was fetched from another host');
});

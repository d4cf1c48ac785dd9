// The guest-book kiosk in a real browser, by keyboard alone: the demo's
// library volunteer opens /kiosk, a visitor types her name and answers each
// question with Tab and Enter, sees the thank-you, the screen returns to the
// start by itself, and /visits shows today's count one higher.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newContext, signIn, screenshotPath, PHONE, DESKTOP } from '../lib/lentera.mjs';

const STAFF = { username: 'relawan', password: 'lentera-demo-2024' };

let browser;
let context;
let page;

before(async () => {
  browser = await launch();
  context = await newContext(browser);
  page = await context.newPage();
  await signIn(page, STAFF);
});

after(async () => {
  await browser?.close();
});

/** Today's visitors as the /visits page shows them (the first summary card). */
async function visitorsToday() {
  await page.goto('/visits');
  const text = await page.locator('.visit-summary .big-number').first().textContent();
  return Number(text.replace(/\D/g, ''));
}

/** Presses Enter on the focused control and waits for the next screen. */
async function enter() {
  await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname === '/kiosk' && r.request().method() === 'POST'),
    page.keyboard.press('Enter'),
  ]);
  await page.waitForLoadState('load');
}

async function focusedText() {
  return page.evaluate(() => (document.activeElement?.textContent || '').trim());
}

test('check in at the kiosk by keyboard only, then see the count go up', { timeout: 90_000 }, async () => {
  const before = await visitorsToday();

  await page.goto('/kiosk');
  // Full-screen feel: no main menu, but a discreet way out.
  assert.equal(await page.locator('nav[aria-label="Menu utama"]').count(), 0, 'no main menu on the kiosk');
  assert.equal(await page.locator('a[href="/visits"]').count(), 1, 'a way back for staff');
  // The first field has focus already: a card scanner or a visitor just types.
  await assertEventually(() => page.evaluate(() => document.activeElement?.id === 'f-visitor'),
    'the name/card box has focus');
  await page.keyboard.type('Sri Wahyuni');
  await enter();

  // Gender: a group of big buttons with a legend; focus on the first.
  const legend = page.locator('fieldset legend');
  assert.match(await legend.textContent(), /Jenis kelamin/);
  await assertEventually(async () => (await focusedText()).startsWith('Laki-laki'), 'focus on the first choice');
  const box = await page.locator('button.kiosk-choice').first().boundingBox();
  assert.ok(box.height >= 48 && box.width >= 48, `touch target ${box.width}×${box.height} is at least 48 px`);
  await page.keyboard.press('Tab');
  assert.match(await focusedText(), /^Perempuan/);
  await enter();

  // Age group: Tab twice to "Dewasa".
  await assertEventually(async () => /Kelompok umur/.test(await legend.textContent()), 'the age question');
  await assertEventually(async () => (await focusedText()).startsWith('Anak'), 'focus on the first age group');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  assert.match(await focusedText(), /^Dewasa/);
  await enter();

  // Purpose: the first one, "Membaca".
  await assertEventually(async () => /keperluan/i.test(await legend.textContent()), 'the purpose question');
  await page.setViewportSize(PHONE);
  await page.screenshot({ path: screenshotPath('kiosk-purpose-360x740.png'), fullPage: true });
  await page.setViewportSize(DESKTOP);
  await assertEventually(async () => (await focusedText()).startsWith('Membaca'), 'focus on "Membaca"');
  await Promise.all([page.waitForURL(/\/kiosk\?done=/), page.keyboard.press('Enter')]);

  // Thank you, announced; then back to the start by itself.
  const thanks = page.locator('[role=status] h1');
  assert.equal((await thanks.textContent()).trim(), 'Terima kasih, Sri Wahyuni!');
  await page.screenshot({ path: screenshotPath('kiosk-thanks-1366x768.png') });
  await page.waitForURL((u) => u.pathname === '/kiosk' && !u.search.includes('done'), { timeout: 15_000 });
  await assertEventually(() => page.evaluate(() => document.activeElement?.id === 'f-visitor'),
    'ready for the next visitor');

  const after = await visitorsToday();
  assert.equal(after, before + 1, `today's visitors went from ${before} to ${before + 1}`);
  // Staff see the name in the recent visits.
  assert.match(await page.locator('main').textContent(), /Sri Wahyuni/);
  assert.deepEqual(context.foreign, [], 'nothing was fetched from another host');
});

async function assertEventually(check, message, timeoutMs = 5_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > end) assert.fail(`${message} (waited ${timeoutMs} ms)`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// Shared helpers for Lentera's browser tests: Debian's Chromium driven by
// playwright-core, against a running `lentera serve --demo` at LENTERA_URL.
//
// Nothing here downloads a browser or reaches beyond the server: every
// request to another host is aborted and recorded, so a test can assert
// that a page needs nothing from a CDN.

import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const BASE = (process.env.LENTERA_URL || '').replace(/\/+$/, '');
if (!BASE) {
  throw new Error(
    'LENTERA_URL is not set. Start `lentera serve --demo` and run e.g. ' +
      'LENTERA_URL=http://127.0.0.1:8080 node --test tests/ (or run `cargo test -p lentera --test browser`).',
  );
}
export const ORIGIN = new URL(BASE).origin;

export const CHROMIUM = process.env.LENTERA_CHROMIUM || '/usr/bin/chromium';

/** The demo's district officer of Kabupaten Magetan (`lentera serve --demo`). */
export const OFFICER = { username: 'magetan', password: 'lentera-demo-2024' };
export const MAGETAN = '3520';

/** Where screenshots go (gitignored). */
export const RESULTS_DIR = fileURLToPath(new URL('../test-results/', import.meta.url));

export const PHONE = { width: 360, height: 740 };
export const DESKTOP = { width: 1366, height: 768 };

/** A headless Chromium with a fresh temporary profile and no background traffic. */
export async function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      '--no-proxy-server',
    ],
  });
}

/**
 * A fresh browser context (own cookies, no cache) on the server. Requests to
 * any other origin are aborted and listed in `context.foreign`.
 */
export async function newContext(browser, options = {}) {
  const context = await browser.newContext({
    baseURL: BASE,
    viewport: DESKTOP,
    locale: 'id-ID',
    timezoneId: 'Asia/Jakarta',
    ...options,
  });
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(20_000);
  context.foreign = [];
  await context.route(
    (url) => url.origin !== ORIGIN,
    (route) => {
      context.foreign.push(route.request().url());
      return route.abort('blockedbyclient');
    },
  );
  return context;
}

/** Signs in through the login form (mouse-free, but not keyboard-only). */
export async function signIn(page, who = OFFICER) {
  await page.goto('/login');
  await page.locator('#f-username').fill(who.username);
  await page.locator('#f-password').fill(who.password);
  await Promise.all([
    page.waitForURL((u) => !u.pathname.startsWith('/login')),
    page.locator('form[action="/login"] button[type=submit]').click(),
  ]);
  assert.equal(new URL(page.url()).pathname, '/', `signed in as ${who.username}`);
}

/** GETs JSON from inside the page, with the page's own cookie session. */
export async function fetchJson(page, path) {
  return page.evaluate(async (p) => {
    const r = await fetch(p, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
    return { status: r.status, body: await r.json().catch(() => null) };
  }, path);
}

/**
 * A desa of Kabupaten Magetan. With `common: false` (the default) its name,
 * typed into the type-ahead the way app.js asks (no `within`), brings it up
 * among the 12 suggestions; with `common: true` its name is so common across
 * Indonesia that it does not.
 */
export async function magetanVillage(page, { common = false } = {}) {
  const districts = await fetchJson(page, `/api/v1/regions/${MAGETAN}/children`);
  assert.equal(districts.status, 200, 'districts of Magetan');
  for (const d of districts.body.items) {
    const villages = await fetchJson(page, `/api/v1/regions/${d.code}/children`);
    for (const v of villages.body.items) {
      if (v.village_kind !== 'desa') continue;
      const q = encodeURIComponent(v.display_name);
      const hits = await fetchJson(page, `/api/v1/regions/search?limit=12&level=village&q=${q}`);
      if (hits.body.items.some((h) => h.code === v.code) !== common) return v;
    }
  }
  throw new Error(`no Magetan village with ${common ? 'a common' : 'a distinctive'} name`);
}

export function screenshotPath(name) {
  mkdirSync(RESULTS_DIR, { recursive: true });
  return `${RESULTS_DIR}${name}`;
}

/** The page's h1 count, html[lang], and whether it scrolls sideways. */
export async function pageFacts(page) {
  return page.evaluate(() => ({
    lang: document.documentElement.getAttribute('lang'),
    h1s: [...document.querySelectorAll('h1')].map((h) => h.textContent.trim()),
    scrollWidth: document.scrollingElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
}

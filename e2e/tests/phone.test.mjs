// A cheap phone on a slow connection: at 360×740 no page scrolls sideways,
// a first visit (empty cache) transfers under 100 KB, nothing is fetched
// from another host, and on an emulated slow 3G link the page is usable
// within a few seconds.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newContext, signIn, pageFacts, ORIGIN, PHONE } from '../lib/lentera.mjs';

const BUDGET_BYTES = 100 * 1024;
const PAGES = ['/', '/libraries', '/libraries/new', '/regions'];

/** Roughly "Slow 3G": 400 ms round trips, 50 KB/s down, 25 KB/s up. */
const SLOW_3G = { offline: false, latency: 400, downloadThroughput: 50 * 1024, uploadThroughput: 25 * 1024 };
const SLOW_BUDGET_MS = 8_000;

let browser;
let context;
let page;
let cdp;

before(async () => {
  browser = await launch();
  context = await newContext(browser, { viewport: PHONE, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  page = await context.newPage();
  await signIn(page);
  cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  // Every measurement is a first visit: nothing comes from the cache.
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
});

after(async () => {
  await browser?.close();
});

/** Loads `path` and returns the bytes on the wire and every URL requested. */
async function visit(path) {
  const sizes = new Map();
  const urls = [];
  const onRequest = (e) => urls.push(e.request.url);
  const onFinished = (e) => sizes.set(e.requestId, e.encodedDataLength);
  cdp.on('Network.requestWillBeSent', onRequest);
  cdp.on('Network.loadingFinished', onFinished);
  const start = Date.now();
  const res = await page.goto(path, { waitUntil: 'load' });
  const loadMs = Date.now() - start;
  await page.waitForLoadState('networkidle');
  cdp.off('Network.requestWillBeSent', onRequest);
  cdp.off('Network.loadingFinished', onFinished);
  const bytes = [...sizes.values()].reduce((a, b) => a + b, 0);
  return { status: res.status(), bytes, urls, loadMs };
}

for (let path of [...PAGES, 'a library\'s page']) {
  test(`phone-sized and light: ${path}`, { timeout: 60_000 }, async (t) => {
    if (!path.startsWith('/')) {
      const list = await page.request.get('/api/v1/libraries');
      path = `/libraries/${(await list.json()).items[0].id}`;
    }
    const v = await visit(path);
    assert.equal(v.status, 200, `${path} answers 200`);

    const f = await pageFacts(page);
    // On a phone the layout viewport grows to fit content that is too wide,
    // so innerWidth must also still be the screen's width.
    assert.ok(f.scrollWidth <= f.innerWidth && f.innerWidth === PHONE.width,
      `no horizontal scroll at ${PHONE.width}px: scrollWidth ${f.scrollWidth}, innerWidth ${f.innerWidth}${await widest(page)}`);

    const foreign = v.urls.filter((u) => !u.startsWith('data:') && new URL(u).origin !== ORIGIN);
    assert.deepEqual(foreign, [], 'requests to another host');
    assert.deepEqual(context.foreign, [], 'requests to another host (blocked)');

    t.diagnostic(`${path}: ${v.bytes} bytes in ${v.urls.length} requests`);
    assert.ok(v.bytes > 0, 'bytes were counted');
    assert.ok(v.bytes < BUDGET_BYTES, `${path} transferred ${v.bytes} bytes (budget ${BUDGET_BYTES})`);
  });
}

test('usable on a slow 3G connection', { timeout: 90_000 }, async (t) => {
  await cdp.send('Network.emulateNetworkConditions', SLOW_3G);
  try {
    for (const path of ['/libraries', '/libraries/new']) {
      const v = await visit(path);
      t.diagnostic(`slow 3G ${path}: loaded in ${v.loadMs} ms (${v.bytes} bytes)`);
      assert.ok(v.loadMs < SLOW_BUDGET_MS, `${path} took ${v.loadMs} ms on slow 3G (budget ${SLOW_BUDGET_MS} ms)`);
    }
  } finally {
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  }
});

/** Names the elements that stick out past the right edge, for the failure message. */
async function widest(page) {
  const out = await page.evaluate((w) => {
    return [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > w + 0.5)
      .filter((el) => !el.closest('.table-wrap') || el.classList.contains('table-wrap'))
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className ? '.' + String(el.className).replace(/\s+/g, '.') : ''} (right ${Math.round(el.getBoundingClientRect().right)})`);
  }, PHONE.width);
  return out.length ? `; wider than the screen: ${out.join(', ')}` : '';
}

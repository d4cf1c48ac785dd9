// Keyboard-only use and screen-reader basics: a skip link first, every
// control named (as Chromium's accessibility tree computes it), one h1, a
// page language, and a visible focus on every tab stop.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newContext, OFFICER, pageFacts } from '../lib/lentera.mjs';

let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

/** Roles of form controls that must have an accessible name. */
const CONTROL_ROLES = new Set([
  'textbox', 'searchbox', 'combobox', 'listbox', 'checkbox', 'radio', 'spinbutton', 'slider', 'switch',
]);

test('sign in with the keyboard only', { timeout: 60_000 }, async () => {
  const context = await newContext(browser);
  const page = await context.newPage();
  await page.goto('/login');
  // Tab to the username field, as a keyboard user would.
  await tabUntil(page, 'f-username');
  await page.keyboard.type(OFFICER.username);
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'f-password', 'Tab goes on to the password');
  await page.keyboard.type(OFFICER.password);
  await Promise.all([page.waitForURL((u) => u.pathname === '/'), page.keyboard.press('Enter')]);
  assert.match(await page.locator('h1').textContent(), /Bayu Kusumawardana/, 'signed in');
  await context.close();
});

for (const path of ['/login', '/libraries', '/libraries/new', '/regions']) {
  test(`keyboard and screen-reader basics on ${path}`, { timeout: 60_000 }, async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    if (path !== '/login') await signInQuietly(page);
    const res = await page.goto(path);
    assert.equal(res.status(), 200, `${path} answers 200`);

    // html[lang] and exactly one h1.
    const facts = await pageFacts(page);
    assert.equal(facts.lang, 'id', 'html[lang] is set');
    assert.equal(facts.h1s.length, 1, `exactly one h1 (found ${JSON.stringify(facts.h1s)})`);
    assert.ok(facts.h1s[0].length > 0, 'the h1 has text');

    // The skip link is the first tab stop, is visible when focused, and moves focus to main.
    await page.keyboard.press('Tab');
    const first = await focusInfo(page);
    assert.equal(first.tag, 'a', 'the first tab stop is a link');
    assert.equal(first.href, '#main', 'the first tab stop is the skip link');
    assert.ok(first.visible, `the focused skip link is visible (${JSON.stringify(first.rect)})`);
    assert.ok(first.focusStyle, 'the focused skip link has a focus style');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement?.tagName.toLowerCase()), 'main',
      'the skip link moves focus to main');

    // Every form control has an accessible name, by Chromium's own computation.
    const cdp = await context.newCDPSession(page);
    const { nodes } = await cdp.send('Accessibility.getFullAXTree');
    const unnamed = [];
    for (const n of nodes) {
      if (n.ignored || !CONTROL_ROLES.has(n.role?.value) || String(n.name?.value ?? '').trim()) continue;
      const { node } = await cdp.send('DOM.describeNode', { backendNodeId: n.backendDOMNodeId });
      const attrs = node.attributes || [];
      const id = attrs[attrs.indexOf('id') + 1];
      unnamed.push(`${n.role.value} <${node.localName}${attrs.includes('id') ? ` id="${id}"` : ''}>`);
    }
    assert.deepEqual(unnamed, [], 'controls without an accessible name');
    // …and, checked from the DOM side, every input/select/textarea is labelled.
    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll('input, select, textarea')]
        .filter((el) => el.type !== 'hidden')
        .filter((el) => {
          const byLabel = [...(el.labels || [])].some((l) => l.textContent.trim());
          const byAria = (el.getAttribute('aria-label') || '').trim() ||
            (el.getAttribute('aria-labelledby') || '').split(/\s+/).some((id) => document.getElementById(id)?.textContent.trim());
          return !byLabel && !byAria;
        })
        .map((el) => el.outerHTML.slice(0, 120)));
    assert.deepEqual(unlabelled, [], 'inputs without a label');

    // Tab through the whole page: every stop has a visible focus indicator and is on screen.
    const problems = [];
    const seen = new Set();
    for (let i = 0; i < 150; i++) {
      await page.keyboard.press('Tab');
      const f = await focusInfo(page);
      if (f.tag === 'body' || seen.has(f.key)) break; // wrapped around
      seen.add(f.key);
      if (!f.focusStyle) problems.push(`${f.key}: no visible focus style`);
      if (!f.visible) problems.push(`${f.key}: focused but not visible on screen ${JSON.stringify(f.rect)}`);
    }
    assert.ok(seen.size >= 3, `several tab stops (got ${seen.size})`);
    assert.deepEqual(problems, [], 'tab stops without a visible focus');
    await context.close();
  });
}

async function signInQuietly(page) {
  await page.goto('/login');
  await page.locator('#f-username').fill(OFFICER.username);
  await page.locator('#f-password').fill(OFFICER.password);
  await Promise.all([page.waitForURL((u) => u.pathname === '/'), page.locator('#f-password').press('Enter')]);
}

/** Presses Tab until the element with this id has focus. */
async function tabUntil(page, id, max = 30) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if ((await page.evaluate(() => document.activeElement?.id)) === id) return;
  }
  assert.fail(`could not reach #${id} with Tab in ${max} presses`);
}

/** What has focus, whether it is on screen, and whether its focus is visible. */
function focusInfo(page) {
  return page.evaluate(() => {
    const el = document.activeElement || document.body;
    const cs = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2;
    const shadow = cs.boxShadow && cs.boxShadow !== 'none';
    const tag = el.tagName.toLowerCase();
    const label = (el.getAttribute('aria-label') || el.textContent || el.name || '').trim().slice(0, 40);
    return {
      tag,
      href: el.getAttribute('href'),
      key: `${tag}${el.id ? '#' + el.id : ''}${el.getAttribute('href') ? `[href="${el.getAttribute('href')}"]` : ''} "${label}"`,
      focusStyle: outline || shadow,
      visible: r.width >= 1 && r.height >= 1 && r.bottom > 0 && r.right > 0 &&
        r.top < window.innerHeight && r.left < window.innerWidth && cs.visibility !== 'hidden',
      rect: { x: Math.round(r.x), y: Math.round(r.y), w: Math.round(r.width), h: Math.round(r.height) },
    };
  });
}

// The monitoring dashboard in a real browser: the demo's district officer
// of Kabupaten Magetan opens the district dashboard, reads a chart and its
// data table, drills down to a library by its link, comes back by the
// breadcrumb trail, and downloads the table of libraries as Excel and CSV —
// checking each file really is that format with the expected header.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import { launch, newContext, signIn, screenshotPath, PHONE, DESKTOP } from '../lib/lentera.mjs';

let browser;
let context;
let page;

before(async () => {
  browser = await launch();
  context = await newContext(browser, { acceptDownloads: true });
  page = await context.newPage();
  await signIn(page);
});

after(async () => {
  await browser?.close();
});

/** The files inside a zip (an XLSX), by name, inflated. */
function unzip(bytes) {
  const buf = Buffer.from(bytes);
  // End of central directory: the last PK\5\6.
  let eocd = -1;
  for (let i = buf.length - 22; i >= 0; i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
  }
  assert.ok(eocd >= 0, 'a zip file has a central directory');
  const entries = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const files = new Map();
  for (let n = 0; n < entries; n++) {
    assert.equal(buf.readUInt32LE(at), 0x02014b50, 'a central directory entry');
    const method = buf.readUInt16LE(at + 10);
    const size = buf.readUInt32LE(at + 20);
    const nameLen = buf.readUInt16LE(at + 28);
    const extraLen = buf.readUInt16LE(at + 30);
    const commentLen = buf.readUInt16LE(at + 32);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.toString('utf8', at + 46, at + 46 + nameLen);
    const dataAt = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(dataAt, dataAt + size);
    files.set(name, method === 8 ? inflateRawSync(raw) : raw);
    at += 46 + nameLen + extraLen + commentLen;
  }
  return files;
}

/** Clicks a download link and returns the file's name and bytes. */
async function download(link) {
  const [dl] = await Promise.all([page.waitForEvent('download'), link.click()]);
  const path = await dl.path();
  return { name: dl.suggestedFilename(), bytes: readFileSync(path) };
}

test('a district officer reads the dashboard, drills down to a library and exports the table', { timeout: 120_000 }, async () => {
  // The dashboard from the menu: Pemantauan → Dasbor.
  await page.locator('header').getByRole('link', { name: 'Pemantauan', exact: true }).click();
  await page.waitForURL((u) => u.pathname === '/monitoring');
  const h1 = (await page.locator('h1').textContent()).trim();
  assert.match(h1, /Kabupaten Magetan/, 'the district is the officer\'s own reach');

  // Charts are labelled images, with their numbers in a table.
  const chart = page.locator('#trend svg[role="img"]');
  assert.match(await chart.getAttribute('aria-label'), /kunjungan/i, 'the chart says what it shows');
  await page.locator('#trend details summary').click();
  assert.match(await page.locator('#t-trend caption').textContent(), /per bulan/);
  assert.equal(await page.locator('#t-trend tbody tr').count(), 12, 'twelve months');

  // The libraries side by side; each name opens its own dashboard.
  const rows = page.locator('#t-children tbody tr');
  const libraries = await rows.count();
  assert.ok(libraries >= 2, `several Magetan libraries (${libraries})`);
  const first = rows.first().locator('th a');
  const libraryName = (await first.textContent()).trim();
  await page.screenshot({ path: screenshotPath('dashboard-district.png'), fullPage: false });
  await first.click();
  await page.waitForURL((u) => u.searchParams.has('library') && u.searchParams.has('period'));
  assert.equal((await page.locator('h1').textContent()).includes(libraryName), true, 'the library\'s dashboard');
  const libraryUrl = new URL(page.url());
  assert.equal(await page.locator('#t-children').count(), 0, 'a library has no breakdown');
  assert.ok(await page.locator('.dash-cards li').count() >= 4, 'its key figures');

  // The URL can be shared: opening it again shows the same library.
  await page.goto(libraryUrl.pathname + libraryUrl.search);
  assert.equal((await page.locator('h1').textContent()).includes(libraryName), true);

  // Back up by the breadcrumb trail.
  await page.locator('nav.breadcrumbs').getByRole('link', { name: 'Kabupaten Magetan' }).click();
  await page.waitForURL((u) => u.searchParams.get('region') === '3520');
  assert.match((await page.locator('h1').textContent()), /Kabupaten Magetan/);

  // Export the table of libraries: Excel, then CSV.
  const section = page.locator('#children');
  const xlsx = await download(section.getByRole('link', { name: 'Excel (XLSX)' }));
  assert.match(xlsx.name, /^dasbor-3520-\d{4}-\d{2}-children\.xlsx$/, xlsx.name);
  assert.equal(xlsx.bytes.subarray(0, 2).toString('latin1'), 'PK', 'an XLSX is a zip');
  const files = unzip(xlsx.bytes);
  assert.ok(files.has('xl/workbook.xml'), 'a workbook');
  const strings = files.get('xl/sharedStrings.xml').toString('utf8');
  for (const header of ['code', 'name', 'visits', 'loans', 'loans_per_visit', 'active_members']) {
    assert.ok(strings.includes(`>${header}<`), `the header ${header}`);
  }
  assert.ok(strings.includes(libraryName.replace(/&/g, '&amp;')), 'the libraries are in it');

  const csv = await download(section.getByRole('link', { name: 'CSV', exact: true }));
  assert.match(csv.name, /children\.csv$/);
  const text = csv.bytes.toString('utf8').replace(/^\uFEFF/, '');
  const lines = text.trim().split(/\r?\n/);
  assert.match(lines[0], /^code,name,visits,visits_per_month,visits_children_share,loans,loans_per_visit,/);
  assert.equal(lines.length, libraries + 2, 'a header, one line per library and the total');

  // The whole report as PDF from the downloads.
  const pdf = await download(page.locator('#downloads').getByRole('link', { name: /PDF/ }));
  assert.equal(pdf.bytes.subarray(0, 5).toString('latin1'), '%PDF-');

  // On a phone the dashboard does not scroll sideways.
  await page.setViewportSize(PHONE);
  await page.reload();
  const widths = await page.evaluate(() => [document.scrollingElement.scrollWidth, window.innerWidth]);
  assert.ok(widths[0] <= widths[1] + 1, `no sideways scroll at 360 px (${widths[0]} > ${widths[1]})`);
  await page.screenshot({ path: screenshotPath('dashboard-phone.png'), fullPage: false });
  await page.setViewportSize(DESKTOP);
  assert.deepEqual(context.foreign, [], 'nothing from another host');
});

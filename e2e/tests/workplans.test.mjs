// Work plans in a real browser: the demo manager `pengelola` writes a plan
// (an empty submission first shows the error summary; a second activity
// row is added with the plain "add" button, no script needed) and submits
// it; the facilitator `fasilitator` finds it waiting for review and asks
// for a revision with a comment on one activity; the manager sees the
// request on the plan and on the home page. The demo leaves the current
// year's plans free for `pengelola`. The edit form must fit a 360 px phone.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newContext, signIn, pageFacts, screenshotPath, PHONE } from '../lib/lentera.mjs';

const MANAGER = { username: 'pengelola', password: 'lentera-demo-2024' };
const FACILITATOR = { username: 'fasilitator', password: 'lentera-demo-2024' };
const COMMENT = 'Jadwal kelas bentrok dengan panen jeruk; geser ke bulan berikutnya.';

let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

/** Clicks a submit button and waits for the page that answers. */
async function submitWith(page, button) {
  await Promise.all([page.waitForLoadState('load'), page.waitForNavigation(), button.click()]);
}

test('a manager writes and submits a plan; the facilitator asks for a revision', { timeout: 120_000 }, async () => {
  const mgrContext = await newContext(browser);
  const mgr = await mgrContext.newPage();
  await signIn(mgr, MANAGER);

  // The library's plans, and the form to start one.
  await mgr.goto('/workplans');
  assert.equal((await mgr.locator('h1').textContent()).trim(), 'Rencana kerja perpustakaan Anda');
  await mgr.locator('#f-plan_kind').selectOption('pelibatan_masyarakat');
  const year = await mgr.locator('#f-plan_year').inputValue();
  await Promise.all([
    mgr.waitForURL(/\/workplans\/[^/]+\/edit\?created=1$/),
    mgr.getByRole('button', { name: 'Buat rencana kerja' }).click(),
  ]);
  const planPath = new URL(mgr.url()).pathname.replace(/\/edit$/, '');
  assert.match(await mgr.locator('[role=status]').first().textContent(), /Rencana kerja dibuat/);

  // Submitting an empty plan: the error summary takes focus and links to
  // the fields.
  await submitWith(mgr, mgr.getByRole('button', { name: 'Simpan dan ajukan' }));
  const summary = mgr.locator('.error-summary');
  await summary.waitFor();
  assert.equal(await mgr.evaluate(() => document.activeElement?.classList.contains('error-summary')), true,
    'the error summary has focus');
  assert.ok(await summary.locator('a[href="#f-potential_people"]').count() === 1, 'links to the potential map');

  // Fill in the plan; dates through the date inputs.
  await mgr.locator('#f-potential_people').fill('Kelompok tani jeruk pamelo, kader PKK, Karang Taruna');
  await mgr.locator('#f-potential_economy').fill('Jeruk pamelo, kerajinan anyaman bambu');
  await mgr.locator('#f-goals').fill('Warga memakai perpustakaan untuk menambah nilai hasil kebun');
  await mgr.locator('#f-act1_name').fill('Pelatihan olahan jeruk pamelo');
  await mgr.locator('#f-act1_target_group').fill('Ibu-ibu PKK');
  await mgr.locator('#f-act1_starts_on').fill(`${year}-12-01`);
  await mgr.locator('#f-act1_ends_on').fill(`${year}-12-02`);
  await mgr.locator('#f-act1_budget').fill('1.500.000');
  await mgr.locator('#f-act1_budget_source').selectOption('apbdes');
  await mgr.locator('#f-act1_targets').fill('25 peserta, 2 produk olahan');

  // A second activity: the "add" button sends the form back with a new
  // row, everything typed kept.
  await submitWith(mgr, mgr.getByRole('button', { name: 'Tambah kegiatan' }));
  assert.equal(await mgr.locator('#f-act1_name').inputValue(), 'Pelatihan olahan jeruk pamelo');
  await mgr.locator('#f-act2_name').waitFor();
  await mgr.locator('#f-act2_name').fill('Kelas anyaman bambu');
  await mgr.locator('#f-act2_target_group').fill('Pemuda Karang Taruna');
  await mgr.locator('#f-act2_starts_on').fill(`${year}-12-10`);
  await mgr.locator('#f-act2_ends_on').fill(`${year}-12-20`);
  await mgr.locator('#f-act2_targets').fill('15 pemuda');

  // On a phone the form fits the screen.
  await mgr.setViewportSize(PHONE);
  const facts = await pageFacts(mgr);
  assert.ok(facts.scrollWidth <= facts.innerWidth, `no sideways scroll (${facts.scrollWidth} > ${facts.innerWidth})`);
  await mgr.screenshot({ path: screenshotPath('workplan-edit-360x740.png'), fullPage: true });

  await Promise.all([
    mgr.waitForURL((u) => u.pathname === planPath && u.search === '?submitted=1'),
    mgr.getByRole('button', { name: 'Simpan dan ajukan' }).click(),
  ]);
  assert.match(await mgr.locator('[role=status]').first().textContent(), /diajukan/);
  assert.match(await mgr.locator('main').textContent(), /Diajukan, menunggu tinjauan/);

  // The facilitator: the plan is waiting for review, first on the list.
  const facContext = await newContext(browser);
  const fac = await facContext.newPage();
  await signIn(fac, FACILITATOR);
  await fac.goto('/workplans');
  const waiting = fac.locator('section[aria-labelledby="wp-waiting"]');
  assert.ok(await waiting.locator(`a[href="${planPath}"]`).count() >= 1, 'the plan waits for review');
  await Promise.all([
    fac.waitForURL((u) => u.pathname === planPath),
    waiting.locator(`a[href="${planPath}"]`).first().click(),
  ]);
  // A comment on the second activity (its box belongs to the review form),
  // then "request a revision".
  await fac.locator('#f-act2_comment').fill(COMMENT);
  await Promise.all([
    fac.waitForURL((u) => u.pathname === planPath && u.search === '?reviewed=revision'),
    fac.getByRole('button', { name: 'Minta revisi' }).click(),
  ]);
  assert.match(await fac.locator('[role=status]').first().textContent(), /Permintaan revisi dikirim/);

  // The manager sees the request on the plan and on the home page.
  await mgr.setViewportSize({ width: 1366, height: 768 });
  await mgr.goto(planPath);
  const request = mgr.locator('section[aria-labelledby="wp-request"]');
  await request.waitFor();
  assert.match(await request.textContent(), /Revisi diminta/);
  assert.ok((await request.textContent()).includes(COMMENT), 'the comment is shown');
  assert.match(await request.textContent(), /Kegiatan 2 — Kelas anyaman bambu/);
  assert.match(await request.textContent(), /Dewi Anggraeni Putri/);
  await mgr.goto('/');
  assert.match(await mgr.locator('ul.todo').textContent(), new RegExp(`Revisi diminta: rencana kerja Pelibatan Masyarakat ${year}`));
  // …and on the edit form, next to the activity.
  await mgr.goto(`${planPath}/edit`);
  assert.ok((await mgr.locator('main').textContent()).includes(COMMENT));

  await mgrContext.close();
  await facContext.close();
});

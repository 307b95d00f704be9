import { Page, expect, test } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { SCREENSHOTS, expectNoErrorPanel, screenshot, signIn } from './fixtures';

// The balance quadrant and the check catalog, against the running demo app (scripts/e2e.sh
// starts it); the demo's scores come from examples/cluster through the real collector.

/** The whole page: the table a quadrant filters is below the chart, past the fold. */
async function fullPageScreenshot(page: Page, name: string) {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

type Quadrant = 'balanced' | 'secure-fragile' | 'scalable-exposed' | 'at-risk';

/** The services the chart draws in a quadrant, from its markers (one marker may hold several). */
async function refsIn(page: Page, quadrant: Quadrant): Promise<string[]> {
  const refs = await page
    .locator(`[data-testid="quadrant-point"][data-quadrant="${quadrant}"]`)
    .evaluateAll(els => els.flatMap(e => (e.getAttribute('data-entity-refs') ?? '').split(' ').filter(Boolean)));
  return refs.sort();
}

async function tableRefs(page: Page): Promise<string[]> {
  const refs = await page
    .getByTestId('posture-overview-row')
    .evaluateAll(els => els.map(e => e.getAttribute('data-entity-ref') ?? ''));
  return refs.sort();
}

/** Clicks a quadrant where no marker covers it, as a person aiming at the empty area would. */
async function clickQuadrant(page: Page, quadrant: Quadrant) {
  const testId = `quadrant-region-${quadrant}`;
  const region = page.getByTestId(testId);
  await region.scrollIntoViewIfNeeded();
  const box = (await region.boundingBox())!;
  for (const [fx, fy] of [[0.9, 0.9], [0.1, 0.9], [0.9, 0.5], [0.5, 0.9], [0.5, 0.5], [0.1, 0.5], [0.9, 0.2]]) {
    const x = box.x + box.width * fx;
    const y = box.y + box.height * fy;
    const hit = await page.evaluate(([px, py]) => document.elementFromPoint(px, py)?.getAttribute('data-testid'), [x, y]);
    if (hit === testId) {
      await page.mouse.click(x, y);
      return;
    }
  }
  throw new Error(`markers cover every spot tried in ${quadrant}`);
}

test('a click on a balance quadrant filters the table below to its services, kept in the URL and clearable', async ({
  page,
}) => {
  await signIn(page, '/posture');
  const rows = page.getByTestId('posture-overview-row');
  await expect(rows.first()).toBeVisible();
  const all = await tableRefs(page);
  await expect(page.getByTestId('posture-quadrant')).toBeVisible();

  // the threshold is on the chart, with why it is there
  await expect(page.getByTestId('quadrant-threshold')).toContainText('70 = C or better');
  await expect(page.getByTestId('quadrant-threshold-explained')).toContainText(
    'split each axis at 70, the lowest score that grades C',
  );

  // every scored service is drawn once, and no two markers share a spot
  const markers = page.getByTestId('quadrant-point');
  const drawn = await markers.evaluateAll(els =>
    els.map(e => ({
      count: Number(e.getAttribute('data-count')),
      at: `${Math.round(Number(e.getAttribute('cx')))}:${Math.round(Number(e.getAttribute('cy')))}`,
    })),
  );
  const labelled = await Promise.all(
    (['balanced', 'secure-fragile', 'scalable-exposed', 'at-risk'] as const).map(async q =>
      Number(/\((\d+)\)$/.exec((await page.getByTestId(`quadrant-label-${q}`).textContent()) ?? '')?.[1]),
    ),
  );
  expect(drawn.reduce((n, d) => n + d.count, 0)).toBe(labelled.reduce((a, b) => a + b, 0));
  expect(new Set(drawn.map(d => d.at)).size).toBe(drawn.length);

  const balanced = await refsIn(page, 'balanced');
  expect(balanced).toContain('component:default/checkout-api');
  expect(balanced.length).toBeLessThan(all.length);
  await screenshot(page, 'overview-quadrant');

  await clickQuadrant(page, 'balanced');
  await expect(page).toHaveURL(/[?&]quadrant=balanced/);
  await expect(page.getByTestId('posture-filter-quadrant')).toHaveText('Quadrant: Balanced');
  await expect(page.getByTestId('quadrant-region-balanced')).toHaveAttribute('aria-pressed', 'true');
  await expect(rows).toHaveCount(balanced.length);
  expect(await tableRefs(page)).toEqual(balanced);
  // said beside the chart too, since the table is out of sight
  await expect(page.getByTestId('posture-quadrant-status')).toHaveText(
    `The table below lists the ${balanced.length} service${balanced.length === 1 ? '' : 's'} in Balanced.`,
  );
  // the chart still offers the other quadrants
  await expect(markers).toHaveCount(drawn.length);
  await expectNoErrorPanel(page);
  await fullPageScreenshot(page, 'overview-quadrant-filtered');

  // the URL is the state: a reload (or a shared link) shows the same view
  await page.reload();
  await expect(page.getByTestId('posture-filter-quadrant')).toHaveText('Quadrant: Balanced');
  await expect(rows).toHaveCount(balanced.length);

  // the filter chip clears it
  await page.getByTestId('posture-filter-quadrant').locator('.MuiChip-deleteIcon').click();
  await expect(page).not.toHaveURL(/quadrant=/);
  await expect(page.getByTestId('posture-filter-quadrant')).toHaveCount(0);
  await expect(rows).toHaveCount(all.length);
});

test('the balance quadrant is operable by keyboard, with a visible focus ring', async ({ page }) => {
  await signIn(page, '/posture');
  const rows = page.getByTestId('posture-overview-row');
  await expect(rows.first()).toBeVisible();
  const all = await tableRefs(page);

  // tab through the page to the first quadrant, the top-left one
  const first = page.getByTestId('quadrant-region-secure-fragile');
  for (let i = 0; i < 80 && !(await first.evaluate(el => el === document.activeElement)); i++) {
    await page.keyboard.press('Tab');
  }
  await expect(first).toBeFocused();
  await expect(first).toHaveAttribute('aria-label', /^Secure but fragile: \d+ services?, security 70 or more, scalability below\./);
  expect(await first.evaluate(el => getComputedStyle(el).strokeWidth)).toBe('3px');

  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  const atRiskRegion = page.getByTestId('quadrant-region-at-risk');
  await expect(atRiskRegion).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/[?&]quadrant=at-risk/);
  const atRisk = await refsIn(page, 'at-risk');
  expect(atRisk).toContain('component:default/ops-console');
  await expect(rows).toHaveCount(atRisk.length);
  expect(await tableRefs(page)).toEqual(atRisk);
  await expect(atRiskRegion).toBeFocused();
  await expect(atRiskRegion).toHaveAttribute('aria-pressed', 'true');
  await fullPageScreenshot(page, 'overview-quadrant-keyboard');
  // Space on the same quadrant shows all again
  await page.keyboard.press(' ');
  await expect(page).not.toHaveURL(/quadrant=/);
  await expect(rows).toHaveCount(all.length);

  // past the last quadrant, the markers are one tab stop; the arrow keys walk them
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  const focused = page.locator('[data-testid="quadrant-point"]:focus');
  await expect(focused).toHaveCount(1);
  await expect(page.getByTestId('quadrant-tooltip')).toBeVisible();
  expect(await focused.evaluate(el => getComputedStyle(el).strokeWidth)).toBe('3px');
  for (let i = 0; i < 40 && (await focused.getAttribute('data-entity-ref')) !== 'component:default/checkout-api'; i++) {
    await page.keyboard.press('ArrowRight');
  }
  await expect(focused).toHaveAttribute('data-entity-ref', 'component:default/checkout-api');
  await expect(page.getByTestId('quadrant-tooltip')).toContainText('checkout-api');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/catalog\/default\/component\/checkout-api\/posture/);
});

const WEIGHT: Record<string, number> = { critical: 10, high: 5, medium: 3, low: 1 };

test('the check catalog puts the most urgent first, with the denominator and the failing services by team', async ({
  page,
}) => {
  await signIn(page, '/posture/checks');
  const entries = page.getByTestId('posture-catalog-check');
  await expect(entries.first()).toBeVisible();
  const checks = await entries.evaluateAll(els =>
    els.map(e => ({
      id: e.getAttribute('data-check-id') ?? '',
      severity: e.getAttribute('data-severity') ?? '',
      failing: Number(e.getAttribute('data-failing')),
    })),
  );
  const urgency = checks.map(c => WEIGHT[c.severity] * c.failing);
  expect(urgency[0]).toBeGreaterThan(0);
  expect(urgency).toEqual([...urgency].sort((a, b) => b - a));

  // "fails in N of M scored services", with one M for every check
  const texts = await page.getByTestId('posture-catalog-failing').allTextContents();
  const scored = new Set<number>();
  texts.forEach((t, i) => {
    const m = /^(?:Fails in (\d+) of (\d+) scored services|Passes in all (\d+) scored services)$/.exec(t);
    expect({ id: checks[i].id, text: t, matches: !!m }).toEqual({ id: checks[i].id, text: t, matches: true });
    if (m![1] !== undefined) expect(Number(m![1])).toBe(checks[i].failing);
    scored.add(Number(m![2] ?? m![3]));
  });
  expect(scored.size).toBe(1);
  expect([...scored][0]).toBeGreaterThanOrEqual(Math.max(...checks.map(c => c.failing)));

  // the most urgent check, opened: its failing services under their teams' display names
  const top = entries.first();
  await top.getByRole('button').first().click();
  await expect(page).toHaveURL(new RegExp(`[?&]check=${checks[0].id}`));
  const teams = top.getByTestId('posture-catalog-team');
  await expect(teams.first()).toBeVisible();
  await expect(teams.first()).toHaveText(/^(Payments|Platform|Growth|Data) \(\d+\): /);
  const perTeam = await teams.allTextContents();
  const listed = perTeam.reduce((n, t) => n + Number(/\((\d+)\)/.exec(t)![1]), 0);
  expect(listed).toBe(checks[0].failing);
  await expectNoErrorPanel(page);
  await teams.last().scrollIntoViewIfNeeded();
  await screenshot(page, 'checks-catalog');
});

test("the check catalog's filters are in the URL, so a link reproduces the view", async ({ page }) => {
  await signIn(page, '/posture/checks');
  const entries = page.getByTestId('posture-catalog-check');
  await expect(entries.first()).toBeVisible();
  const before = await entries.count();

  await page.getByRole('button', { name: /^Pillar/ }).click();
  await page.getByRole('option', { name: 'Security' }).click();
  await page.getByRole('button', { name: /^Severity/ }).click();
  await page.getByRole('option', { name: 'Critical' }).click();
  await page.getByRole('option', { name: 'High' }).click();
  await page.keyboard.press('Escape');
  await page.getByRole('checkbox', { name: 'Only checks that services fail' }).check();
  await page.getByTestId('posture-catalog-search').fill('priv');
  await expect(page).toHaveURL(/[?&]q=priv/);
  const url = new URL(page.url());
  expect(url.searchParams.get('pillar')).toBe('security');
  expect(url.searchParams.getAll('severity')).toEqual(['critical', 'high']);
  expect(url.searchParams.get('failing')).toBe('true');

  const shown = await entries.evaluateAll(els =>
    els.map(e => [e.getAttribute('data-check-id'), e.getAttribute('data-severity'), Number(e.getAttribute('data-failing'))]),
  );
  // ops-console runs privileged: the demo fails pss-privileged
  expect(shown.map(s => s[0])).toContain('pss-privileged');
  expect(shown.length).toBeLessThan(before);
  for (const [, severity, failing] of shown) {
    expect(['critical', 'high']).toContain(severity);
    expect(failing).toBeGreaterThan(0);
  }
  await entries.first().getByRole('button').first().click();
  await expect(page).toHaveURL(/[?&]check=/);
  await expect(entries.first().getByTestId('posture-catalog-team').first()).toBeVisible();
  await screenshot(page, 'checks-catalog-filtered');

  // the same link in a fresh page: same checks, same filters, the same check open
  const link = page.url();
  await page.goto('/posture');
  await page.goto(link);
  await expect(entries.first()).toBeVisible();
  expect(await entries.evaluateAll(els => els.map(e => e.getAttribute('data-check-id')))).toEqual(shown.map(s => s[0]));
  await expect(page.getByTestId('posture-catalog-search')).toHaveValue('priv');
  await expect(page.getByRole('checkbox', { name: 'Only checks that services fail' })).toBeChecked();
  await expect(page.getByRole('button', { name: /^Severity/ })).toContainText('Critical, High');
  await expect(entries.first().getByTestId('posture-catalog-failing-services')).toBeVisible();

  await page.getByTestId('posture-catalog-clear').click();
  await expect(entries).toHaveCount(before);
});

test('services on the same spot share one counted marker that lists them', async ({ page }) => {
  // the demo has no two services at the same scores: the browser gets an overview where two do
  // (the real response, with one point moved onto another), and draws what the app would
  await page.route(url => url.pathname.endsWith('/api/posture/overview'), async route => {
    const response = await route.fetch();
    const body = await response.json();
    const [a, b] = body.points;
    if (a && b) body.points[1] = { ...b, scalability: a.scalability, security: a.security };
    await route.fulfill({ response, json: body });
  });
  await signIn(page, '/posture');
  const shared = page.locator('[data-testid="quadrant-point"][data-count="2"]');
  await expect(shared).toHaveCount(1);
  const refs = (await shared.getAttribute('data-entity-refs'))!.split(' ');
  expect(refs).toHaveLength(2);
  await shared.click();
  // a shared marker opens a menu to pick one of its services
  const menu = page.getByTestId('quadrant-group-menu');
  await expect(menu).toBeVisible();
  await expect(menu.getByRole('menuitem')).toHaveCount(2);
  await screenshot(page, 'overview-quadrant-shared-marker');
});

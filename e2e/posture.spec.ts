import { expect, test } from '@playwright/test';
import fs from 'node:fs';
import { expectNoErrorPanel, screenshot, signIn } from './fixtures';

// Against the running demo app (scripts/e2e.sh starts it). The demo's scores
// come from examples/cluster through the real collector, engine and store.

test('the catalog lists the demo services', async ({ page }) => {
  await signIn(page, '/catalog');
  await expect(page.getByRole('link', { name: 'Ops console' }).first()).toBeVisible();
  await expect(page.getByRole('link', { name: 'Checkout API' }).first()).toBeVisible();
  await screenshot(page, 'catalog');
});

test("a demo service's Posture tab shows its real grade and a failing check's evidence", async ({ page }) => {
  await signIn(page, '/catalog/default/component/ops-console/posture');
  await expect(page.getByTestId('posture-grade').first()).toHaveText(/F/);
  await expect(page.getByTestId('posture-pss-level').first()).toHaveText(/privileged/i);
  // the failing check is listed twice: in the fix-first card at the top, and under all checks
  const row = page.locator('[data-testid="posture-check-row"][data-check-id="pss-privileged"]').first();
  await expect(row).toHaveAttribute('data-status', 'fail');
  await row.getByRole('button').first().click();
  await expect(row.getByTestId('posture-evidence-path').first()).toHaveText(
    'spec.template.spec.containers[0].securityContext.privileged',
  );
  await expect(row.getByTestId('posture-remediation-patch')).toBeVisible();
  await expectNoErrorPanel(page);
  await screenshot(page, 'entity-tab');
});

test('an A-grade service shows Gold and restricted', async ({ page }) => {
  await signIn(page, '/catalog/default/component/checkout-api/posture');
  await expect(page.getByTestId('posture-grade').first()).toHaveText(/A/);
  await expect(page.getByTestId('posture-level').first()).toHaveText(/Gold/);
  await expect(page.getByTestId('posture-pss-level').first()).toHaveText(/restricted/i);
});

test('an entity without the kubernetes annotation says which one to add', async ({ page }) => {
  await signIn(page, '/catalog/default/component/docs-portal/posture');
  await expect(page.getByTestId('posture-no-annotations')).toContainText('backstage.io/kubernetes-id');
});

test('the overview filters on the server, exports CSV and opens a service from the quadrant', async ({ page }) => {
  await signIn(page, '/posture');
  const rows = page.getByTestId('posture-overview-row');
  await expect(rows.first()).toBeVisible();
  const total = await rows.count();
  expect(total).toBeGreaterThanOrEqual(8);
  await expect(page.getByTestId('posture-quadrant')).toBeVisible();
  await screenshot(page, 'overview');

  // filter by grade through the URL, as a shared link would
  await page.goto('/posture?grade=F');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveAttribute('data-entity-ref', 'component:default/ops-console');
  await screenshot(page, 'overview-filtered');

  // CSV of the current filter
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('posture-export-csv').click(),
  ]);
  const csv = fs.readFileSync((await download.path())!, 'utf8');
  const lines = csv.trim().split(/\r?\n/);
  expect(lines[0]).toContain('entityRef');
  expect(lines).toHaveLength(2);
  expect(lines[1]).toContain('component:default/ops-console');

  // a click on a quadrant point opens that service's tab
  await page.goto('/posture');
  const point = page.locator('[data-testid="quadrant-point"][data-entity-ref="component:default/checkout-api"]');
  await point.click();
  await expect(page).toHaveURL(/\/catalog\/default\/component\/checkout-api\/posture/);
  await expect(page.getByTestId('posture-grade').first()).toHaveText(/A/);
});

test('the check catalog lists checks with the services that fail them', async ({ page }) => {
  await signIn(page, '/posture/checks');
  await expect(page.getByTestId('posture-catalog-check').first()).toBeVisible();
  await screenshot(page, 'checks');
});

import { expect, test } from '@playwright/test';
import { expectNoErrorPanel, screenshot, signIn } from './fixtures';

// Issue 14, the platform team's view: roll-ups along the hierarchy, trends and campaigns, on the demo data.

test('a department rolls up its four teams, with scored-of-total counts, and can keep to direct ownership', async ({ page }) => {
  await signIn(page, '/catalog/default/group/engineering/posture');
  const counts = page.getByTestId('posture-group-counts');
  await expect(counts).toHaveText(/^\d+ scored of \d+ services owned by this group and the 4 groups below it$/);
  const [, scored, total] = /^(\d+) scored of (\d+)/.exec((await counts.textContent()) ?? '')!;
  expect(Number(scored)).toBeGreaterThan(0);
  expect(Number(total)).toBeGreaterThanOrEqual(Number(scored));
  await expect(page.getByText(`Over ${scored} scored of ${total} services`)).toBeVisible();
  // the false reassurance of issue 14 is gone
  await expect(page.getByText('Over 0 services')).toHaveCount(0);
  await expect(page.getByText(/owns no scored services/)).toHaveCount(0);
  await expect(page.getByText(/No check fails/)).toHaveCount(0);
  await expect(page.getByTestId('posture-worst-check').first()).toBeVisible();
  await expect(page.getByTestId('posture-group-child')).toHaveCount(4);
  await expect(page.getByTestId('posture-group-entity')).toHaveCount(Number(total) > 20 ? 20 : Number(total));
  await expectNoErrorPanel(page);
  await screenshot(page, 'group-department-rollup');

  await page.getByRole('checkbox', { name: 'Only services this group owns directly' }).check();
  await expect(page.getByTestId('posture-group-empty')).toHaveText(/This group owns no services directly/);
  await expect(page.getByText('No scored service here, so no check was judged.')).toBeVisible();
  await screenshot(page, 'group-department-direct');
});

test("a team's averages say how many of its services were scored", async ({ page }) => {
  await signIn(page, '/catalog/default/group/team-payments/posture');
  await expect(page.getByText(/^Over \d+ scored of \d+ services?$/)).toBeVisible();
  await expect(page.getByTestId('posture-group-counts')).toHaveText(/scored of \d+ services? owned directly/);
  await expectNoErrorPanel(page);
});

test('the campaigns tab lists the demo campaigns with their progress', async ({ page }) => {
  await signIn(page, '/posture/campaigns');
  const links = page.getByTestId('posture-campaign-link');
  await expect(links).toHaveCount(3);
  await expect(page.getByTestId('posture-campaign-progress-production-silver')).toHaveText(
    /\d+ of \d+ services meet the target/,
  );
  await expectNoErrorPanel(page);
  await screenshot(page, 'campaigns');
});

test('a campaign page shows progress per team, the services short with their blockers, and a burn-down', async ({ page }) => {
  await signIn(page, '/posture/campaigns');
  await page.locator('[data-testid="posture-campaign-link"][data-campaign-id="no-privileged-pods"]').click();
  await expect(page).toHaveURL(/\/posture\/campaigns\/no-privileged-pods$/);
  await expect(page.getByTestId('posture-campaign-deadline')).toHaveText(/2027-01-15/);
  await expect(page.getByTestId('posture-campaign-team').first()).toBeVisible();
  const opsConsole = page.locator('[data-testid="posture-campaign-short"][data-entity-ref="component:default/ops-console"]');
  await expect(opsConsole).toBeVisible();
  await expect(page.getByTestId('posture-campaign-blockers').first()).toContainText(/rivileged/);
  await expect(page.getByTestId('posture-linechart-burndown')).toBeVisible();
  await expectNoErrorPanel(page);
  await screenshot(page, 'campaign-page');

  await page.goto('/posture/campaigns/production-silver');
  await expect(page.getByTestId('posture-campaign-progress')).toHaveText(/\d+ of \d+ services meet the target/);
  await expect(page.getByTestId('posture-series-short')).toBeVisible();
  await screenshot(page, 'campaign-page-level');
});

test("a service's Posture tab shows the campaigns it is part of, with the deadline", async ({ page }) => {
  await signIn(page, '/catalog/default/component/ops-console/posture');
  const campaign = page.locator('[data-testid="posture-entity-campaign"][data-campaign-id="no-privileged-pods"]');
  await expect(campaign).toHaveAttribute('data-met', 'false');
  await expect(campaign).toContainText('due 2027-01-15');
  await campaign.scrollIntoViewIfNeeded();
  await screenshot(page, 'entity-campaigns');
  await campaign.getByRole('link').first().click();
  await expect(page).toHaveURL(/\/posture\/campaigns\/no-privileged-pods$/);
});

test('the trends tab shows the average score over time', async ({ page }) => {
  await signIn(page, '/posture/trends');
  await expect(page.getByTestId('posture-linechart-org')).toBeVisible();
  await expect(page.getByTestId('posture-series-overall')).toHaveAttribute('data-points', /[1-9]\d*/);
  await expect(page.getByTestId('posture-trend-note-org')).toBeVisible();
  await expectNoErrorPanel(page);
  await screenshot(page, 'trends');
});

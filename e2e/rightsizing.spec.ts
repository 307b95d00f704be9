import { expect, test } from '@playwright/test';
import { expectNoErrorPanel, screenshot, signIn } from './fixtures';

// Right-sizing on the demo data: examples/cluster/*/usage.yaml carry measured use (as the
// Prometheus reader would write it), collected by the real collector, engine and store.

test("a service's Posture tab shows what it requests against what it uses", async ({ page }) => {
  await signIn(page, '/catalog/default/component/storefront-web/posture');
  const card = page.getByText('Requested vs used', { exact: true });
  await card.scrollIntoViewIfNeeded();
  await expect(card).toBeVisible();
  const row = page.locator('[data-testid="posture-resources-row"][data-container="web"]');
  await expect(row).toContainText('Deployment storefront-web');
  await expect(row).toContainText('Prometheus, 7d');
  // the web container requests 200m and uses 18m at p95: 9 % of the request
  await expect(row.getByLabel('web CPU p95 use: 9 % of the request')).toBeAttached();
  await expect(page.getByTestId('posture-over-request')).toContainText('Reserved and not used');
  await expectNoErrorPanel(page);
  await row.scrollIntoViewIfNeeded();
  await screenshot(page, 'entity-requested-vs-used');
});

test('the overview estimates the over-requested CPU and memory per team', async ({ page }) => {
  await signIn(page, '/posture');
  const summary = page.getByTestId('posture-rightsizing-summary');
  await summary.scrollIntoViewIfNeeded();
  await expect(summary).toContainText('requested above use');
  const teams = page.getByTestId('posture-rightsizing-team');
  await expect(teams).toHaveCount(3);
  const cpu: number[] = [];
  for (const row of await teams.all()) {
    const text = (await row.innerText()).replace(/\s+/g, ' ');
    // for the note: the estimate per team on the demo
    // eslint-disable-next-line no-console
    console.log(`[right-sizing] ${await row.getAttribute('data-owner')}: ${text}`);
    const m = /([\d.]+)(m| cores) \(/.exec(text);
    cpu.push(m ? Number(m[1]) / (m[2] === 'm' ? 1000 : 1) : Number.NaN);
  }
  // the biggest saving first
  expect(cpu.every((v, i) => i === 0 || v <= cpu[i - 1])).toBe(true);
  // by display name; the ledger, whose posture only team-payments may read, is not in the guest's numbers
  const payments = page.locator('[data-testid="posture-rightsizing-team"][data-owner="group:default/team-payments"]');
  await expect(payments).toContainText('Payments');
  await expect(payments.locator('td').nth(1)).toHaveText('1');
  // the overview's filters apply: one team's services only
  await page.goto('/posture?owner=group%3Adefault%2Fteam-growth');
  await expect(page.getByTestId('posture-rightsizing-team')).toHaveCount(1);
  await expect(page.getByTestId('posture-rightsizing-team').first()).toHaveAttribute('data-owner', 'group:default/team-growth');
  await expectNoErrorPanel(page);
  await page.getByTestId('posture-rightsizing-summary').scrollIntoViewIfNeeded();
  await screenshot(page, 'overview-over-requested');
});

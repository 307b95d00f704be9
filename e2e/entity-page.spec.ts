import { Locator, expect, test } from '@playwright/test';
import { expectNoErrorPanel, screenshot, signIn } from './fixtures';

// The entity side of Posture in the demo app (scripts/e2e.sh starts it): the summary card on the
// overview tab, the history chart on the Posture tab, the grade column of the catalog table and
// the overview's distribution charts, all on the demo data from examples/cluster.

type Box = { x: number; y: number; width: number; height: number };
const overlaps = (a: Box, b: Box) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

async function box(locator: Locator): Promise<Box> {
  const b = await locator.boundingBox();
  expect(b, 'the element is laid out').not.toBeNull();
  return b!;
}

test('the Posture card opens the overview tab with a labelled verdict', async ({ page }) => {
  await signIn(page, '/catalog/default/component/ops-console');
  const card = page.getByTestId('posture-card');
  await expect(card).toBeVisible();
  // ops-console is the demo's failing service: grade F, a critical check fails, so no level
  await expect(card.getByRole('group', { name: /^Grade F · no level · \d+ critical$/ })).toBeVisible();
  await expect(card.getByTestId('posture-level')).toHaveText('no level');
  await expect(card.getByTestId('posture-card-critical')).toHaveText(/^[1-9]\d* critical$/);
  // near the top: the card starts within the first screenful, above every other content card
  const top = (await box(card)).y;
  expect(top).toBeLessThan(450);
  await expectNoErrorPanel(page);
  await screenshot(page, 'entity-overview-card');

  await page.goto('/catalog/default/component/checkout-api');
  await expect(page.getByTestId('posture-card').getByRole('group', { name: /^Grade A · Gold level · no critical$/ })).toBeVisible();
});

test('the Posture tab draws the score history as one compact chart', async ({ page }) => {
  await signIn(page, '/catalog/default/component/ops-console/posture');
  const chart = page.getByTestId('posture-history');
  await expect(chart).toHaveCount(1);
  await expect(chart).toBeVisible();
  for (const key of ['overall', 'scalability', 'security']) {
    await expect(chart.getByTestId(`posture-history-legend-${key}`)).toBeVisible();
  }
  // one strip, not a chart per pillar: well under half the 900px viewport
  expect((await box(chart)).height).toBeLessThan(320);
  const points = Number(await chart.getAttribute('data-points'));
  expect(points).toBeGreaterThanOrEqual(1);
  if (points === 1) {
    // a fresh demo start has one collection: the point is drawn and the text says when a trend comes
    await expect(chart.locator('[data-testid="posture-history-point"], [data-testid="posture-history-drop"]')).toHaveCount(3);
    await expect(page.getByTestId('posture-history-single')).toHaveText(
      /^One collection so far \(.+\)\. Collections run every 2 minutes; a new point is stored when a collection finds a changed score/,
    );
  } else {
    await expect(page.getByTestId('posture-history-single')).toHaveCount(0);
  }
  await chart.scrollIntoViewIfNeeded();
  await expectNoErrorPanel(page);
  await screenshot(page, 'entity-history');
});

test("the catalog table shows each service's grade from one batched request", async ({ page }) => {
  const overviewRequests: string[] = [];
  page.on('request', request => {
    if (new URL(request.url()).pathname.endsWith('/api/posture/overview')) overviewRequests.push(request.url());
  });
  await signIn(page, '/catalog?filters%5Bkind%5D=component&filters%5Buser%5D=all');
  const rowOf = (title: string) => page.getByRole('row').filter({ has: page.getByRole('link', { name: title, exact: true }) });
  await expect(page.getByRole('columnheader', { name: 'Posture' })).toBeVisible();
  // right after the name column
  const headers = (await page.getByRole('columnheader').allTextContents()).map(h => h.trim().toLowerCase());
  expect(headers[headers.indexOf('posture') - 1]).toBe('name');
  await expect(rowOf('Ops console').getByTestId('posture-grade-cell')).toHaveAttribute('data-grade', 'F');
  await expect(rowOf('Checkout API').getByTestId('posture-grade-cell')).toHaveAttribute('data-grade', 'A');
  const cells = page.getByTestId('posture-grade-cell');
  expect(await cells.count()).toBeGreaterThanOrEqual(8);
  // every row has its answer, and all of them came from a single overview request
  await expect(page.getByTestId('posture-grade-cell').filter({ hasText: '…' })).toHaveCount(0);
  expect(overviewRequests).toHaveLength(1);
  expect(new URL(overviewRequests[0]).searchParams.get('limit')).toBe('500');
  // a grade opens the service's Posture tab
  await screenshot(page, 'catalog-grade-column');
  await rowOf('Ops console').getByTestId('posture-grade-cell').click();
  await expect(page).toHaveURL(/\/catalog\/default\/component\/ops-console\/posture$/);
});

test("the overview's distribution charts have readable, whole, separate labels at 1440x900", async ({ page }) => {
  await signIn(page, '/posture');
  const charts = page.locator('figure[data-testid^="posture-distribution-"]');
  await expect(charts.first()).toBeVisible();
  expect(await charts.count()).toBe(5);
  for (const chart of await charts.all()) {
    const labels = chart.getByTestId('posture-distribution-label');
    const n = await labels.count();
    expect(n).toBeGreaterThanOrEqual(4);
    const boxes: Box[] = [];
    for (const label of await labels.all()) {
      const m = await label.evaluate(el => {
        const style = getComputedStyle(el);
        return { fontSize: parseFloat(style.fontSize), scrollWidth: el.scrollWidth, clientWidth: el.clientWidth };
      });
      // body-size text, never clipped
      expect(m.fontSize).toBeGreaterThanOrEqual(12);
      expect(m.scrollWidth).toBeLessThanOrEqual(m.clientWidth);
      boxes.push(await box(label));
    }
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) expect(overlaps(boxes[i], boxes[j])).toBe(false);
    }
    // the chart stays inside its card column
    const figure = await box(chart);
    for (const b of boxes) expect(b.x + b.width).toBeLessThanOrEqual(figure.x + figure.width + 0.5);
  }
  const levels = page.getByTestId('posture-distribution-levels');
  await expect(levels.getByTestId('posture-distribution-label')).toContainText(['Gold', 'Silver', 'Bronze', 'No level', 'not scored']);
  await levels.scrollIntoViewIfNeeded();
  await screenshot(page, 'overview-distribution');
});

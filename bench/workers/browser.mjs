// Figure 5: the overview page in Debian's Chromium. Time from navigation until the table and the
// quadrant are interactive: visible and actionable (Playwright's trial click checks that the element
// is attached, visible, stable, enabled and receives pointer events). A fresh browser context per
// repetition, so every run is a first visit.
// Runs against BENCH_APP_URL (default http://localhost:3000, e.g. `bash scripts/start.sh`); skips
// with a message when nothing answers there.
import fs from 'node:fs';
import { report } from '../lib/backend.mjs';
import { reps, rootRequire, summarize } from '../lib/env.mjs';
import { answers } from '../lib/http.mjs';

const APP = (process.env.BENCH_APP_URL ?? 'http://localhost:3000').replace(
  /\/+$/,
  '',
);
const CHROMIUM = process.env.BENCH_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];
const TIMEOUT = 120_000;

async function signInIfAsked(page) {
  // the app's guest provider shows a sign-in page on first visit; wait for it or for the app itself,
  // since either can take a while to render on a dev server
  const enter = page.getByRole('button', { name: /^enter$/i });
  const app = page.getByText('Posture', { exact: true }).first();
  await enter.or(app).first().waitFor({ state: 'visible', timeout: TIMEOUT });
  // a click made while the page is still hydrating can be lost; try again
  for (let i = 0; i < 3 && (await enter.isVisible().catch(() => false)); i++) {
    await enter.click();
    await enter.waitFor({ state: 'hidden', timeout: 20_000 }).catch(() => {});
  }
  await app.waitFor({ state: 'visible', timeout: TIMEOUT });
}

async function once(browser) {
  const context = await browser.newContext({
    viewport: { width: 1440, height: 900 },
  });
  const page = await context.newPage();
  try {
    // sign in first, outside the measurement, as a returning user would already be
    await page.goto(`${APP}/`, { timeout: TIMEOUT });
    await signInIfAsked(page);

    const t0 = Date.now();
    await page.goto(`${APP}/posture`, {
      timeout: TIMEOUT,
      waitUntil: 'commit',
    });
    const table = page.locator('[data-testid="posture-overview-row"]').first();
    const sort = page.locator('[data-testid^="posture-sort-"]').first();
    const quadrantPoint = page
      .locator(
        'svg[data-testid="posture-quadrant"] [data-testid="quadrant-point"]',
      )
      // the last point is painted on top: services with equal scores share a position, and only the
      // topmost of them receives the pointer
      .last();
    const tableMs = (async () => {
      await table.waitFor({ state: 'visible', timeout: TIMEOUT });
      await sort.click({ trial: true, timeout: TIMEOUT });
      return Date.now() - t0;
    })();
    const quadrantMs = (async () => {
      await quadrantPoint.waitFor({ state: 'visible', timeout: TIMEOUT });
      await quadrantPoint.hover({ trial: true, timeout: TIMEOUT });
      return Date.now() - t0;
    })();
    const [t, q] = await Promise.all([tableMs, quadrantMs]);
    const pagination =
      (await page
        .locator('[data-testid="posture-pagination"]')
        .first()
        .textContent()
        .catch(() => '')) ?? '';
    // services plotted: a marker holds every service on its spot and says how many (data-count)
    const points = await page
      .locator(
        'svg[data-testid="posture-quadrant"] [data-testid="quadrant-point"]',
      )
      .evaluateAll(els =>
        els.reduce((n, e) => n + Number(e.getAttribute('data-count') ?? 1), 0),
      );
    return {
      tableMs: t,
      quadrantMs: q,
      pagination: pagination.replace(/\s+/g, ' ').trim(),
      points,
    };
  } finally {
    await context.close();
  }
}

async function main() {
  if (!(await answers(APP))) {
    report({
      skipped: `nothing answers at ${APP}; start the app (bash scripts/start.sh) or set BENCH_APP_URL`,
    });
    return;
  }
  if (!fs.existsSync(CHROMIUM)) {
    report({ skipped: `no Chromium at ${CHROMIUM} (set BENCH_CHROMIUM)` });
    return;
  }
  const { chromium } = rootRequire('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ARGS,
    headless: true,
  });
  const runs = [];
  try {
    for (let r = 0; r < reps(); r++) {
      runs.push(await once(browser));
      const x = runs.at(-1);
      process.stderr.write(
        `[browser] rep ${r + 1}: table ${x.tableMs} ms, quadrant ${
          x.quadrantMs
        } ms (${x.pagination}; ${x.points} points)\n`,
      );
    }
  } finally {
    await browser.close();
  }
  // "1–50 of 5000": the services the page is showing
  const m = /of\s+(?:more than\s+)?([\d,]+)/i.exec(runs[0].pagination);
  report({
    app: APP,
    services: m
      ? Number(m[1].replace(/,/g, ''))
      : runs[0].pagination || 'unknown',
    quadrantPoints: runs[0].points,
    tableMs: summarize(runs.map(x => x.tableMs)),
    quadrantMs: summarize(runs.map(x => x.quadrantMs)),
  });
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});

import { Page, expect } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';

export const SCREENSHOTS = path.resolve(__dirname, 'screenshots');

/** Signs in as the guest user the demo app offers. */
export async function signIn(page: Page, url = '/') {
  await page.goto(url);
  const enter = page.getByRole('button', { name: 'Enter' });
  const sidebar = page.getByText('Posture', { exact: true }).first();
  // either the sign-in page, or an existing session goes straight to the app
  await expect(enter.or(sidebar).first()).toBeVisible({ timeout: 60_000 });
  // the guest sign-in can miss a click made while the page is still hydrating; try again
  for (let attempt = 0; attempt < 3 && (await enter.isVisible()); attempt++) {
    await enter.click();
    await enter.waitFor({ state: 'hidden', timeout: 20_000 }).catch(() => undefined);
  }
  await expect(enter).toBeHidden();
  await expect(sidebar).toBeVisible();
}

/** Saved as a CI artifact, never committed (e2e/screenshots is git-ignored). */
export async function screenshot(page: Page, name: string) {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}

export async function expectNoErrorPanel(page: Page) {
  await expect(page.getByTestId('posture-error')).toHaveCount(0);
}

import { expect, test } from '@playwright/test';
import { screenshot, signIn } from './fixtures';

// The golden paths under /create, as a new user finds them: the list, the first template's form filled
// page by page, and the review step, which states the posture the task will enforce before it publishes.

const GOLDEN_PATHS = [
  'HTTP service (Node.js, TypeScript), Posture Gold',
  /event-driven worker/i,
  /stateful service/i,
];

test('/create lists the golden paths, and the first one fills up to a review that states its guarantee', async ({
  page,
}) => {
  await signIn(page, '/create');
  for (const title of GOLDEN_PATHS) await expect(page.getByText(title).first()).toBeVisible();
  await expect(page.getByText('golden-path').first()).toBeVisible();
  await screenshot(page, 'create');

  // the innermost card that carries the template's title (the list itself is a card too)
  const card = page
    .locator('.MuiCard-root')
    .filter({
      has: page.getByRole('heading', { name: 'HTTP service (Node.js, TypeScript), Posture Gold', level: 4 }),
    })
    .last();
  await card.getByRole('button', { name: 'Choose' }).click();
  await expect(page).toHaveURL(/\/create\/templates\/default\/posture-http-service/);

  // page 1: the service
  await page.getByRole('textbox', { name: /^Name/ }).fill('golden-demo');
  await page.getByRole('textbox', { name: /^Description/ }).fill('A service from the golden path');
  const owner = page.getByRole('textbox', { name: /^Owner/ });
  await owner.click();
  // the picker lists catalog groups by title
  await owner.fill('Pay');
  await page.getByRole('option', { name: /Payments/ }).first().click();
  await expect(owner).not.toHaveValue('Pay');
  await page.getByRole('button', { name: 'Next' }).click();

  // pages 2 and 3: the defaults are the golden path's (2 to 6 replicas, internal, Istio)
  await expect(page.getByRole('spinbutton', { name: /^Minimum replicas/ })).toHaveValue('2');
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByText('Service mesh').first()).toBeVisible();
  await page.getByRole('button', { name: 'Next' }).click();

  // page 4: the repository, and the read-only guarantee
  await page.getByRole('textbox', { name: /^Owner/ }).fill('example-org');
  // the repository name is a free-text autocomplete: type it as a user would and leave the field
  const repo = page.getByRole('textbox', { name: /^Repository/ });
  await repo.click();
  await repo.pressSequentially('golden-demo');
  await repo.press('Tab');
  await expect(page.getByRole('textbox', { name: /^Posture guarantee/ })).toHaveValue(
    'scalability 100, security 100, level Gold, Pod Security restricted',
  );
  await page.getByRole('button', { name: /^(Review|Next)$/ }).click();

  // the review step lists what will be created and the guarantee the posture:score step enforces
  const row = (label: string) => page.getByRole('row').filter({ has: page.getByText(label, { exact: true }) });
  await expect(row('Name')).toContainText('golden-demo');
  await expect(row('Owner')).toContainText('group:default/team-payments');
  await expect(row('Service mesh')).toContainText('istio');
  await expect(row('Posture guarantee')).toContainText(
    'scalability 100, security 100, level Gold, Pod Security restricted',
  );
  await expect(page.getByRole('button', { name: 'Create' })).toBeVisible();
  await screenshot(page, 'create-review');
});

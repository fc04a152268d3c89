import type { Page } from 'playwright-core';

/**
 * Opens `path` of the web UI at `baseUrl` and signs in through its form (the session cookie then
 * serves every later page of this browser context). Returns once the shell shows the user menu.
 */
export async function signIn(
  page: Page,
  baseUrl: string,
  username: string,
  password: string,
  path = '/projects',
): Promise<void> {
  await page.goto(`${baseUrl}${path}`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('.user-menu').waitFor();
}

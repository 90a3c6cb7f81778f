import { test, expect, ensureSignedIn } from './fixtures';

// File > Database connections… keeps PostgreSQL URLs with Electron's safeStorage (issue 8).
// The web host has no safeStorage and no desktop bridge: the screen's route is not honoured there.
test('web host: the desktop-only database connections screen is not offered', async ({ page, server }) => {
  await page.goto(`${server.url}#/connections`);
  await ensureSignedIn(page);
  await expect(page.getByTestId('tenant-search')).toBeVisible();
  await expect(page).toHaveURL(/#\/tenants/);
  await expect(page.getByTestId('connections-screen')).toHaveCount(0);
  expect(await page.evaluate(() => typeof (globalThis as unknown as { custos?: unknown }).custos)).toBe('undefined');
});

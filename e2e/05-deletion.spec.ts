import { test, expect, ADMIN, addStaff, ensureSignedIn, firstSignIn, gotoTenants, openConsole, shot, signIn, signOut } from './fixtures';

test.describe.configure({ mode: 'serial' });

const AMY = { email: 'amy.accounts@vendor.example', name: 'Amy Accounts', temp: 'Tmp#Beacon9rs', pw: 'Amy#Harvest2026' };

test('file as an account manager, approve as an admin, fast-forward the grace period, execute, download the certificate', async ({ page, server }) => {
  // An active tenant without a legal hold, with a backup history (so snapshots are deleted too).
  const t = server.controlPlane((db) =>
    db.prepare(`SELECT id, slug FROM tenants WHERE status = 'active' AND legal_hold IS NULL AND id NOT IN ('t-000001', 't-000002') AND id IN (SELECT tenant_id FROM backup_snapshots) ORDER BY id LIMIT 1`).get() as { id: string; slug: string },
  );
  await openConsole(page, server);
  await ensureSignedIn(page);
  await addStaff(page, AMY.email, AMY.name, ['account_manager'], AMY.temp);
  await signOut(page);
  await firstSignIn(page, AMY.email, AMY.temp, AMY.pw);

  await page.getByRole('link', { name: /deletion requests/i }).click();
  await expect(page.getByTestId('deletion-queue')).toBeVisible();
  await page.getByTestId('deletion-file').click();
  const d = page.getByTestId('deletion-file-dialog');
  await d.getByTestId('deletion-file-tenant').fill(t.slug);
  await page.getByRole('option', { name: new RegExp(t.slug) }).first().click().catch(() => {});
  await d.getByTestId('deletion-file-reference').fill('CUST-DEL-42');
  await d.getByTestId('deletion-file-received').fill('2026-11-20');
  await d.getByTestId('deletion-file-contact').fill('Data Protection Officer <dpo@customer.example>');
  await d.getByTestId('deletion-file-reason').fill('Contract ended; customer asks for erasure of all data');
  await d.getByTestId('deletion-file-submit').click();
  await expect(page.getByTestId('deletion-page')).toBeVisible();
  await expect(page.getByTestId('deletion-status')).toContainText(/filed/i);
  const requestUrl = page.url();
  await shot(page, '40-deletion-filed');
  await signOut(page);

  await signIn(page, ADMIN.email, ADMIN.password);
  await expect(page.getByTestId('account-menu')).toBeVisible();
  await page.goto(requestUrl);
  await page.getByTestId('deletion-approve').click();
  await page.getByTestId('deletion-approve-confirm').click();
  await expect(page.getByTestId('deletion-status')).toContainText(/scheduled/i);
  await shot(page, '41-deletion-scheduled');
  await signOut(page);

  // Fast-forward past the 7-day grace period through configuration (the console's clock offset).
  await server.restart({ clockOffsetDays: 8 });
  await openConsole(page, server);
  await signIn(page, AMY.email, AMY.pw);
  await expect(page.getByTestId('account-menu')).toBeVisible();
  await page.goto(server.origin + new URL(requestUrl).hash.replace(/^/, '/'));
  await page.getByTestId('deletion-execute').click();
  await page.getByTestId('deletion-confirm-slug').fill(t.slug);
  await page.getByTestId('deletion-execute-confirm').click();
  await expect(page.getByTestId('deletion-certificate')).toBeVisible({ timeout: 90_000 });
  await expect(page.getByTestId('deletion-status')).toContainText(/completed/i);
  await shot(page, '42-deletion-certificate');

  const download = page.waitForEvent('download');
  await page.getByTestId('certificate-download-pdf').click();
  const pdf = await download;
  const { readFileSync } = await import('node:fs');
  expect(readFileSync((await pdf.path())!).subarray(0, 5).toString()).toBe('%PDF-');

  const row = server.controlPlane((db) => db.prepare(`SELECT status, name FROM tenants WHERE id = ?`).get(t.id) as { status: string; name: string });
  expect(row.status).toBe('deleted');
  const leftSnapshots = server.controlPlane((db) => (db.prepare(`SELECT count(*) AS n FROM backup_snapshots WHERE tenant_id = ?`).get(t.id) as { n: number }).n);
  expect(leftSnapshots).toBe(0);
  const tomb = server.controlPlane((db) => db.prepare(`SELECT certificate_id FROM tenant_tombstones WHERE tenant_id = ?`).get(t.id) as { certificate_id: string } | undefined);
  expect(tomb?.certificate_id).toBeTruthy();
  void gotoTenants;
});

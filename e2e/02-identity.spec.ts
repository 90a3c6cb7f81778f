import { test, expect, ADMIN, addStaff, ensureSignedIn, firstSignIn, openConsole, shot, signIn, signOut } from './fixtures';

test.describe.configure({ mode: 'serial' });

const SUE = { email: 'sue.support@vendor.example', name: 'Sue Support', temp: 'Tmp#Lantern7x', pw: 'Sue#Meadow2026' };
const TOM = { email: 'tom.tech@vendor.example', name: 'Tom Technical', temp: 'Tmp#Harbor8yz', pw: 'Tom#Granite2026' };

test('admin creates staff; a wrong password 5 times locks the account; the admin unlocks it', async ({ page, server }) => {
  await openConsole(page, server);
  await ensureSignedIn(page);
  await addStaff(page, SUE.email, SUE.name, ['support'], SUE.temp);
  await addStaff(page, TOM.email, TOM.name, ['technical'], TOM.temp);
  await shot(page, '10-staff');
  await signOut(page);

  for (let i = 1; i <= 4; i++) {
    await signIn(page, SUE.email, `Wrong#Guess${i}`);
    await expect(page.getByTestId('error-message')).toContainText(/not right/i);
  }
  await signIn(page, SUE.email, 'Wrong#Guess5');
  await expect(page.getByTestId('error-message')).toContainText(/locked/i);
  // Even the right password is refused while locked, without being checked.
  await signIn(page, SUE.email, SUE.temp);
  await expect(page.getByTestId('error-message')).toContainText(/locked/i);
  await shot(page, '11-locked-out');

  await signIn(page, ADMIN.email, ADMIN.password);
  await expect(page.getByTestId('account-menu')).toBeVisible();
  await page.getByTestId('nav-staff').click();
  const row = page.locator(`[data-testid="staff-row"][data-email="${SUE.email}"]`);
  await expect(row.getByTestId('staff-unlock')).toBeVisible();
  await row.getByTestId('staff-unlock').click();
  await expect(row.getByTestId('staff-unlock')).toHaveCount(0);
  await signOut(page);

  await firstSignIn(page, SUE.email, SUE.temp, SUE.pw);
});

test('a support user is refused a technical operation with a clear message', async ({ page, server }) => {
  await openConsole(page, server);
  await signIn(page, SUE.email, SUE.pw);
  await expect(page.getByTestId('tenant-search')).toBeVisible();
  const tenantId = server.controlPlane((db) => (db.prepare(`SELECT id FROM tenants WHERE status = 'active' ORDER BY id LIMIT 1`).get() as { id: string }).id);
  await page.goto(`${server.origin}/#/tenants/${tenantId}?records=persons`);
  await expect(page.getByTestId('error-message')).toContainText(/roles do not allow/i);
  await expect(page.getByTestId('error-message')).toContainText(/technical/i);
  await shot(page, '12-support-refused');
  // No Staff or Audit screens for support staff.
  await expect(page.getByTestId('nav-staff')).toHaveCount(0);
});

test('a technical user gives a justification, gets a time-boxed grant, and browses records', async ({ page, server }) => {
  await openConsole(page, server);
  await firstSignIn(page, TOM.email, TOM.temp, TOM.pw);
  const t = server.controlPlane((db) => db.prepare(`SELECT id, slug, db_location FROM tenants WHERE status = 'active' ORDER BY id LIMIT 1`).get() as { id: string; slug: string; db_location: string });
  await page.getByTestId('tenant-search').fill(t.slug);
  await page.locator(`[data-testid="tenant-row"][data-tenant-id="${t.id}"]`).click();
  await expect(page.getByTestId('grants-card')).toBeVisible();
  await page.getByTestId('browse-records').click();
  await expect(page.getByTestId('justification-dialog')).toBeVisible();
  await page.getByTestId('justification-reason').fill('Customer ticket: deals missing since yesterday');
  await page.getByTestId('justification-ticket').fill('SUP-4711');
  await shot(page, '13-justification');
  await page.getByTestId('justification-submit').click();
  await expect(page.getByTestId('records-table')).toBeVisible();
  await page.getByTestId('records-entity').selectOption('companies');
  const companies = server.tenantDb(t.db_location, (db) => (db.prepare('SELECT count(*) AS n FROM companies').get() as { n: number }).n);
  await expect(page.getByTestId('records-row').first()).toBeVisible();
  expect(await page.getByTestId('records-row').count()).toBeLessThanOrEqual(companies);
  await expect(page.getByTestId('grant-remaining')).toBeVisible();
  await shot(page, '14-records-browser');

  // The grant is on the tenant page and in the audit log, with its justification.
  const grant = server.controlPlane((db) => db.prepare(`SELECT * FROM grants WHERE tenant_id = ?`).get(t.id) as { reason: string; ticket: string; expires_at: string; created_at: string });
  expect(grant.ticket).toBe('SUP-4711');
  expect(Date.parse(grant.expires_at) - Date.parse(grant.created_at)).toBeLessThanOrEqual(60 * 60_000);
  const audited = server.controlPlane((db) => db.prepare(`SELECT count(*) AS n FROM audit_log WHERE action = 'tenants.records' AND tenant_id = ? AND outcome = 'ok'`).get(t.id) as { n: number }).n;
  expect(audited).toBeGreaterThan(0);
});

test('the audit log shows an intact chain and exports CSV', async ({ page, server }) => {
  await openConsole(page, server);
  await ensureSignedIn(page);
  await page.getByTestId('nav-audit').click();
  await expect(page.getByTestId('audit-chain-status')).toHaveAttribute('data-state', 'ok');
  await expect(page.getByTestId('audit-row').first()).toBeVisible();
  await shot(page, '15-audit-log');
  const download = page.waitForEvent('download');
  await page.getByTestId('audit-export').click();
  const file = await download;
  const path = await file.path();
  const { readFileSync } = await import('node:fs');
  const csv = readFileSync(path!, 'utf8');
  expect(csv.split('\r\n')[0]).toContain('seq,time_utc,actor');
  expect(csv).toContain('session.signIn');
  expect(csv).not.toContain(SUE.pw);
});

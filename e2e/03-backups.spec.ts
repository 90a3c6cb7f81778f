import { test, expect, ensureSignedIn, gotoTenants, openConsole, shot } from './fixtures';

test.describe.configure({ mode: 'serial' });

test('tenant backups: calendar with gaps, snapshot list, Snapshot now runs to the end', async ({ page, server }) => {
  await openConsole(page, server);
  await ensureSignedIn(page);
  // t-000002 has a deliberately missed week in its demo history (app/backups/demo-history.ts).
  const t = server.controlPlane((db) => db.prepare(`SELECT id, slug FROM tenants WHERE id = 't-000002'`).get() as { id: string; slug: string });
  await gotoTenants(page);
  await page.getByTestId('tenant-search').fill(t.slug);
  await page.locator(`[data-testid="tenant-row"][data-tenant-id="${t.id}"]`).click();
  const panel = page.getByTestId('backups-panel');
  await expect(panel).toBeVisible();
  await expect(panel.getByTestId('compliance-status')).toHaveAttribute('data-state', 'non-compliant');
  await expect(panel.getByTestId('backup-calendar')).toBeVisible();
  expect(await panel.locator('[data-testid="calendar-day"][data-state="gap"]').count()).toBeGreaterThan(0);
  expect(await panel.locator('[data-testid="calendar-day"][data-state="snapshot"]').count()).toBeGreaterThan(10);
  const indexed = server.controlPlane((db) => (db.prepare(`SELECT count(*) AS n FROM backup_snapshots WHERE tenant_id = ?`).get(t.id) as { n: number }).n);
  await expect(panel.getByTestId('snapshot-row')).toHaveCount(indexed);
  await panel.getByTestId('backup-calendar').scrollIntoViewIfNeeded();
  await shot(page, '20-tenant-backups-calendar');

  await panel.getByTestId('snapshot-now').click();
  const job = page.getByTestId('job-progress').first();
  await expect(job).toHaveAttribute('data-state', 'succeeded', { timeout: 60_000 });
  await expect(panel.getByTestId('snapshot-row')).toHaveCount(indexed + 1);
  const newest = server.controlPlane((db) => db.prepare(`SELECT snapshot_id, verification FROM backup_snapshots WHERE tenant_id = ? ORDER BY taken_at_ms DESC LIMIT 1`).get(t.id) as { snapshot_id: string; verification: string });
  expect(newest.verification).toBe('verified');
  await shot(page, '21-snapshot-now-done');
});

test('fleet backup health: counts agree with the index, worst gaps first', async ({ page, server }) => {
  await openConsole(page, server);
  await ensureSignedIn(page);
  await page.getByTestId('nav-backups').click();
  const fleet = page.getByTestId('fleet-health');
  await expect(fleet).toBeVisible();
  const tenants = server.controlPlane((db) => (db.prepare(`SELECT count(*) AS n FROM tenants WHERE status != 'deleted'`).get() as { n: number }).n);
  const backedUp = server.controlPlane((db) => (db.prepare(`SELECT count(DISTINCT tenant_id) AS n FROM backup_snapshots`).get() as { n: number }).n);
  await expect(fleet.locator('[data-testid="fleet-counter"][data-kind="all"]')).toHaveAttribute('data-value', String(tenants));
  await expect(fleet.locator('[data-testid="fleet-counter"][data-kind="never"]')).toHaveAttribute('data-value', String(tenants - backedUp));
  await expect(fleet.getByTestId('fleet-row').first()).toBeVisible();
  await shot(page, '22-fleet-health');
});

/**
 * Issue 8 from the screen: a tenant whose database lives on PostgreSQL is restored the
 * way a SQLite one is — a deal deleted in PostgreSQL comes back through a sandbox,
 * four eyes and a run; then the whole database is swapped for the snapshot by renaming
 * databases, leaving no other database of the tenant behind.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect, addStaff, ensureSignedIn, firstSignIn, shot, signOut, type PgConsoleServer } from './fixtures';
import { approveAsAdmin, justifyIfAsked, openTenant, reveal, runToCompletion, signInToTenant, type TenantRef } from './restore-steps';

test.describe.configure({ mode: 'serial' });

const TEO = { email: 'teo.pg@vendor.example', name: 'Teo Postgres', temp: 'Tmp#Lantern7vx', pw: 'Basalt#Meadow2026' };
const TENANT = 't-000001';

function controlPlane<T>(server: PgConsoleServer, fn: (db: Database.Database) => T): T {
  const db = new Database(join(server.dataDir, 'control-plane.sqlite'), { readonly: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

function tenantRow(server: PgConsoleServer): TenantRef & { dbLocation: string; dbEngine: string } {
  return controlPlane(server, (db) => db.prepare('SELECT id, slug, db_location AS dbLocation, db_engine AS dbEngine FROM tenants WHERE id = ?').get(TENANT) as TenantRef & { dbLocation: string; dbEngine: string });
}

/** From signed in as Teo: sign out, the admin approves, Teo signs in again and runs it to completion. */
async function approveAndRun(page: Page, tenant: TenantRef, requestId: string): Promise<void> {
  await signOut(page);
  await approveAsAdmin(page, tenant, requestId);
  await signInToTenant(page, TEO.email, TEO.pw, tenant);
  const card = await runToCompletion(page, requestId, 'SUP-8808');
  await card.locator('.restore-journal summary').click();
  await expect(card.locator('[data-testid="restore-steps"] [data-done="true"]')).toHaveCount(7);
}

test('a PostgreSQL tenant: a deleted deal comes back selectively, then the whole database is swapped for the snapshot', async ({ page, pgServer }) => {
  const tenant = tenantRow(pgServer);
  expect(tenant.dbEngine).toBe('postgres');
  const db = tenant.dbLocation;
  expect(db.startsWith(pgServer.dbPrefix)).toBe(true);
  // This morning's snapshot (the fixture ran `custos backup run` before the console started).
  const morning = controlPlane(pgServer, (cp) => cp.prepare(`SELECT snapshot_id FROM backup_snapshots WHERE tenant_id = ? AND state = 'complete' ORDER BY taken_at_ms LIMIT 1`).pluck().get(TENANT)) as string;
  expect(morning).toBeTruthy();

  // After this morning's snapshot the customer deletes a deal with its lines and history, in PostgreSQL.
  const [opp] = await pgServer.query<{ id: string; title: string; lines: string; history: string }>(
    db,
    `SELECT o.id, o.title,
       (SELECT count(*) FROM opportunity_lines l WHERE l.opportunity_id = o.id) AS lines,
       (SELECT count(*) FROM activities a WHERE a.subject_type = 'opportunities' AND a.subject_id = o.id) AS history
     FROM opportunities o
     WHERE EXISTS (SELECT 1 FROM opportunity_lines l WHERE l.opportunity_id = o.id)
       AND EXISTS (SELECT 1 FROM activities a WHERE a.subject_type = 'opportunities' AND a.subject_id = o.id)
     ORDER BY o.id LIMIT 1`,
  );
  expect(opp).toBeTruthy();
  const oppId = Number(opp!.id);
  await pgServer.query(db, `DELETE FROM opportunity_lines WHERE opportunity_id = $1`, [oppId]);
  await pgServer.query(db, `DELETE FROM activities WHERE subject_type = 'opportunities' AND subject_id = $1`, [oppId]);
  await pgServer.query(db, `DELETE FROM tasks WHERE opportunity_id = $1`, [oppId]);
  await pgServer.query(db, `DELETE FROM files WHERE owner_type = 'opportunities' AND owner_id = $1`, [oppId]);
  await pgServer.query(db, `DELETE FROM custom_field_values WHERE record_id = $1 AND field_id IN (SELECT id FROM custom_field_definitions WHERE entity = 'opportunities')`, [oppId]);
  await pgServer.query(db, `DELETE FROM opportunities WHERE id = $1`, [oppId]);

  await page.goto(pgServer.url);
  await ensureSignedIn(page);
  await addStaff(page, TEO.email, TEO.name, ['technical'], TEO.temp);
  await signOut(page);
  await firstSignIn(page, TEO.email, TEO.temp, TEO.pw);
  await openTenant(page, tenant);
  await expect(page.getByTestId('tenant-page')).toContainText('PostgreSQL');

  // Today's plan, a sandbox, the comparison against live PostgreSQL.
  const panel = page.getByTestId('restore-panel');
  await panel.getByTestId('restore-day').fill(new Date().toISOString().slice(0, 10));
  await panel.getByTestId('restore-find').click();
  await expect(panel.getByTestId('restore-plan')).toHaveAttribute('data-kind', 'exact');
  await panel.getByTestId('restore-open-sandbox').click();
  await expect(page.getByTestId('justification-dialog')).toBeVisible();
  await justifyIfAsked(page, 'SUP-8808');
  const compare = panel.getByTestId('sandbox-compare-view');
  await expect(compare).toBeVisible({ timeout: 60_000 });
  const oppRow = compare.locator('[data-testid="compare-row"][data-entity="opportunities"]');
  await expect(oppRow.locator('[data-filter="onlySnapshot"]')).toHaveText('1');
  await expect(compare.locator('[data-testid="compare-row"][data-entity="opportunity_lines"] [data-filter="onlySnapshot"]')).toHaveText(String(opp!.lines));
  await reveal(compare);
  await shot(page, 'pg-restore-compare');

  await oppRow.locator('[data-filter="onlySnapshot"]').click();
  await compare.getByTestId('sandbox-records').locator(`[data-testid="sandbox-record"][data-id="${oppId}"]`).getByTestId('sandbox-pick').check();
  await compare.getByTestId('restore-selected').click();
  const preview = page.getByTestId('restore-preview-dialog');
  await expect(preview.locator('[data-testid="restore-preview-row"][data-entity="opportunity_lines"]')).toHaveAttribute('data-total', String(opp!.lines));
  await preview.getByTestId('restore-ticket').fill('SUP-8808');
  await preview.getByTestId('restore-reason').fill('The customer deleted this deal by mistake and wants it back with its lines and history.');
  await preview.getByTestId('restore-preview-submit').click();
  await expect(preview).toBeHidden();
  const selective = panel.locator('[data-testid="restore-request"][data-kind="records"]').first();
  const selectiveId = (await selective.getAttribute('data-request-id'))!;
  await approveAndRun(page, tenant, selectiveId);
  await expect(page.locator(`[data-testid="restore-request"][data-request-id="${selectiveId}"] [data-testid="restore-result-count"][data-entity="opportunities"]`)).toHaveAttribute('data-count', '1');
  await reveal(page.getByTestId('restore-request').first());
  await shot(page, 'pg-restore-selective-done');

  // Back in PostgreSQL, with its lines and history.
  const [back] = await pgServer.query<{ title: string; lines: string; history: string }>(
    db,
    `SELECT o.title, (SELECT count(*) FROM opportunity_lines l WHERE l.opportunity_id = o.id) AS lines,
       (SELECT count(*) FROM activities a WHERE a.subject_type = 'opportunities' AND a.subject_id = o.id) AS history
     FROM opportunities o WHERE o.id = $1`,
    [oppId],
  );
  expect(back).toEqual({ title: opp!.title, lines: opp!.lines, history: opp!.history });

  // The whole database, from the morning's snapshot: loaded into a new database and swapped in by renaming.
  await pgServer.query(db, `UPDATE persons SET last_name = 'Overwritten by an import'`);
  await panel.getByTestId('restore-day').fill(new Date().toISOString().slice(0, 10));
  await panel.getByTestId('restore-find').click();
  // The morning's snapshot, not the newer safety snapshot the selective restore took (the day lists both).
  await panel.locator(`[data-testid="restore-choice"][data-snapshot-id="${morning}"] input`).check();
  await panel.getByTestId('restore-request-live').click();
  const live = page.getByTestId('restore-live-dialog');
  await live.getByTestId('restore-ticket').fill('SUP-8809');
  await live.getByTestId('restore-reason').fill('An import overwrote every contact; back to this morning.');
  await live.getByTestId('restore-live-submit').click();
  await expect(live).toBeHidden();
  const whole = panel.locator('[data-testid="restore-request"][data-kind="live"]').first();
  const wholeId = (await whole.getAttribute('data-request-id'))!;
  await approveAndRun(page, tenant, wholeId);
  await reveal(page.getByTestId('restore-request').first());
  await shot(page, 'pg-restore-live-done');

  const [overwritten] = await pgServer.query<{ n: string }>(db, `SELECT count(*) AS n FROM persons WHERE last_name = 'Overwritten by an import'`);
  expect(overwritten!.n).toBe('0');
  // The morning's data: the deal (deleted after that snapshot, restored since) is there as it was then.
  expect(await pgServer.query(db, 'SELECT title FROM opportunities WHERE id = $1', [oppId])).toEqual([{ title: opp!.title }]);
  expect(controlPlane(pgServer, (cp) => cp.prepare('SELECT snapshot_id FROM restore_requests WHERE id = ?').pluck().get(wholeId))).toBe(morning);
  // Only the live database of the tenant is left on the server: staged and kept ones are gone.
  const left = await pgServer.query<{ datname: string }>('postgres', 'SELECT datname FROM pg_database WHERE starts_with(datname, $1) ORDER BY 1', [`${db}_`]);
  expect(left).toEqual([]);
});

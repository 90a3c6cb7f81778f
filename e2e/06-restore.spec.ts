import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test, expect, ADMIN, addStaff, ensureSignedIn, firstSignIn, openConsole, shot, signOut, type ConsoleServer } from './fixtures';
import { approveAsAdmin, justifyIfAsked, openTenant, reveal, runToCompletion, signInToTenant } from './restore-steps';

test.describe.configure({ mode: 'serial' });

const TESS = { email: 'tess.restore@vendor.example', name: 'Tess Restore', temp: 'Tmp#Compass6qw', pw: 'Granite#Orchard2026' };
const TENANT = 't-000001';

/** The tenant's live SQLite file, where the console's configuration puts tenant databases (custos.json). */
function liveDbPath(server: ConsoleServer, dbLocation: string): string {
  const cfg = JSON.parse(readFileSync(join(server.dataDir, 'custos.json'), 'utf8')) as { tenantDatabases?: { dir?: string } };
  return resolve(server.dataDir, cfg.tenantDatabases?.dir ?? 'tenants', dbLocation);
}

test('selective restore: find the snapshot of a day, compare in a sandbox, bring back a deleted opportunity with its lines and history, four eyes, run', async ({ page, server }) => {
  const tenant = server.controlPlane((db) => db.prepare(`SELECT id, slug, db_location AS dbLocation FROM tenants WHERE id = ?`).get(TENANT) as { id: string; slug: string; dbLocation: string });
  // The newest usable snapshot: the plan of its (UTC) day is "exact" and picks it.
  const snap = server.controlPlane(
    (db) =>
      db.prepare(`SELECT snapshot_id AS snapshotId, taken_at AS takenAt FROM backup_snapshots WHERE tenant_id = ? AND state = 'complete' AND verification != 'failed' ORDER BY taken_at_ms DESC LIMIT 1`).get(TENANT) as {
        snapshotId: string;
        takenAt: string;
      },
  );
  expect(snap).toBeTruthy();
  const day = snap.takenAt.slice(0, 10);

  // Something deleted since the snapshot: an opportunity that the snapshot holds, with what belongs to it.
  const livePath = liveDbPath(server, tenant.dbLocation);
  const live = new Database(livePath);
  let opp: { id: number; title: string };
  let expected: { lines: number; history: number };
  try {
    opp = live
      .prepare(
        `SELECT o.id, o.title FROM opportunities o
         WHERE o.created_at <= ?
           AND (SELECT count(*) FROM opportunity_lines l WHERE l.opportunity_id = o.id AND l.created_at <= ?) > 0
           AND (SELECT count(*) FROM activities a WHERE a.subject_type = 'opportunities' AND a.subject_id = o.id AND a.created_at <= ?) > 0
         ORDER BY o.id LIMIT 1`,
      )
      .get(snap.takenAt, snap.takenAt, snap.takenAt) as { id: number; title: string };
    expect(opp).toBeTruthy();
    expected = {
      lines: (live.prepare(`SELECT count(*) AS n FROM opportunity_lines WHERE opportunity_id = ? AND created_at <= ?`).get(opp.id, snap.takenAt) as { n: number }).n,
      history: (live.prepare(`SELECT count(*) AS n FROM activities WHERE subject_type = 'opportunities' AND subject_id = ? AND created_at <= ?`).get(opp.id, snap.takenAt) as { n: number }).n,
    };
    live.transaction(() => {
      live.prepare(`DELETE FROM opportunity_lines WHERE opportunity_id = ?`).run(opp.id);
      live.prepare(`DELETE FROM activities WHERE subject_type = 'opportunities' AND subject_id = ?`).run(opp.id);
      live.prepare(`DELETE FROM files WHERE owner_type = 'opportunities' AND owner_id = ?`).run(opp.id);
      live.prepare(`DELETE FROM tasks WHERE opportunity_id = ?`).run(opp.id);
      live.prepare(`DELETE FROM custom_field_values WHERE record_id = ? AND field_id IN (SELECT id FROM custom_field_definitions WHERE entity = 'opportunities')`).run(opp.id);
      live.prepare(`DELETE FROM opportunities WHERE id = ?`).run(opp.id);
    })();
  } finally {
    live.close();
  }

  // A technical staff member, created by the admin.
  await openConsole(page, server);
  await ensureSignedIn(page);
  await addStaff(page, TESS.email, TESS.name, ['technical'], TESS.temp);
  await signOut(page);
  await firstSignIn(page, TESS.email, TESS.temp, TESS.pw);
  await openTenant(page, tenant);

  // The day plan.
  const panel = page.getByTestId('restore-panel');
  await panel.getByTestId('restore-day').fill(day);
  await panel.getByTestId('restore-find').click();
  const plan = panel.getByTestId('restore-plan');
  await expect(plan).toHaveAttribute('data-kind', 'exact');
  await expect(plan.getByTestId('restore-plan-explanation')).toContainText(day);
  await expect(plan.locator(`[data-testid="restore-choice"][data-snapshot-id="${snap.snapshotId}"] input`)).toBeChecked();
  await reveal(panel);
  await shot(page, 'restore-plan');

  // A sandbox: the justification comes first, then the job, then the comparison.
  await panel.getByTestId('restore-open-sandbox').click();
  await expect(page.getByTestId('justification-dialog')).toBeVisible();
  await justifyIfAsked(page);
  // The grant opened here shows on the Access card at once, without a reload.
  await expect(page.locator('[data-testid="grant-row"][data-mine="true"][data-state="live"]')).toHaveCount(1);
  const compare = panel.getByTestId('sandbox-compare-view');
  await expect(compare).toBeVisible({ timeout: 60_000 });
  await expect(panel.locator('[data-testid="sandbox-row"][data-status="ready"]')).toHaveCount(1);
  const oppRow = compare.locator('[data-testid="compare-row"][data-entity="opportunities"]');
  await expect(oppRow.locator('[data-filter="onlySnapshot"]')).toHaveText('1');
  await expect(compare.locator('[data-testid="compare-row"][data-entity="opportunity_lines"] [data-filter="onlySnapshot"]')).toHaveText(String(expected.lines));
  await reveal(compare);
  await shot(page, 'restore-compare');

  // Tick the opportunity in "only in snapshot", preview what comes back with it.
  await oppRow.locator('[data-filter="onlySnapshot"]').click();
  const records = compare.getByTestId('sandbox-records');
  await expect(records).toHaveAttribute('data-filter', 'onlySnapshot');
  const record = records.locator(`[data-testid="sandbox-record"][data-id="${opp.id}"]`);
  await record.getByTestId('sandbox-pick').check();
  await reveal(records);
  await shot(page, 'restore-records');
  await compare.getByTestId('restore-selected').click();
  const preview = page.getByTestId('restore-preview-dialog');
  await expect(preview.getByTestId('restore-preview-total')).toBeVisible();
  await expect(preview.locator('[data-testid="restore-preview-row"][data-entity="opportunities"]')).toHaveAttribute('data-total', '1');
  await expect(preview.locator('[data-testid="restore-preview-row"][data-entity="opportunity_lines"]')).toHaveAttribute('data-total', String(expected.lines));
  await expect(preview.locator('[data-testid="restore-preview-row"][data-entity="activities"]')).toHaveAttribute('data-total', String(expected.history));
  await expect(preview.getByTestId('restore-preview-children')).toContainText(/opportunity income and expense lines/i);
  await expect(preview.getByTestId('restore-preview-refusals')).toHaveCount(0);
  await preview.getByTestId('restore-ticket').fill('SUP-6006');
  await preview.getByTestId('restore-reason').fill('The customer deleted this deal by mistake and wants it back with its lines and history.');
  await shot(page, 'restore-preview');
  await preview.getByTestId('restore-preview-submit').click();
  await expect(preview).toBeHidden();

  const request = panel.locator('[data-testid="restore-request"][data-kind="records"]').first();
  await expect(request).toHaveAttribute('data-status', 'requested');
  const requestId = await request.getAttribute('data-request-id');
  expect(requestId).toMatch(/^r-/);
  // The requester never approves their own restore.
  await expect(request.getByTestId('restore-approve')).toBeDisabled();
  await signOut(page);

  // The admin approves; the technical staff member runs it (under a justification) and sees it completed.
  await approveAsAdmin(page, tenant, requestId!);
  await signInToTenant(page, TESS.email, TESS.pw, tenant);
  const mine = await runToCompletion(page, requestId!, 'SUP-6006', async (runDialog) => {
    await expect(runDialog).toContainText(/safety snapshot/i);
  });
  await expect(mine.locator('[data-testid="restore-result-count"][data-entity="opportunities"]')).toHaveAttribute('data-count', '1');
  await expect(mine.locator('[data-testid="restore-result-count"][data-entity="opportunity_lines"]')).toHaveAttribute('data-count', String(expected.lines));
  await expect(mine.getByTestId('restore-rollback-until')).toContainText(/possible until/);
  await expect(mine.getByTestId('restore-rollback')).toBeEnabled();
  await mine.locator('.restore-journal summary').click();
  await expect(mine.locator('[data-testid="restore-steps"] [data-done="true"]')).toHaveCount(7);
  await reveal(mine);
  await shot(page, 'restore-done');

  // The opportunity is back in the live file, with its lines and history.
  const after = new Database(livePath, { readonly: true });
  try {
    const back = after.prepare(`SELECT id, title FROM opportunities WHERE id = ?`).get(opp.id) as { id: number; title: string } | undefined;
    expect(back?.title).toBe(opp.title);
    expect((after.prepare(`SELECT count(*) AS n FROM opportunity_lines WHERE opportunity_id = ?`).get(opp.id) as { n: number }).n).toBe(expected.lines);
    expect((after.prepare(`SELECT count(*) AS n FROM activities WHERE subject_type = 'opportunities' AND subject_id = ?`).get(opp.id) as { n: number }).n).toBe(expected.history);
  } finally {
    after.close();
  }
  const row = server.controlPlane((db) => db.prepare(`SELECT status, approved_by, safety_snapshot_id FROM restore_requests WHERE id = ?`).get(requestId) as { status: string; approved_by: string; safety_snapshot_id: string | null });
  expect(row.status).toBe('completed');
  expect(row.approved_by).toBe(ADMIN.email);
  expect(row.safety_snapshot_id).toBeTruthy();
  expect(server.controlPlane((db) => (db.prepare(`SELECT status FROM tenants WHERE id = ?`).get(TENANT) as { status: string }).status)).toBe('active');
});

const SID = { email: 'sid.helpdesk@vendor.example', name: 'Sid Helpdesk', temp: 'Tmp#Lagoon3pk', pw: 'Walnut#Ferry2026' };

test('whole database: support plans a day without its own snapshot, requests from the nearest after; admin approves; technical runs it and rolls it back', async ({ page, server }) => {
  const tenant = server.controlPlane((db) => db.prepare(`SELECT id, slug, db_location AS dbLocation FROM tenants WHERE id = ?`).get(TENANT) as { id: string; slug: string; dbLocation: string });
  // The newest gap of two days or more between usable snapshots: the day after the earlier one has none of its own.
  const snaps = server.controlPlane(
    (db) =>
      db.prepare(`SELECT snapshot_id AS snapshotId, taken_at AS takenAt FROM backup_snapshots WHERE tenant_id = ? AND state = 'complete' AND verification != 'failed' ORDER BY taken_at_ms DESC`).all(TENANT) as {
        snapshotId: string;
        takenAt: string;
      }[],
  );
  const DAY = 86_400_000;
  const dayOf = (iso: string) => iso.slice(0, 10);
  const i = snaps.findIndex((s, k) => k + 1 < snaps.length && Date.parse(`${dayOf(s.takenAt)}T00:00:00Z`) - Date.parse(`${dayOf(snaps[k + 1]!.takenAt)}T00:00:00Z`) >= 2 * DAY);
  expect(i).toBeGreaterThanOrEqual(0);
  const after = snaps[i]!;
  const before = snaps[i + 1]!;
  const day = new Date(Date.parse(`${dayOf(before.takenAt)}T00:00:00Z`) + DAY).toISOString().slice(0, 10);

  await openConsole(page, server);
  await ensureSignedIn(page);
  await addStaff(page, SID.email, SID.name, ['support'], SID.temp);
  await signOut(page);
  await firstSignIn(page, SID.email, SID.temp, SID.pw);
  await openTenant(page, tenant);

  const panel = page.getByTestId('restore-panel');
  await expect(panel.getByTestId('restore-sandboxes')).toHaveCount(0); // sandboxes are for technical staff
  await panel.getByTestId('restore-day').fill(day);
  await panel.getByTestId('restore-find').click();
  const plan = panel.getByTestId('restore-plan');
  await expect(plan).toHaveAttribute('data-kind', 'nearest');
  await expect(plan.getByTestId('restore-plan-explanation')).toContainText(`No usable snapshot was taken on ${day}`);
  await expect(plan.locator('[data-testid="restore-choice"][data-role="before"]')).toHaveAttribute('data-snapshot-id', before.snapshotId);
  await expect(plan.locator('[data-testid="restore-choice"][data-role="before"] input')).toBeChecked();
  await plan.locator('[data-testid="restore-choice"][data-role="after"]').click();
  await expect(plan.locator(`[data-testid="restore-choice"][data-snapshot-id="${after.snapshotId}"] input`)).toBeChecked();
  await expect(panel.getByTestId('restore-open-sandbox')).toHaveCount(0);
  await reveal(panel);
  await shot(page, 'restore-plan-nearest');

  await panel.getByTestId('restore-request-live').click();
  const dialog = page.getByTestId('restore-live-dialog');
  await dialog.getByTestId('restore-live-submit').click();
  await expect(dialog.locator('.field__error')).toHaveCount(2); // ticket and reason are required
  await dialog.getByTestId('restore-ticket').fill('SUP-6010');
  await dialog.getByTestId('restore-reason').fill('An import overwrote the contacts; the customer wants the database as of that day.');
  await dialog.getByTestId('restore-live-submit').click();
  await expect(dialog).toBeHidden();
  const request = panel.locator('[data-testid="restore-request"][data-kind="live"]').first();
  await expect(request).toHaveAttribute('data-status', 'requested');
  const requestId = await request.getAttribute('data-request-id');
  await expect(request.getByTestId('restore-approve')).toHaveCount(0); // support staff do not approve
  await signOut(page);

  await approveAsAdmin(page, tenant, requestId!);
  await signInToTenant(page, TESS.email, TESS.pw, tenant);
  const run = await runToCompletion(page, requestId!, 'SUP-6006', async (runDialog) => {
    await expect(runDialog.getByTestId('restore-run-live-warning')).toContainText(/restoring/);
    await expect(runDialog.getByTestId('restore-run-live-warning')).toContainText(/safety snapshot/);
    await shot(page, 'restore-run-live');
  });
  const restoredOpportunities = Number(await run.locator('[data-testid="restore-result-count"][data-entity="opportunities"]').getAttribute('data-count'));
  const live = new Database(liveDbPath(server, tenant.dbLocation), { readonly: true });
  try {
    expect((live.prepare(`SELECT count(*) AS n FROM opportunities`).get() as { n: number }).n).toBe(restoredOpportunities);
  } finally {
    live.close();
  }

  // Roll it back: a new request that runs at once; the restore it undoes shows "rolled back".
  await run.getByTestId('restore-rollback').click();
  const rb = page.getByTestId('restore-rollback-dialog');
  await rb.getByTestId('restore-action-reason').fill('The customer preferred the data as it was before the restore.');
  await rb.getByTestId('restore-action-confirm').click();
  await expect.poll(async () => (await page.getByTestId('justification-dialog').isVisible()) || !(await rb.isVisible())).toBe(true);
  await justifyIfAsked(page);
  await expect(run).toHaveAttribute('data-status', 'rolled_back', { timeout: 90_000 });
  const rollback = page.locator('[data-testid="restore-request"][data-kind="rollback"]').first();
  await expect(rollback).toHaveAttribute('data-status', 'completed', { timeout: 90_000 });
  expect(server.controlPlane((db) => (db.prepare(`SELECT status FROM tenants WHERE id = ?`).get(TENANT) as { status: string }).status)).toBe('active');
});

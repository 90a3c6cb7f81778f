import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { test, expect, addStaff, ensureSignedIn, firstSignIn, gotoTenants, openConsole, shot, signOut } from './fixtures';

test.describe.configure({ mode: 'serial' });

const SAM = { email: 'sam.support@vendor.example', name: 'Sam Support', temp: 'Tmp#Quarry4uv', pw: 'Sam#Orchard2026' };

test('support runs an advanced export from the tenant page; the progress bar ends; the package verifies', async ({ page, server }) => {
  const out = mkdtempSync(join(tmpdir(), 'custos-e2e-export-'));
  try {
    await openConsole(page, server);
    await ensureSignedIn(page);
    await addStaff(page, SAM.email, SAM.name, ['support'], SAM.temp);
    await signOut(page);
    await firstSignIn(page, SAM.email, SAM.temp, SAM.pw);

    // t-000001 carries the hostile cases (file names, formula-like cells, a 40k-character note).
    const t = server.controlPlane((db) => db.prepare(`SELECT id, slug, plan, free_export_used_at FROM tenants WHERE id = 't-000001'`).get() as { id: string; slug: string; plan: string; free_export_used_at: string | null });
    await gotoTenants(page);
    await page.getByTestId('tenant-search').fill(t.slug);
    await page.locator(`[data-testid="tenant-row"][data-tenant-id="${t.id}"]`).click();
    const panel = page.getByTestId('exports-panel');
    await expect(panel).toBeVisible();
    await panel.getByTestId('export-open').click();
    const dialog = page.getByTestId('export-dialog');
    await expect(dialog).toBeVisible();
    await dialog.getByTestId('export-profile-advanced').check();
    await dialog.getByTestId('export-destination-folder').check();
    await dialog.getByTestId('export-folder-path').fill(out);
    const billable = t.plan !== 'commercial' || t.free_export_used_at !== null;
    if (billable) await dialog.getByTestId('export-billing-reference').fill('PO-2026-118');
    await shot(page, '30-export-dialog');
    await dialog.getByTestId('export-start').click();

    const job = page.getByTestId('job-progress').first();
    await expect(job).toHaveAttribute('data-state', 'succeeded', { timeout: 90_000 });
    await expect(page.getByTestId('export-result')).toBeVisible();
    await shot(page, '31-export-done');

    const packages = readdirSync(out).filter((n) => n.startsWith('custos-export-'));
    expect(packages).toHaveLength(1);
    expect(readdirSync(out).filter((n) => n.includes('.partial'))).toEqual([]);
    const pkg = join(out, packages[0]!);
    const sums = spawnSync('sha256sum', ['-c', '--quiet', 'SHA256SUMS'], { cwd: pkg, encoding: 'utf8' });
    expect(sums.status, sums.stdout + sums.stderr).toBe(0);
    const dp = JSON.parse(readFileSync(join(pkg, 'datapackage.json'), 'utf8')) as { resources: { name: string }[] };
    expect(dp.resources.map((r) => r.name)).toEqual(expect.arrayContaining(['companies', 'persons', 'colleagues', 'opportunities', 'spaces', 'tasks', 'history_persons', 'history_companies', 'history_opportunities', 'history_spaces', 'opportunity_lines', 'files']));
    await expect(page.getByTestId('export-ledger-row').first()).toBeVisible();
    const ledger = server.controlPlane((db) => db.prepare(`SELECT state, sha256sums_digest FROM export_ledger WHERE tenant_id = ? ORDER BY created_at DESC LIMIT 1`).get(t.id) as { state: string; sha256sums_digest: string });
    expect(ledger.state).toMatch(/^completed/);
    await expect(page.getByTestId('export-digest').first()).toContainText(ledger.sha256sums_digest.slice(0, 12));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('a second advanced export is billable: it needs a billing reference first', async ({ page, server }) => {
  await openConsole(page, server);
  await ensureSignedIn(page, SAM.email, SAM.pw);
  await gotoTenants(page);
  await page.getByTestId('tenant-search').fill('t-000001');
  await page.locator('[data-testid="tenant-row"][data-tenant-id="t-000001"]').click();
  await page.getByTestId('exports-panel').getByTestId('export-open').click();
  const dialog = page.getByTestId('export-dialog');
  await dialog.getByTestId('export-profile-advanced').check();
  await expect(dialog.getByTestId('export-billing')).toContainText(/billable/i);
  await expect(dialog.getByTestId('export-billing-reference')).toBeVisible();
  await shot(page, '32-export-billable');
});

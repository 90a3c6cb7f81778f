import { test, expect, ADMIN, ensureSignedIn, openConsole, shot } from './fixtures';

interface CatalogueRow {
  id: string;
  slug: string;
  name: string;
  plan: string;
  status: string;
  region: string;
  db_location: string;
}

test.describe.configure({ mode: 'serial' });

test('first start: create the first admin, see the demo fleet in the directory', async ({ page, server }) => {
  await openConsole(page, server);
  await expect(page.getByTestId('setup-form')).toBeVisible();
  await shot(page, '01-first-run-setup');
  const form = page.getByTestId('setup-form');
  await form.getByLabel(/e-?mail/i).fill(ADMIN.email);
  await form.getByLabel(/name/i).fill(ADMIN.name);
  await form.getByLabel(/^password/i).first().fill(ADMIN.password);
  await form.getByLabel(/confirm|repeat/i).fill(ADMIN.password);
  await form.getByRole('button', { name: /create/i }).click();

  const total = server.controlPlane((db) => (db.prepare('SELECT count(*) AS n FROM tenants').get() as { n: number }).n);
  expect(total).toBeGreaterThan(10);
  await expect(page.getByTestId('tenant-count')).toContainText(String(total));
  await expect(page.getByTestId('tenant-row').first()).toBeVisible();
  await shot(page, '02-tenant-directory');
});

test('search, filter and sort the directory against the control plane', async ({ page, server }) => {
  await openConsole(page, server);
  await ensureSignedIn(page);
  const rows = server.controlPlane((db) => db.prepare('SELECT * FROM tenants ORDER BY name').all() as CatalogueRow[]);
  const target = rows[Math.floor(rows.length / 2)]!;

  await page.getByTestId('tenant-search').fill(target.slug);
  await expect(page.locator(`[data-testid="tenant-row"][data-tenant-id="${target.id}"]`)).toBeVisible();
  const expectedMatches = rows.filter((r) => `${r.name}\u0001${r.slug}\u0001${r.id}`.toLowerCase().includes(target.slug.toLowerCase())).length;
  await expect(page.getByTestId('tenant-count')).toContainText(String(expectedMatches));
  await shot(page, '03-directory-search');
  await page.getByTestId('tenant-search').fill('');

  await page.getByTestId('filter-plan').selectOption('trial');
  const trials = rows.filter((r) => r.plan === 'trial').length;
  await expect(page.getByTestId('tenant-count')).toContainText(String(trials));
  const shown = await page.getByTestId('tenant-row').count();
  expect(shown).toBeGreaterThan(0);
  for (let i = 0; i < Math.min(shown, 10); i++) {
    await expect(page.getByTestId('tenant-row').nth(i)).toContainText(/trial/i);
  }
  await page.getByTestId('filter-plan').selectOption('');
  await expect(page.getByTestId('tenant-count')).toContainText(String(rows.length));
});

test('open a tenant: its counts match its database', async ({ page, server }) => {
  await openConsole(page, server);
  await ensureSignedIn(page);
  const t = server.controlPlane((db) => db.prepare(`SELECT * FROM tenants WHERE status = 'active' ORDER BY attachment_count DESC LIMIT 1`).get() as CatalogueRow);
  await page.getByTestId('tenant-search').fill(t.slug);
  await page.locator(`[data-testid="tenant-row"][data-tenant-id="${t.id}"]`).click();
  await expect(page.getByTestId('tenant-page')).toBeVisible();
  const counts = server.tenantDb(t.db_location, (db) =>
    Object.fromEntries(
      ['colleagues', 'companies', 'persons', 'spaces', 'opportunities', 'tasks', 'activities', 'opportunity_lines', 'files'].map((e) => [e, (db.prepare(`SELECT count(*) AS n FROM "${e}"`).get() as { n: number }).n]),
    ),
  );
  for (const [entity, n] of Object.entries(counts)) {
    await expect(page.locator(`[data-testid="entity-count"][data-entity="${entity}"]`)).toContainText(n.toLocaleString('en-US'));
  }
  await shot(page, '04-tenant-page');
});

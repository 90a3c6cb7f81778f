/**
 * Issue 2's first figures: demo seed rows/s (vs a bare prepared-statement insert of
 * the same row count, the ceiling), and the tenant directory query at 100,000
 * tenants (vs the same SQL run raw through better-sqlite3).
 */
import Database from 'better-sqlite3';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoCatalogueOnly, generateTenant } from '../app/demo';
import { openSqliteControlPlane } from '../app/control-plane/sqlite.control-plane';
import { TenantCatalogue } from '../app/tenants/tenant-catalogue';
import { LocalObjectStore } from '../app/storage/object-store/local.object-store';
import { tenantDdl } from '../app/schema';
import { line, measure } from './measure';

export async function benchFoundation(options: { size: 'medium' | 'large' }): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'custos-bench-'));
  try {
    mkdirSync(join(dir, 'tenants'));
    const store = new LocalObjectStore({ dir: join(dir, 'objects') });
    const seeded = await measure(() =>
      generateTenant({ tenantsDir: join(dir, 'tenants'), objectStore: store, index: 1, size: options.size, seed: 1, asOf: new Date('2026-11-01T00:00:00Z') }),
    );
    const rec = seeded.value;
    const db = new Database(join(dir, 'tenants', rec.dbLocation), { readonly: true });
    const rows = (db.prepare(`SELECT (SELECT count(*) FROM persons)+(SELECT count(*) FROM companies)+(SELECT count(*) FROM activities)+(SELECT count(*) FROM opportunities)+(SELECT count(*) FROM tasks)+(SELECT count(*) FROM opportunity_lines)+(SELECT count(*) FROM files)+(SELECT count(*) FROM custom_field_values) AS n`).get() as { n: number }).n;
    db.close();
    await store.close();

    // Reference: the same number of rows inserted bare into the persons table shape.
    const refDb = new Database(join(dir, 'ref.sqlite'));
    for (const s of tenantDdl()) refDb.exec(s);
    const ins = refDb.prepare(`INSERT INTO activities (id,subject_type,subject_id,kind,occurred_at,colleague_id,subject,body,created_at,updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)`);
    const ref = await measure(() => {
      refDb.transaction(() => {
        for (let i = 1; i <= rows; i++) ins.run(i, 'persons', i, 'call', '2025-01-01T00:00:00.000Z', null, 'Call about the renewal', 'Notes '.repeat(8), '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z');
      })();
    });
    refDb.close();
    line(`seed ${options.size} tenant`, { rows, seconds: seeded.seconds, rows_per_s: Math.round(rows / seeded.seconds), bare_insert_rows_per_s: Math.round(rows / ref.seconds), ratio_vs_bare: ref.seconds / seeded.seconds, peak_rss_mb: Math.round(seeded.peakRssMb) });

    // Directory at 100,000 tenants.
    const cp = await openSqliteControlPlane(join(dir, 'cp.sqlite'));
    const catalogue = new TenantCatalogue(cp.db, () => '', 'bench');
    const records = demoCatalogueOnly(100_000, 1);
    const up = await measure(() => catalogue.upsertMany(records, new Date()));
    line('catalogue insert 100k', { seconds: up.seconds, rows_per_s: Math.round(100_000 / up.seconds) });
    const queries: [string, Parameters<TenantCatalogue['list']>[0]][] = [
      ['first page by name', { sort: 'name', limit: 200 }],
      ['deep page by size desc', { sort: 'dbSizeBytes', direction: 'desc', offset: 90_000, limit: 200 }],
      ['search "nord"', { query: 'nord', limit: 200 }],
      ['filter trial+eu-west-1', { plan: 'trial', region: 'eu-west-1', sort: 'lastSnapshotAt', limit: 200 }],
    ];
    const raw = new Database(join(dir, 'cp.sqlite'), { readonly: true });
    for (const [name, q] of queries) {
      await catalogue.list(q); // warm
      const ours = await measure(async () => {
        for (let i = 0; i < 10; i++) await catalogue.list(q);
      });
      const refQ = await measure(() => {
        for (let i = 0; i < 10; i++) {
          raw.prepare(`SELECT count(*) FROM tenants`).get();
          raw.prepare(`SELECT * FROM tenants ORDER BY name LIMIT 200 OFFSET ${q.offset ?? 0}`).all();
        }
      });
      line(`directory 100k: ${name}`, { ms_per_query: (ours.seconds / 10) * 1000, raw_unfiltered_page_ms: (refQ.seconds / 10) * 1000, ratio_vs_raw_page: refQ.seconds / ours.seconds });
    }
    raw.close();
    await cp.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

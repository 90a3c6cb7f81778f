import Database from 'better-sqlite3';
import path from 'node:path';
import type { EntityName } from '../schema';
import type { TenantDatabase } from '../storage/sqlite/tenant-database.port';
import type { CustomFieldDefinition } from './export.lists';
import type { ExportReport } from './export.report';
import { rowBatches } from './export.row-source';

/**
 * Custom field values, re-sorted by record so they can be joined onto their lists.
 *
 * custom_field_values streams in value-ID order, the lists in record-ID order, and a
 * tenant may have millions of values: holding them in a Map would break the memory
 * bound (issue 4: < 300 MB whatever the tenant size). They go to a scratch SQLite
 * file in the package's work folder, keyed (entity, record, field); each batch of a
 * list then fetches its values with one indexed query. Later values (higher ID)
 * replace earlier ones for the same record and field, and that is reported.
 */
export interface CustomFieldLookup {
  /** Values of the batch's records: record id (as text) → field id → value. */
  valuesFor(entity: EntityName, recordIds: readonly unknown[]): Map<string, Map<number, unknown>>;
}

export class CustomFieldIndex implements CustomFieldLookup {
  private db: Database.Database | null;
  private readonly lookup: Database.Statement;
  private readonly range: Database.Statement;
  private readonly stored = new Map<string, number>();
  private readonly consumed = new Map<string, number>();

  private constructor(db: Database.Database) {
    this.db = db;
    this.lookup = db.prepare('SELECT record_id, field_id, value FROM v WHERE entity = ? AND record_id IN (SELECT value FROM json_each(?))');
    this.range = db.prepare('SELECT record_id, field_id, value FROM v WHERE entity = ? AND record_id BETWEEN ? AND ?');
  }

  static async build(
    tenant: TenantDatabase,
    defs: readonly CustomFieldDefinition[],
    exportedEntities: ReadonlySet<string>,
    workDir: string,
    report: ExportReport,
    signal?: AbortSignal,
  ): Promise<CustomFieldIndex> {
    const db = new Database(path.join(workDir, 'custom-fields.sqlite'));
    try {
      db.pragma('journal_mode = OFF');
      db.pragma('synchronous = OFF');
      db.exec('CREATE TABLE v (entity TEXT NOT NULL, record_id ANY, field_id INTEGER NOT NULL, value ANY, id ANY, PRIMARY KEY (entity, record_id, field_id)) WITHOUT ROWID, STRICT');
      const byId = new Map(defs.map((d) => [d.id, d]));
      const upsert = db.prepare(
        'INSERT INTO v (entity, record_id, field_id, value, id) VALUES (?, ?, ?, ?, ?) ON CONFLICT (entity, record_id, field_id) DO UPDATE SET value = excluded.value, id = excluded.id',
      );
      const insertBatch = db.transaction((rows: unknown[][]) => {
        for (const [id, fieldId, recordId, value] of rows) {
          const def = typeof fieldId === 'number' ? byId.get(fieldId) : undefined;
          if (!def) {
            report.add('CUSTOM_VALUES_UNKNOWN_FIELD', {}, 1, { id: id as number, detail: `field ${String(fieldId)}` });
            continue;
          }
          if (!exportedEntities.has(def.entity)) continue; // the profile leaves that list out
          const rec = typeof recordId === 'bigint' ? recordId.toString() : recordId;
          const val = typeof value === 'bigint' ? value.toString() : value;
          upsert.run(def.entity, rec ?? null, def.id, val ?? null, typeof id === 'bigint' ? id.toString() : (id as number));
          CustomFieldIndex.bump(stored, def.entity);
        }
      });
      const stored = new Map<string, number>();
      for await (const batch of rowBatches(tenant, 'custom_field_values', { columns: ['id', 'field_id', 'record_id', 'value'], batchSize: 5000, ...(signal ? { signal } : {}) })) {
        insertBatch(batch);
      }
      const idx = new CustomFieldIndex(db);
      // Same record and field more than once: the upsert kept the latest; say how many were replaced.
      for (const [entity, n] of stored) {
        const kept = (db.prepare('SELECT COUNT(*) AS n FROM v WHERE entity = ?').get(entity) as { n: number }).n;
        idx.stored.set(entity, kept);
        report.add('CUSTOM_VALUES_DUPLICATE', { list: entity }, n - kept);
      }
      return idx;
    } catch (e) {
      db.close();
      throw e;
    }
  }

  private static bump(m: Map<string, number>, k: string): void {
    m.set(k, (m.get(k) ?? 0) + 1);
  }

  valuesFor(entity: EntityName, recordIds: readonly unknown[]): Map<string, Map<number, unknown>> {
    const out = new Map<string, Map<number, unknown>>();
    if (!this.stored.get(entity) || recordIds.length === 0) return out;
    const first = recordIds[0];
    const last = recordIds[recordIds.length - 1];
    // Lists stream in ID order: a batch of plain integer IDs is one index range (much cheaper than an IN list).
    const plain = typeof first === 'number' && typeof last === 'number' && Number.isSafeInteger(first) && Number.isSafeInteger(last) && first <= last;
    let rows: { record_id: unknown; field_id: number; value: unknown }[];
    let wanted: Set<string> | null = null;
    if (plain) {
      rows = this.range.all(entity, first, last) as typeof rows;
      wanted = new Set(recordIds.map(String));
    } else {
      const ids = recordIds.filter((x) => x !== null && x !== undefined).map((x) => (typeof x === 'bigint' ? x.toString() : x));
      rows = this.lookup.all(entity, JSON.stringify(ids)) as typeof rows;
    }
    let used = 0;
    for (const r of rows) {
      const k = String(r.record_id);
      if (wanted && !wanted.has(k)) continue; // a value of a record that does not exist (counted as left over)
      let m = out.get(k);
      if (!m) out.set(k, (m = new Map()));
      m.set(r.field_id, r.value);
      used++;
    }
    this.consumed.set(entity, (this.consumed.get(entity) ?? 0) + used);
    return out;
  }

  /** After the lists are written: values whose record never came (reported). */
  reportLeftovers(report: ExportReport): void {
    for (const [entity, n] of this.stored) report.add('CUSTOM_VALUES_WITHOUT_RECORD', { list: entity }, n - (this.consumed.get(entity) ?? 0));
  }

  close(): void {
    this.db?.close();
    this.db = null;
  }
}

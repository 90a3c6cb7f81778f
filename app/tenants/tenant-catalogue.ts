import { sql, type Selectable } from 'kysely';
import type { TenantListInput, TenantSortColumn, TenantSummary, TenantDetail } from '../api/contract';
import { tenantListInputSchema } from '../api/contract';
import type { ControlPlaneDb, TenantsTable } from '../control-plane/control-plane.schema';
import type { TenantRecord } from '../control-plane/tenant-record';
import { CustosError } from '../shared/errors';
import { objectKeys } from '../storage/object-store/object-store.port';
import { assertNoneTombstoned } from '../deletion/tombstone.guard';

/** The tenant catalogue in the control plane: the directory's source of truth. */

const SORT_COLUMN: Record<TenantSortColumn, keyof TenantsTable> = {
  name: 'name',
  slug: 'slug',
  plan: 'plan',
  status: 'status',
  region: 'region',
  createdAt: 'created_at',
  dpaAcceptedAt: 'dpa_accepted_at',
  dbSizeBytes: 'db_size_bytes',
  attachmentCount: 'attachment_count',
  attachmentBytes: 'attachment_bytes',
  lastSnapshotAt: 'last_snapshot_at',
};

export function searchTextOf(r: Pick<TenantRecord, 'id' | 'slug' | 'name'>): string {
  return `${r.name}\u0001${r.slug}\u0001${r.id}`.normalize('NFKC').toLowerCase();
}

function toRecord(row: Selectable<TenantsTable>): TenantRecord {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    plan: row.plan as TenantRecord['plan'],
    status: row.status as TenantRecord['status'],
    region: row.region,
    createdAt: row.created_at,
    dpaVersion: row.dpa_version,
    dpaAcceptedAt: row.dpa_accepted_at,
    dbEngine: row.db_engine as TenantRecord['dbEngine'],
    dbLocation: row.db_location,
    dbSizeBytes: Number(row.db_size_bytes),
    attachmentCount: Number(row.attachment_count),
    attachmentBytes: Number(row.attachment_bytes),
    lastSnapshotAt: row.last_snapshot_at,
    freeExportUsedAt: row.free_export_used_at,
    legalHold: row.legal_hold,
  };
}

export function toSummary(r: TenantRecord): TenantSummary {
  return {
    id: r.id,
    slug: r.slug,
    name: r.name,
    plan: r.plan,
    status: r.status,
    region: r.region,
    createdAt: r.createdAt,
    dpaVersion: r.dpaVersion,
    dpaAcceptedAt: r.dpaAcceptedAt,
    dbEngine: r.dbEngine,
    dbSizeBytes: r.dbSizeBytes,
    attachmentCount: r.attachmentCount,
    attachmentBytes: r.attachmentBytes,
    lastSnapshotAt: r.lastSnapshotAt,
  };
}

export class TenantCatalogue {
  constructor(
    private readonly db: ControlPlaneDb,
    private readonly describeDatabase: (r: TenantRecord) => string,
    private readonly objectStoreLocation: string,
  ) {}

  async upsertMany(records: readonly TenantRecord[], now: Date): Promise<void> {
    // A deleted tenant can never be silently re-created under the same ID (issue 7).
    await assertNoneTombstoned(this.db, records.map((r) => r.id));
    const ts = now.toISOString();
    // Chunked so that one statement stays under SQLite's variable limit.
    for (let i = 0; i < records.length; i += 500) {
      const chunk = records.slice(i, i + 500).map((r) => ({
        id: r.id,
        slug: r.slug,
        name: r.name,
        plan: r.plan,
        status: r.status,
        region: r.region,
        created_at: r.createdAt,
        dpa_version: r.dpaVersion,
        dpa_accepted_at: r.dpaAcceptedAt,
        db_engine: r.dbEngine,
        db_location: r.dbLocation,
        db_size_bytes: r.dbSizeBytes,
        attachment_count: r.attachmentCount,
        attachment_bytes: r.attachmentBytes,
        last_snapshot_at: r.lastSnapshotAt,
        free_export_used_at: r.freeExportUsedAt,
        legal_hold: r.legalHold,
        search_text: searchTextOf(r),
        updated_at: ts,
      }));
      await this.db
        .insertInto('tenants')
        .values(chunk)
        .onConflict((oc) =>
          oc.column('id').doUpdateSet((eb) => ({
            slug: eb.ref('excluded.slug'),
            name: eb.ref('excluded.name'),
            plan: eb.ref('excluded.plan'),
            status: eb.ref('excluded.status'),
            region: eb.ref('excluded.region'),
            db_size_bytes: eb.ref('excluded.db_size_bytes'),
            attachment_count: eb.ref('excluded.attachment_count'),
            attachment_bytes: eb.ref('excluded.attachment_bytes'),
            search_text: eb.ref('excluded.search_text'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
    }
  }

  async count(): Promise<number> {
    const r = await this.db.selectFrom('tenants').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async list(rawInput: TenantListInput): Promise<{ total: number; offset: number; rows: TenantSummary[]; regions: string[] }> {
    const input = tenantListInputSchema.parse(rawInput);
    let q = this.db.selectFrom('tenants');
    const needle = input.query?.trim().normalize('NFKC').toLowerCase();
    if (needle) {
      // LIKE with an explicit ESCAPE behaves the same on SQLite and PostgreSQL (instr is
      // SQLite-only): a '%', '_' or '\' the user types is matched literally.
      const pattern = `%${needle.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      q = q.where(sql<boolean>`${sql.ref('search_text')} LIKE ${pattern} ESCAPE '\\'`);
    }
    if (input.plan) q = q.where('plan', '=', input.plan);
    if (input.status) q = q.where('status', '=', input.status);
    if (input.region) q = q.where('region', '=', input.region);

    const totalRow = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const col = SORT_COLUMN[input.sort];
    // Nulls last whichever the direction (only two columns can be null), then a
    // stable tiebreak on id so pages never overlap; (col, id) indexes serve both.
    const nullable = col === 'last_snapshot_at' || col === 'dpa_accepted_at';
    let ordered = q.selectAll();
    if (nullable) ordered = ordered.orderBy((eb) => eb.case().when(col, 'is', null).then(1).else(0).end());
    // With a search term few rows match: sorting the matches beats walking the whole
    // sort index with a lookup per row, so the sort key is wrapped to keep the planner
    // off that index (coalesce(x, x) is x on SQLite and PostgreSQL alike).
    const sortKey = needle ? sql<unknown>`coalesce(${sql.ref(col)}, ${sql.ref(col)})` : col;
    const rows = await ordered
      .orderBy(sortKey as typeof col, input.direction)
      .orderBy('id', input.direction)
      .limit(input.limit)
      .offset(input.offset)
      .execute();
    const regions = await this.regions();
    return {
      total: Number(totalRow.n),
      offset: input.offset,
      rows: rows.map((r) => toSummary(toRecord(r))),
      regions,
    };
  }

  private regionCache: { at: number; values: string[] } | null = null;

  /** Distinct regions for the filter; cached briefly since the directory asks on every page. */
  async regions(): Promise<string[]> {
    if (this.regionCache && Date.now() - this.regionCache.at < 30_000) return this.regionCache.values;
    const rows = await this.db.selectFrom('tenants').select('region').distinct().orderBy('region').execute();
    this.regionCache = { at: Date.now(), values: rows.map((r) => r.region) };
    return this.regionCache.values;
  }

  async find(idOrSlug: string): Promise<TenantRecord | null> {
    const row = await this.db
      .selectFrom('tenants')
      .selectAll()
      .where((eb) => eb.or([eb('id', '=', idOrSlug), eb('slug', '=', idOrSlug)]))
      .executeTakeFirst();
    return row ? toRecord(row) : null;
  }

  async get(idOrSlug: string): Promise<TenantRecord> {
    const r = await this.find(idOrSlug);
    if (!r) {
      throw new CustosError('TENANT_NOT_FOUND', `No tenant with ID or slug "${idOrSlug}".`, 'Search the tenant directory for the right tenant.');
    }
    return r;
  }

  async detail(idOrSlug: string): Promise<TenantDetail> {
    const r = await this.get(idOrSlug);
    return {
      ...toSummary(r),
      storage: {
        database: this.describeDatabase(r),
        attachments: `${this.objectStoreLocation} › ${objectKeys.attachmentsPrefix(r.id)}`,
        backups: `${this.objectStoreLocation} › ${objectKeys.backupsPrefix(r.id)}`,
        exports: `${this.objectStoreLocation} › ${objectKeys.exportsPrefix(r.id)}`,
      },
      freeExportUsedAt: r.freeExportUsedAt,
      legalHold: r.legalHold,
    };
  }

  async update(id: string, patch: Partial<Pick<TenantsTable, 'status' | 'db_size_bytes' | 'attachment_count' | 'attachment_bytes' | 'last_snapshot_at' | 'free_export_used_at' | 'legal_hold'>>, now: Date): Promise<void> {
    await this.db.updateTable('tenants').set({ ...patch, updated_at: now.toISOString() }).where('id', '=', id).execute();
  }
}

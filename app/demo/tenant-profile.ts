import type { TenantRecord } from '../control-plane/tenant-record';
import { Prng } from './prng';
import { slugify } from './word-lists';

/**
 * The catalogue side of a demo tenant: name, slug, plan, status, region, DPA
 * acceptance. A pure function of (seed, index, asOf), shared by the full
 * generator and by the catalogue-only fleet used for the 100,000-tenant benchmark.
 */

export const DAY_MS = 86_400_000;

/** Which demo tenants carry the deliberate traps (documented in README-style comments in hostile-cases.ts). */
export const DEMO_TRAPS = {
  /** Hostile file names and text cells: `../`, NUL, NFD, 300-char names, `=HYPERLINK(...)`, a 40,000+ character note… */
  hostileTenantIndex: 0,
  /** Integrity problems an export must report rather than hide: a missing object, a mismatching object, dangling references. */
  integrityTenantIndex: 1,
  /** In the integrity tenant: file row whose object was never written. */
  missingFileId: 3,
  /** In the integrity tenant: file row whose stored bytes differ from its recorded SHA-256 (same size, one byte flipped). */
  mismatchFileId: 5,
  /** In the integrity tenant: persons whose company_id points at a company that was deleted. */
  danglingPersonIds: [2, 7] as readonly number[],
  /** Tenants that are offboarding (when the fleet is that large). */
  offboardingIndexes: [7, 33] as readonly number[],
  /** A commercial tenant that already used its free advanced export. */
  freeExportUsedIndex: 4,
  /** A tenant under legal hold. */
  legalHoldIndex: 9,
} as const;

/** `t-000001` for index 0: stable, sortable, URL-safe (/^[A-Za-z0-9_-]+$/). */
export function demoTenantId(index: number): string {
  if (!Number.isSafeInteger(index) || index < 0) throw new Error(`invalid demo tenant index ${index}`);
  return `t-${String(index + 1).padStart(6, '0')}`;
}

// Tenant names: brand (syllable + syllable) × trade × legal form, 150 × 60 × 14 = 126,000
// distinct names whose slugs are distinct too (tested). A fixed permutation of the index
// walks them, so names are unique without looking at other tenants.
const SYLLABLE_A = ['Nord', 'Öster', 'Sol', 'Berg', 'Fjäll', 'Lind', 'Havs', 'Ek', 'Stor', 'Blå', 'Grön', 'Vinter', 'Kløver', 'Łąka', 'Rhein'] as const;
const SYLLABLE_B = ['vik', 'lund', 'dal', 'holm', 'berg', 'strand', 'by', 'ström', 'gård', 'torp'] as const;
const TRADES = [
  'Logistics', 'Consulting', 'Software', 'Media', 'Engineering', 'Foods', 'Analytics', 'Design', 'Energy', 'Freight',
  'Health', 'Interiors', 'Robotics', 'Textiles', 'Travel', 'Ventures', 'Systems', 'Labs', 'Partners', 'Studios',
  'Bygg', 'Konsult', 'Technik', 'Handel', 'Digital', 'Marine', 'Solar', 'Print', 'Security', 'Finance',
  'Bakery', 'Brewing', 'Architects', 'Dental', 'Motors', 'Optics', 'Pharma', 'Outdoor', 'Events', 'Legal',
  'Recruitment', 'Cleaning', 'Catering', 'Furniture', 'Garden', 'Fitness', 'Gaming', 'Insurance', 'Kitchens', 'Lighting',
  'Metals', 'Nursery', 'Packaging', 'Plastics', 'Publishing', 'Realty', 'Shipping', 'Tools', 'Translations', 'Water',
] as const;
const LEGAL = ['GmbH', 'AB', 'ApS', 'Ltd', 'SAS', 'B.V.', 'Sp. z o.o.', 'AG', 'A/S', 'S.L.', 'Oy', 'DAC', 'SARL', 'ehf.'] as const;
export const TENANT_NAME_SPACE = SYLLABLE_A.length * SYLLABLE_B.length * TRADES.length * LEGAL.length;
const NAME_STRIDE = 48_611; // prime, coprime with TENANT_NAME_SPACE, so index → name is a bijection

const nameOffsets = new Map<number, number>();
// Slugs of the parts, computed once: slugify(name) is exactly their concatenation (tested).
const SLUG_A = SYLLABLE_A.map((w) => slugify(w));
const SLUG_B = SYLLABLE_B.map((w) => slugify(w));
const SLUG_TRADES = TRADES.map((w) => slugify(w));
const SLUG_LEGAL = LEGAL.map((w) => slugify(w));

function nameAndSlug(seed: number, index: number): { name: string; slug: string } {
  let offset = nameOffsets.get(seed);
  if (offset === undefined) {
    offset = Prng.derive(seed, 'tenant-names').int(0, TENANT_NAME_SPACE - 1);
    nameOffsets.set(seed, offset);
  }
  let pos = (((index % TENANT_NAME_SPACE) * NAME_STRIDE) % TENANT_NAME_SPACE + offset) % TENANT_NAME_SPACE;
  const l = pos % LEGAL.length;
  pos = Math.floor(pos / LEGAL.length);
  const t = pos % TRADES.length;
  pos = Math.floor(pos / TRADES.length);
  const b = pos % SYLLABLE_B.length;
  pos = Math.floor(pos / SYLLABLE_B.length);
  const a = pos % SYLLABLE_A.length;
  const round = Math.floor(index / TENANT_NAME_SPACE);
  const suffix = round > 0 ? ` ${round + 1}` : '';
  return {
    name: `${SYLLABLE_A[a]}${SYLLABLE_B[b]} ${TRADES[t]} ${LEGAL[l]}${suffix}`,
    slug: `${SLUG_A[a]}${SLUG_B[b]}-${SLUG_TRADES[t]}-${SLUG_LEGAL[l]}${round > 0 ? `-${round + 1}` : ''}`,
  };
}

export function demoTenantName(seed: number, index: number): string {
  return nameAndSlug(seed, index).name;
}

/** The tenant's slug: `slugify(demoTenantName(seed, index))`, without the cost. */
export function demoTenantSlug(seed: number, index: number): string {
  return nameAndSlug(seed, index).slug;
}

const REGIONS = [
  ['eu-west-1', 70],
  ['eu-central-1', 12],
  ['eu-north-1', 10],
  ['eu-west-3', 8],
] as const;

/** DPA versions and the day each came into force. */
export const DPA_VERSIONS = [
  { version: '2021-03', from: Date.UTC(2021, 2, 1) },
  { version: '2023-05', from: Date.UTC(2023, 4, 15) },
  { version: '2024-11', from: Date.UTC(2024, 10, 4) },
] as const;

const DPA_NEWEST_FIRST = [...DPA_VERSIONS].reverse();

export interface TenantProfile {
  index: number;
  record: TenantRecord;
  /** Epoch ms, for the data generator. */
  createdAtMs: number;
}

const iso = (ms: number): string => new Date(ms).toISOString();
const toSecond = (ms: number): number => Math.floor(ms / 1000) * 1000;

export function tenantProfile(seed: number, index: number, asOf: Date): TenantProfile {
  const rng = Prng.derive(seed, 'tenant', index, 'profile');
  const asOfMs = asOf.getTime();
  const id = demoTenantId(index);
  const { name, slug } = nameAndSlug(seed, index);
  const hostile = index === DEMO_TRAPS.hostileTenantIndex || index === DEMO_TRAPS.integrityTenantIndex;

  let plan: TenantRecord['plan'] = rng.chance(0.25) ? 'trial' : 'commercial';
  if (hostile || index === DEMO_TRAPS.freeExportUsedIndex) plan = 'commercial';
  if (index === 2) plan = 'trial';

  let status: TenantRecord['status'] = rng.chance(plan === 'trial' ? 0.12 : 0.06) ? 'suspended' : 'active';
  if (index < 60 ? DEMO_TRAPS.offboardingIndexes.includes(index) : rng.chance(0.01)) status = 'offboarding';
  if (hostile || index === 2 || index === DEMO_TRAPS.freeExportUsedIndex) status = 'active';

  const region = rng.weighted(REGIONS);
  const ageDays = plan === 'trial' ? rng.int(1, 29) : rng.int(90, 6 * 365);
  const createdAtMs = toSecond(asOfMs - ageDays * DAY_MS - rng.int(0, DAY_MS - 1));

  // The DPA in force when the tenant registered, then perhaps the newest one re-accepted.
  let dpaVersion: string | null = null;
  let dpaAcceptedAt: string | null = null;
  const inForce = DPA_NEWEST_FIRST.find((v) => v.from <= createdAtMs);
  const newest = DPA_NEWEST_FIRST.find((v) => v.from <= asOfMs);
  if (!(plan === 'trial' && rng.chance(0.15) && index !== 2) && newest) {
    if (inForce) {
      dpaVersion = inForce.version;
      dpaAcceptedAt = iso(createdAtMs + rng.int(0, 600) * 1000);
    }
    if (newest !== inForce && (inForce === undefined || rng.chance(0.7))) {
      const at = Math.min(asOfMs - 1000, Math.max(newest.from, createdAtMs) + rng.int(0, 60) * DAY_MS + rng.int(0, DAY_MS - 1));
      dpaVersion = newest.version;
      dpaAcceptedAt = iso(toSecond(at));
    }
  }

  let freeExportUsedAt: string | null = null;
  if (plan === 'commercial' && (index === DEMO_TRAPS.freeExportUsedIndex || (index >= 60 && rng.chance(0.05)))) {
    freeExportUsedAt = iso(toSecond(createdAtMs + Math.floor(rng.next() * (asOfMs - createdAtMs))));
  }
  const legalHold =
    index === DEMO_TRAPS.legalHoldIndex || (index >= 60 && rng.chance(0.002))
      ? "Litigation hold at the customer's request (ticket SUP-4411): keep all data until released by Legal."
      : null;

  return {
    index,
    createdAtMs,
    record: {
      id,
      slug,
      name,
      plan,
      status,
      region,
      createdAt: iso(createdAtMs),
      dpaVersion,
      dpaAcceptedAt,
      dbEngine: 'sqlite',
      dbLocation: `${id}.sqlite`,
      dbSizeBytes: 0,
      attachmentCount: 0,
      attachmentBytes: 0,
      lastSnapshotAt: null,
      freeExportUsedAt,
      legalHold,
    },
  };
}

/**
 * `n` catalogue records without databases or objects (the 100,000-tenant directory
 * benchmark). Sizes are plausible made-up figures, deterministic like the rest.
 */
export function demoCatalogueOnly(n: number, seed: number, asOf: Date = new Date(Date.UTC(2026, 0, 1))): TenantRecord[] {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`invalid tenant count ${n}`);
  const out: TenantRecord[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const { record } = tenantProfile(seed, i, asOf);
    const rng = Prng.derive(seed, 'tenant', i, 'catalogue-sizes');
    const persons = rng.logInt(20, 60_000);
    record.dbSizeBytes = Math.ceil((persons * 2600 + 200_000) / 4096) * 4096;
    record.attachmentCount = Math.floor(persons / rng.int(8, 20));
    record.attachmentBytes = record.attachmentCount * rng.int(20_000, 250_000);
    out[i] = record;
  }
  return out;
}

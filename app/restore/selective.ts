import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { quoteIdent as q } from '../backups/snapshot.sqlite';
import { ENTITIES, ENTITY_ORDER, TENANT_SCHEMA_VERSION, entity, type EntityName } from '../schema';
import { CustosError } from '../shared/errors';
import { throwIfAborted } from '../shared/progress';

/**
 * Selective restore (issue 6): put back a few records that exist in a snapshot but were
 * deleted from the live tenant database since — together with what must come with them —
 * without touching anything else in live.
 *
 * Planning reads only; applying is one IMMEDIATE transaction on live that re-checks what
 * the preview promised (no id taken meanwhile, same snapshot content via the fingerprint,
 * parents still there) and copies rows with INSERT … SELECT so the bytes are the
 * snapshot's own, never a JavaScript round trip.
 */

export interface RecordRef {
  entity: EntityName;
  id: number;
}

export interface SelectionPlan {
  /** What staff picked. */
  requested: RecordRef[];
  /** Rows to insert, per entity, ids ascending; only entities with rows appear. */
  insert: Partial<Record<EntityName, number[]>>;
  /** Rows added because something to insert references them and they are gone from live (parents brought back). */
  addedParents: RecordRef[];
  /** Rows added because they reference something to insert and are gone from live (children come along). */
  addedChildren: RecordRef[];
  /** Requested/child rows whose id exists in live: left untouched, never overwritten. */
  conflicts: { entity: EntityName; id: number; reason: string }[];
  /** Why the selection cannot be restored (non-empty = refused): e.g. a requested id not in the snapshot, a parent missing from both snapshot and live. */
  refusals: { entity: EntityName; id: number; reason: string }[];
  totalRows: number;
  /** sha256 hex over the insert set AND the exact snapshot content of those rows; binds an approval to this plan. */
  fingerprint: string;
}

/** Larger picks are a full restore in disguise; that has its own safe path (BACKUPS.md). */
export const MAX_SELECTION = 10_000;

export type Ids = Map<EntityName, Set<number>>;
export type Problem = { entity: EntityName; id: number; reason: string };

/**
 * Every way a row points at another row, derived from the schema description so a new
 * reference column cannot be silently ignored: an unknown kind of `ref` fails at load.
 */
export type Link =
  | { kind: 'plain'; from: EntityName; column: string; target: EntityName }
  | { kind: 'poly'; from: EntityName; column: string; typeColumn: string; targets: readonly EntityName[] }
  // custom_field_values.record_id: the target entity is the value's definition's `entity`.
  | { kind: 'custom'; from: EntityName; column: string };

/** Shared with selective.postgres.ts (as are the helpers exported below). */
export const LINKS: readonly Link[] = ENTITIES.flatMap((e) =>
  e.columns
    .filter((c) => c.type === 'ref')
    .map((c): Link => {
      if (c.references) return { kind: 'plain', from: e.name, column: c.name, target: c.references };
      if (e.polymorphic?.idColumn === c.name) return { kind: 'poly', from: e.name, column: c.name, typeColumn: e.polymorphic.typeColumn, targets: e.polymorphic.targets };
      if (e.name === 'custom_field_values' && c.name === 'record_id') return { kind: 'custom', from: e.name, column: c.name };
      throw new Error(`selective restore does not know what ${e.name}.${c.name} points at`);
    }),
);

const ORDER = new Map(ENTITY_ORDER.map((e, i) => [e, i]));
const isEntity = (x: unknown): x is EntityName => typeof x === 'string' && ORDER.has(x as EntityName);

/**
 * The id list travels as ONE bound JSON parameter: no value is ever interpolated, there is
 * no variable-count limit, and SQLite turns the subquery into an indexed ephemeral table,
 * so each relation costs one pass however many ids (10k plan in milliseconds).
 */
const IN_IDS = 'IN (SELECT value FROM json_each(?))';
const idsJson = (ids: Iterable<number>) => JSON.stringify([...ids]);

function addId(m: Ids, e: EntityName, id: number): boolean {
  let s = m.get(e);
  if (!s) m.set(e, (s = new Set()));
  if (s.has(id)) return false;
  s.add(id);
  return true;
}

/** Which of `ids` exist in `<db>.<e>`. */
function existing(db: Database.Database, dbName: string, e: EntityName, ids: Iterable<number>): Set<number> {
  return new Set(db.prepare(`SELECT id FROM ${q(dbName)}.${q(e)} WHERE id ${IN_IDS}`).pluck().all(idsJson(ids)) as number[]);
}

interface Reference {
  entity: EntityName;
  id: number;
  column: string;
  /** The pointed-at entity; undefined when a polymorphic type names nothing we know. */
  target: EntityName | undefined;
  targetName: string;
  targetId: number;
}

/**
 * Every non-null reference of `rows` (read from `rowsDb`). A custom value's record entity is
 * taken from the first database in `defsDbs` that holds its definition: the definition the
 * value will belong to once restored (live's if live has it, else the one restored with it).
 */
function referencesOf(db: Database.Database, rowsDb: string, rows: Ids, defsDbs: readonly string[]): Reference[] {
  const out: Reference[] = [];
  for (const link of LINKS) {
    const ids = rows.get(link.from);
    if (!ids?.size) continue;
    const col = q(link.column);
    const target =
      link.kind === 'plain'
        ? '?'
        : link.kind === 'poly'
          ? q(link.typeColumn)
          : `coalesce(${defsDbs.map((d) => `(SELECT d.entity FROM ${q(d)}.custom_field_definitions d WHERE d.id = r.field_id)`).join(', ')}, NULL)`;
    const sql = `SELECT r.id, ${target} AS t, r.${col} AS tid FROM ${q(rowsDb)}.${q(link.from)} r WHERE r.id ${IN_IDS} AND r.${col} IS NOT NULL`;
    const params = link.kind === 'plain' ? [link.target, idsJson(ids)] : [idsJson(ids)];
    for (const r of db.prepare(sql).all(...params) as { id: number; t: unknown; tid: number }[]) {
      // A custom value whose definition is nowhere is reported through field_id instead.
      if (link.kind === 'custom' && r.t === null) continue;
      const allowed = link.kind === 'poly' ? link.targets.includes(r.t as EntityName) : isEntity(r.t);
      out.push({ entity: link.from, id: r.id, column: link.column, target: allowed ? (r.t as EntityName) : undefined, targetName: String(r.t), targetId: r.tid });
    }
  }
  return out;
}

/** Snapshot rows (`main`) pointing at `ids` of `target` that are absent from live (`live`). */
function childrenOf(db: Database.Database, target: EntityName, ids: Set<number>): [EntityName, number][] {
  const out: [EntityName, number][] = [];
  for (const link of LINKS) {
    const from = q(link.from);
    const absentFromLive = `NOT EXISTS (SELECT 1 FROM live.${from} l WHERE l.id = c.id)`;
    const col = `c.${q(link.column)}`;
    let sql: string;
    let params: unknown[];
    if (link.kind === 'plain' && link.target === target) {
      sql = `SELECT c.id FROM main.${from} c WHERE ${col} ${IN_IDS} AND ${absentFromLive}`;
      params = [idsJson(ids)];
    } else if (link.kind === 'poly' && link.targets.includes(target)) {
      sql = `SELECT c.id FROM main.${from} c WHERE c.${q(link.typeColumn)} = ? AND ${col} ${IN_IDS} AND ${absentFromLive}`;
      params = [target, idsJson(ids)];
    } else if (link.kind === 'custom' && entity(target).customFields) {
      // Membership is what the snapshot says: the value's definition there names the entity.
      // Probing the (field_id, record_id) index costs definitions × ids lookups; past a
      // point one pass over the values (CROSS JOIN keeps them the outer loop) is cheaper.
      const defs = db.prepare('SELECT count(*) FROM main.custom_field_definitions WHERE entity = ?').pluck().get(target) as number;
      const join = defs * ids.size > 20_000 ? 'CROSS JOIN' : 'JOIN';
      sql = `SELECT c.id FROM main.${from} c ${join} main.custom_field_definitions d ON d.id = c.field_id WHERE d.entity = ? AND ${col} ${IN_IDS} AND ${absentFromLive}`;
      params = [target, idsJson(ids)];
    } else continue;
    for (const id of db.prepare(sql).pluck().all(...params) as number[]) out.push([link.from, id]);
  }
  return out;
}

/**
 * sha256 over the insert set and every column of those rows as SQLite's quote() renders
 * them: quote() keeps the storage class (text '5' ≠ integer 5 ≠ blob X'35') and prints
 * reals exactly, so any byte of difference in the snapshot changes the fingerprint.
 */
export function fingerprintOf(db: Database.Database, snapDb: string, insert: Partial<Record<EntityName, number[]>>): string {
  const h = createHash('sha256').update('custos.selective-restore.v1\n');
  for (const e of ENTITY_ORDER) {
    const ids = insert[e];
    if (!ids?.length) continue;
    h.update(`${JSON.stringify([e, ids])}\n`);
    const cols = entity(e).columns.map((c) => `quote(${q(c.name)})`).join(', ');
    for (const row of db.prepare(`SELECT ${cols} FROM ${q(snapDb)}.${q(e)} WHERE id ${IN_IDS} ORDER BY id`).raw().iterate(idsJson(ids))) {
      h.update(`${JSON.stringify(row)}\n`);
    }
  }
  return h.digest('hex');
}

/** Column lists come from the schema description, so both files must be at its version. */
export function checkSchemaVersion(db: Database.Database, dbName: string, what: 'snapshot' | 'live'): void {
  const hasMeta = db.prepare(`SELECT 1 FROM ${q(dbName)}.sqlite_master WHERE type = 'table' AND name = 'schema_meta'`).get();
  const v = hasMeta ? db.prepare(`SELECT value FROM ${q(dbName)}.schema_meta WHERE key = 'schema_version'`).pluck().get() : undefined;
  if (String(v) === String(TENANT_SCHEMA_VERSION)) return;
  throw what === 'snapshot'
    ? new CustosError('SNAPSHOT_SCHEMA_UNSUPPORTED', `The snapshot is not at tenant schema version ${TENANT_SCHEMA_VERSION}.`, 'Pick a snapshot taken with the current schema.', { found: v ?? null })
    : new CustosError('TENANT_SCHEMA_UNEXPECTED', `The live tenant database is not at schema version ${TENANT_SCHEMA_VERSION}.`, 'Migrate the tenant before a selective restore.', { found: v ?? null });
}

export function byOrder(a: RecordRef, b: RecordRef): number {
  return ORDER.get(a.entity)! - ORDER.get(b.entity)! || a.id - b.id;
}

export function refused(problems: Problem[], message: string, hint: string, key: 'refusals' | 'conflicts'): CustosError {
  // The message stays readable for thousands of rows; details carry every one.
  const shown = problems.slice(0, 5).map((p) => p.reason);
  if (problems.length > shown.length) shown.push(`…and ${problems.length - shown.length} more.`);
  return new CustosError('RESTORE_REFUSED', `${message} ${shown.join(' ')}`, hint, { [key]: problems });
}

export function planSelection(o: { snapshotPath: string; livePath: string; selection: readonly RecordRef[] }): SelectionPlan {
  if (o.selection.length > MAX_SELECTION) {
    throw new CustosError('INVALID_INPUT', `A selective restore takes at most ${MAX_SELECTION} records (${o.selection.length} picked).`, 'Restore the whole database from that day instead, or pick fewer records.');
  }
  const requested: RecordRef[] = [];
  const picked: Ids = new Map();
  for (const r of o.selection) {
    if (!isEntity(r.entity) || !Number.isSafeInteger(r.id)) {
      throw new CustosError('INVALID_INPUT', 'A picked record is not a known entity with a whole-number id.', 'Pick records from the snapshot browser.', { entity: String(r.entity) });
    }
    if (addId(picked, r.entity, r.id)) requested.push({ entity: r.entity, id: r.id });
  }

  // A read-only connection makes the ATTACHed live file read-only too (same open flags);
  // query_only is the second lock, so planning can never write either file.
  const db = new Database(o.snapshotPath, { readonly: true, fileMustExist: true });
  try {
    db.prepare('ATTACH DATABASE ? AS live').run(o.livePath);
    db.pragma('query_only = ON');
    checkSchemaVersion(db, 'main', 'snapshot');
    checkSchemaVersion(db, 'live', 'live');

    const insert: Ids = new Map();
    const conflicts: Problem[] = [];
    const refusals: Problem[] = [];
    const addedParents: RecordRef[] = [];
    const addedChildren: RecordRef[] = [];

    for (const [e, ids] of picked) {
      const inSnap = existing(db, 'main', e, ids);
      const inLive = existing(db, 'live', e, ids);
      for (const id of ids) {
        if (!inSnap.has(id)) refusals.push({ entity: e, id, reason: `${e} ${id} is not in the snapshot.` });
        else if (inLive.has(id)) conflicts.push({ entity: e, id, reason: `${e} ${id} exists in the live database; it is left as it is, never overwritten.` });
        else addId(insert, e, id);
      }
    }

    // Children first, to a fixpoint, from the picked rows only: what hung off a deleted
    // record was deleted with it. A child still in live is simply already there.
    let frontier: Ids = new Map([...insert].map(([e, s]) => [e, new Set(s)]));
    while (frontier.size) {
      const next: Ids = new Map();
      for (const [t, ids] of frontier) {
        for (const [e, id] of childrenOf(db, t, ids)) {
          if (addId(insert, e, id)) {
            addId(next, e, id);
            addedChildren.push({ entity: e, id });
          }
        }
      }
      frontier = next;
    }

    // Then parents, to a fixpoint: every reference must resolve in live or in the insert
    // set. Parents bring their own parents but not their other children — those were not
    // asked for. (A parent that is a child of an inserted row was already found above.)
    frontier = new Map([...insert].map(([e, s]) => [e, new Set(s)]));
    while (frontier.size) {
      const next: Ids = new Map();
      const refs = referencesOf(db, 'main', frontier, ['live', 'main']);
      const wanted: Ids = new Map();
      for (const r of refs) if (r.target && !insert.get(r.target)?.has(r.targetId)) addId(wanted, r.target, r.targetId);
      const inLive = new Map([...wanted].map(([e, s]) => [e, existing(db, 'live', e, s)]));
      const inSnap = new Map([...wanted].map(([e, s]) => [e, existing(db, 'main', e, s)]));
      for (const r of refs) {
        const where = `${r.entity} ${r.id} (${r.column})`;
        if (!r.target) {
          refusals.push({ entity: r.entity, id: r.id, reason: `${where} points at "${r.targetName}", which is not a kind of record it can belong to.` });
        } else if (insert.get(r.target)?.has(r.targetId) || inLive.get(r.target)?.has(r.targetId)) {
          continue;
        } else if (inSnap.get(r.target)?.has(r.targetId)) {
          addId(insert, r.target, r.targetId);
          addId(next, r.target, r.targetId);
          addedParents.push({ entity: r.target, id: r.targetId });
        } else {
          refusals.push({ entity: r.entity, id: r.id, reason: `${where} references ${r.target} ${r.targetId}, which is in neither the snapshot nor the live database.` });
        }
      }
      frontier = next;
    }

    const insertOut: Partial<Record<EntityName, number[]>> = {};
    let totalRows = 0;
    for (const e of ENTITY_ORDER) {
      const s = insert.get(e);
      if (!s?.size) continue;
      insertOut[e] = [...s].sort((a, b) => a - b);
      totalRows += s.size;
    }
    return {
      requested,
      insert: insertOut,
      addedParents: addedParents.sort(byOrder),
      addedChildren: addedChildren.sort(byOrder),
      conflicts: conflicts.sort(byOrder),
      refusals: refusals.sort(byOrder),
      totalRows,
      fingerprint: fingerprintOf(db, 'main', insertOut),
    };
  } finally {
    db.close();
  }
}

/** The plan may have crossed a process boundary: take only well-formed entity/id lists. */
export function checkedInsert(insert: SelectionPlan['insert']): { ids: Ids; lists: Partial<Record<EntityName, number[]>> } {
  const ids: Ids = new Map();
  const lists: Partial<Record<EntityName, number[]>> = {};
  for (const [e, list] of Object.entries(insert ?? {})) {
    if (!isEntity(e) || !Array.isArray(list) || !list.every((id, i) => Number.isSafeInteger(id) && (i === 0 || id > list[i - 1]!))) {
      throw new CustosError('INVALID_INPUT', 'The restore plan is malformed.', 'Preview the selection again');
    }
    if (!list.length) continue;
    ids.set(e, new Set(list));
    lists[e] = list;
  }
  return { ids, lists };
}

export function applySelection(o: { snapshotPath: string; livePath: string; plan: SelectionPlan; signal?: AbortSignal }): {
  inserted: Partial<Record<EntityName, number>>;
  total: number;
} {
  const { plan } = o;
  if (plan.refusals.length) {
    throw refused(plan.refusals, 'This selection cannot be restored.', 'Change the selection so every record and what it references is in the snapshot or still live, then preview again.', 'refusals');
  }
  const { ids, lists } = checkedInsert(plan.insert);
  const preview = 'Preview the selection again';

  // better-sqlite3 is built without URI filenames, so ATTACH cannot ask for mode=ro here.
  // Every write below names `main`; the snapshot is only read (and fingerprint-checked).
  const db = new Database(o.livePath, { fileMustExist: true });
  try {
    db.prepare('ATTACH DATABASE ? AS snap').run(o.snapshotPath);
    checkSchemaVersion(db, 'snap', 'snapshot');
    checkSchemaVersion(db, 'main', 'live');

    // One IMMEDIATE transaction: no other writer between the checks and the inserts, and
    // any throw (conflict, abort, constraint, failed verification) rolls back everything,
    // whatever PRAGMA foreign_keys says.
    const run = db.transaction(() => {
      const conflicts: Problem[] = [];
      for (const [e, s] of ids) {
        for (const id of existing(db, 'main', e, s)) conflicts.push({ entity: e, id, reason: `${e} ${id} now exists in the live database.` });
      }
      if (conflicts.length) throw refused(conflicts.sort(byOrder), 'Records were created in the live database since the preview.', preview, 'conflicts');

      if (fingerprintOf(db, 'snap', lists) !== plan.fingerprint) {
        throw new CustosError('RESTORE_REFUSED', 'The snapshot rows differ from the ones previewed (or the plan was changed).', preview);
      }

      // A parent may have been deleted from live since the preview; restoring would then
      // leave dangling references (polymorphic ones are not guarded by foreign keys).
      const refs = referencesOf(db, 'snap', ids, ['main', 'snap']);
      const wanted: Ids = new Map();
      for (const r of refs) if (r.target && !ids.get(r.target)?.has(r.targetId)) addId(wanted, r.target, r.targetId);
      const live = new Map([...wanted].map(([e, s]) => [e, existing(db, 'main', e, s)]));
      const dangling = refs
        .filter((r) => !r.target || !(ids.get(r.target)?.has(r.targetId) || live.get(r.target)?.has(r.targetId)))
        .map((r) => ({ entity: r.entity, id: r.id, reason: `${r.entity} ${r.id} (${r.column}) references ${r.targetName} ${r.targetId}, which is no longer in the live database.` }));
      if (dangling.length) throw refused(dangling.sort(byOrder), 'Records this selection depends on were deleted since the preview.', preview, 'refusals');

      const count = (e: EntityName) => db.prepare(`SELECT count(*) FROM main.${q(e)}`).pluck().get() as number;
      const before = new Map(ENTITY_ORDER.map((e) => [e, count(e)]));
      const inserted: Partial<Record<EntityName, number>> = {};
      let total = 0;
      for (const e of ENTITY_ORDER) {
        const list = lists[e];
        if (!list) continue;
        if (o.signal) throwIfAborted(o.signal);
        const cols = entity(e).columns.map((c) => q(c.name)).join(', ');
        const n = db.prepare(`INSERT INTO main.${q(e)} (${cols}) SELECT ${cols} FROM snap.${q(e)} WHERE id ${IN_IDS}`).run(idsJson(list)).changes;
        inserted[e] = n;
        total += n;
      }

      // Verify before committing: every id is there and no table grew by more or less.
      const wrong: string[] = [];
      for (const e of ENTITY_ORDER) {
        const want = lists[e]?.length ?? 0;
        if (want && existing(db, 'main', e, lists[e]!).size !== want) wrong.push(`${e}: not every restored id is present`);
        const grew = count(e) - before.get(e)!;
        if (grew !== want) wrong.push(`${e}: grew by ${grew}, expected ${want}`);
      }
      if (wrong.length) {
        // No RESTORE_FAILED code exists; INTERNAL is the documented fallback.
        throw new CustosError('INTERNAL', 'The selective restore did not verify; nothing was changed.', 'Send the console log to the engineering team.', { problems: wrong });
      }
      return { inserted, total };
    });
    return run.immediate();
  } finally {
    db.close();
  }
}

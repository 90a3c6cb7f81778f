import {
  CUSTOM_FIELD_TYPES,
  ENTITIES,
  ENTITY_ORDER,
  entity as entityDef,
  type ColumnDef,
  type ColumnType,
  type EntityDef,
  type EntityName,
} from '../schema';

/**
 * The export's lists, derived from the schema description (ARCHITECTURE.md "Data at
 * rest": one description drives the export column lists and the ID links).
 *
 * PRODUCT.md "Exports" names twelve lists for the advanced export; every row starts
 * with its element's ID and every reference is the referenced element's ID in a
 * column named for it. Polymorphic pairs (`subject_type`/`subject_id`) never reach
 * the customer as such, because a pair cannot be a foreign key:
 * - activities are SPLIT by subject type into four history lists, the id column
 *   renamed for its target (`person_id`, `company_id`, …);
 * - files are one list whose `owner_id` is EXPLODED into one reference column per
 *   target (`person_id`, `company_id`, …; exactly one is set), `owner_type` kept.
 * Custom ("additional") fields are folded into their entity's list as typed
 * columns after the standard ones.
 */

export type ExportProfile = 'advanced' | 'basic';
export type ExportFormat = 'csv' | 'xlsx';

/** How a cell is parsed and written (see export.cells.ts). */
export type ValueKind = 'id' | 'ref' | 'integer' | 'decimal' | 'number' | 'boolean' | 'date' | 'datetime' | 'text';

/** Frictionless Table Schema field types we use. */
export type TableSchemaType = 'integer' | 'number' | 'boolean' | 'date' | 'datetime' | 'string';

export type ComputedColumn = 'status' | 'archive' | 'archive_path';

export type ColumnSource =
  | { kind: 'column'; column: string }
  /** `row[idColumn]` when `row[typeColumn] === target`, else empty. */
  | { kind: 'polymorphic'; typeColumn: string; idColumn: string; target: EntityName }
  | { kind: 'custom'; fieldId: number }
  | { kind: 'computed'; key: ComputedColumn };

export interface CustomFieldInfo {
  fieldId: number;
  key: string;
  label: string;
  fieldType: string;
  /** Raw JSON text of the allowed values (select, multiselect), as the CRM stores it. */
  options: string | null;
}

export interface ExportColumn {
  name: string;
  kind: ValueKind;
  description: string;
  title?: string;
  source: ColumnSource;
  /** The list (package resource) this column points into, and the entity behind it. */
  references?: { list: string; entity: EntityName };
  enum?: readonly string[];
  personal?: boolean;
  custom?: CustomFieldInfo;
}

export interface ExportList {
  /** File and resource name: `csv/<name>.csv`, `xlsx/<name>.xlsx`. */
  name: string;
  title: string;
  description: string;
  entity: EntityName;
  /** Only rows whose column equals the value (split polymorphic tables). */
  filter?: { column: string; equals: string };
  columns: ExportColumn[];
  /** The files list: rows drive the attachment archives and gain status/archive columns. */
  attachments?: boolean;
}

/** A custom field definition as read from the tenant database (parsed at the boundary). */
export interface CustomFieldDefinition {
  id: number;
  entity: string;
  key: string;
  label: string;
  fieldType: string;
  options: string | null;
  position: number;
}

/** The twelve lists of PRODUCT.md, in its order (also the order of the package's resources). */
export const ADVANCED_LISTS = [
  'companies',
  'persons',
  'colleagues',
  'opportunities',
  'spaces',
  'tasks',
  'history_persons',
  'history_companies',
  'history_opportunities',
  'history_spaces',
  'opportunity_lines',
  'files',
] as const;

/** The basic export: the customer's own list export (PRODUCT.md "Exports"), one workbook, one sheet each. */
export const BASIC_LISTS = ['persons', 'companies', 'colleagues', 'opportunities'] as const;

/** Polymorphic tables exported as one list per target; the value is the list-name prefix. */
const SPLIT_BY_TYPE: Partial<Record<EntityName, { prefix: string; title: string }>> = {
  activities: { prefix: 'history', title: 'History of' },
};

/** Singular nouns for reference column names (`person_id`). */
const SINGULAR: Partial<Record<EntityName, string>> = {
  colleagues: 'colleague',
  companies: 'company',
  persons: 'person',
  spaces: 'space',
  opportunities: 'opportunity',
  tasks: 'task',
  activities: 'activity',
  opportunity_lines: 'opportunity_line',
  files: 'file',
};

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1).replace(/_/g, ' ');
}

export function singular(e: EntityName): string {
  const s = SINGULAR[e];
  if (s === undefined) throw new Error(`no singular noun for entity ${e}: add it to SINGULAR in export.lists.ts`);
  return s;
}

/**
 * How every entity of the schema reaches the export. Typed over EntityName so that a
 * new entity fails the type check until it is covered; the coverage test checks the
 * runtime ENTITIES too (issue 4: "if the schema description has an entity the export
 * does not cover, a test fails").
 */
export const ENTITY_COVERAGE: {
  readonly [E in EntityName]: { readonly lists: readonly string[] } | { readonly foldedInto: 'custom-field-columns'; readonly why: string };
} = {
  colleagues: { lists: ['colleagues'] },
  companies: { lists: ['companies'] },
  persons: { lists: ['persons'] },
  spaces: { lists: ['spaces'] },
  opportunities: { lists: ['opportunities'] },
  tasks: { lists: ['tasks'] },
  activities: { lists: ['history_persons', 'history_companies', 'history_opportunities', 'history_spaces'] },
  opportunity_lines: { lists: ['opportunity_lines'] },
  files: { lists: ['files'] },
  custom_field_definitions: {
    foldedInto: 'custom-field-columns',
    why: 'Each definition becomes one typed column (cf_<key>) of its entity’s list; its label, type and options are in datapackage.json.',
  },
  custom_field_values: {
    foldedInto: 'custom-field-columns',
    why: 'Each value is the cell of its record’s row in the cf_<key> column of its field.',
  },
};

const KIND_OF: Record<ColumnType, ValueKind> = {
  id: 'id',
  ref: 'ref',
  text: 'text',
  integer: 'integer',
  decimal: 'decimal',
  boolean: 'boolean',
  datetime: 'datetime',
  date: 'date',
};

export function tableSchemaType(kind: ValueKind): TableSchemaType {
  switch (kind) {
    case 'id':
    case 'ref':
    case 'integer':
      return 'integer';
    case 'decimal':
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'date':
      return 'date';
    case 'datetime':
      return 'datetime';
    case 'text':
      return 'string';
  }
}

/** Value kind of a custom field, from its `field_type`; unknown types stay text (never dropped). */
export function customFieldKind(fieldType: string): ValueKind {
  switch (fieldType) {
    case 'number':
    case 'money':
      return 'number';
    case 'date':
      return 'date';
    case 'datetime':
      return 'datetime';
    case 'boolean':
      return 'boolean';
    default:
      return 'text'; // text, long_text, select, multiselect (JSON array text), url, email, phone, and anything newer
  }
}

export function isKnownCustomFieldType(t: string): boolean {
  return (CUSTOM_FIELD_TYPES as readonly string[]).includes(t);
}

const SAFE_KEY = /^[a-z][a-z0-9_]{0,59}$/;

/** The single list an entity is exported as, or null (split or folded entities). */
function primaryListOf(e: EntityName): string | null {
  const cov = ENTITY_COVERAGE[e];
  if (!('lists' in cov)) return null;
  return SPLIT_BY_TYPE[e] ? null : (cov.lists[0] ?? null);
}

function refTo(target: EntityName, included: ReadonlySet<string>): ExportColumn['references'] {
  const list = primaryListOf(target);
  return list !== null && included.has(list) ? { list, entity: target } : undefined;
}

function standardColumn(c: ColumnDef, included: ReadonlySet<string>): ExportColumn {
  const col: ExportColumn = { name: c.name, kind: KIND_OF[c.type], description: c.description, source: { kind: 'column', column: c.name } };
  if (c.type === 'ref' && c.references) {
    const r = refTo(c.references, included);
    if (r) col.references = r;
    else col.description = `${c.description} (The ${c.references} list is not part of this export.)`;
  }
  if (c.enum) col.enum = c.enum;
  if (c.personal) col.personal = true;
  return col;
}

function customColumns(e: EntityDef, defs: readonly CustomFieldDefinition[], taken: Set<string>): ExportColumn[] {
  if (!e.customFields) return [];
  const mine = defs.filter((d) => d.entity === e.name).sort((a, b) => a.position - b.position || a.id - b.id);
  return mine.map((d) => {
    let name = SAFE_KEY.test(d.key) ? `cf_${d.key}` : `cf_${d.id}`;
    if (taken.has(name)) name = `${name}_${d.id}`;
    taken.add(name);
    const known = isKnownCustomFieldType(d.fieldType);
    const col: ExportColumn = {
      name,
      kind: customFieldKind(d.fieldType),
      title: d.label,
      description: `Custom field “${d.label}” (key ${JSON.stringify(d.key)}, type ${known ? d.fieldType : `${JSON.stringify(d.fieldType)}, unknown: exported as text`})${
        d.fieldType === 'multiselect' ? ', values as a JSON array' : ''
      }.`,
      source: { kind: 'custom', fieldId: d.id },
      custom: { fieldId: d.id, key: d.key, label: d.label, fieldType: d.fieldType, options: d.options },
    };
    return col;
  });
}

function deriveEntityLists(e: EntityDef, defs: readonly CustomFieldDefinition[], included: ReadonlySet<string>): ExportList[] {
  const poly = e.polymorphic;
  const split = SPLIT_BY_TYPE[e.name];
  if (poly && split) {
    return poly.targets.map((target) => {
      const name = `${split.prefix}_${target}`;
      const refName = `${singular(target)}_id`;
      const columns: ExportColumn[] = [];
      for (const c of e.columns) {
        if (c.name === poly.typeColumn) continue; // implied by the list
        if (c.name === poly.idColumn) {
          const col: ExportColumn = {
            name: refName,
            kind: 'ref',
            description: `${capital(singular(target))} the entry belongs to (${c.name} in the CRM).`,
            source: { kind: 'column', column: c.name },
          };
          const r = refTo(target, included);
          if (r) col.references = r;
          columns.push(col);
          continue;
        }
        columns.push(standardColumn(c, included));
      }
      const taken = new Set(columns.map((c) => c.name));
      columns.push(...customColumns(e, defs, taken));
      return {
        name,
        title: `${split.title} ${entityDef(target).label.toLowerCase()}`,
        description: `${e.description} Only entries of ${target}.`,
        entity: e.name,
        filter: { column: poly.typeColumn, equals: target },
        columns,
      };
    });
  }
  const columns: ExportColumn[] = [];
  for (const c of e.columns) {
    if (poly && c.name === poly.idColumn) {
      const existing = new Set(e.columns.map((x) => x.name));
      for (const target of poly.targets) {
        let name = `${singular(target)}_id`;
        if (existing.has(name)) name = `${poly.idColumn.replace(/_id$/, '')}_${singular(target)}_id`;
        const col: ExportColumn = {
          name,
          kind: 'ref',
          description: `${capital(singular(target))} this ${singular(e.name).replace(/_/g, ' ')} belongs to, when ${poly.typeColumn} is ${target} (${poly.idColumn} in the CRM).`,
          source: { kind: 'polymorphic', typeColumn: poly.typeColumn, idColumn: poly.idColumn, target },
        };
        const r = refTo(target, included);
        if (r) col.references = r;
        columns.push(col);
      }
      continue;
    }
    columns.push(standardColumn(c, included));
  }
  const taken = new Set(columns.map((c) => c.name));
  columns.push(...customColumns(e, defs, taken));
  const list: ExportList = { name: e.name, title: e.label, description: e.description, entity: e.name, columns };
  if (e.name === 'files') {
    list.attachments = true;
    list.columns.push(
      {
        name: 'status',
        kind: 'text',
        enum: ['ok', 'missing', 'mismatch', 'refused'],
        description:
          'ok: the file is in the archive named in `archive`; missing: its bytes were not in storage; mismatch: the stored bytes differ from the recorded size or SHA-256 (not archived); refused: its storage key lies outside this tenant’s area (not read).',
        source: { kind: 'computed', key: 'status' },
      },
      { name: 'archive', kind: 'text', description: 'Archive volume holding the file, e.g. attachments/attachments-001.tar.gz.', source: { kind: 'computed', key: 'archive' } },
      { name: 'archive_path', kind: 'text', description: 'Path of the file inside that archive: files/<file id>/<safe name>.', source: { kind: 'computed', key: 'archive_path' } },
    );
  }
  return [list];
}

/**
 * The lists of a profile, in the package's order, with the tenant's custom fields as
 * extra columns. Custom field definitions come from the tenant database.
 */
export function deriveLists(profile: ExportProfile, customFields: readonly CustomFieldDefinition[] = []): ExportList[] {
  const wanted: readonly string[] = profile === 'advanced' ? ADVANCED_LISTS : BASIC_LISTS;
  const included = new Set(wanted);
  const all = new Map<string, ExportList>();
  for (const e of ENTITIES) {
    if (!('lists' in ENTITY_COVERAGE[e.name])) continue;
    for (const l of deriveEntityLists(e, customFields, included)) all.set(l.name, l);
  }
  return wanted.map((name) => {
    const l = all.get(name);
    if (!l) throw new Error(`list ${name} is not derived from the schema description`);
    return l;
  });
}

/**
 * Entities in the order their lists are written, and the entities whose IDs must be
 * collected in a pre-pass. `dependencies`: every referenced entity before the lists
 * that reference it (ties keep the schema's order), so dangling references are found
 * while streaming, with a pre-pass only for cycles and self-references. `as-listed`:
 * the lists' own order (one workbook whose sheets follow the profile), with a
 * pre-pass for every entity referenced before it is written.
 */
export function writeOrder(lists: readonly ExportList[], mode: 'dependencies' | 'as-listed' = 'dependencies'): { entities: EntityName[]; prepass: EntityName[] } {
  const deps = new Map<EntityName, Set<EntityName>>();
  for (const l of lists) {
    if (!deps.has(l.entity)) deps.set(l.entity, new Set());
    for (const c of l.columns) if (c.references) deps.get(l.entity)?.add(c.references.entity);
  }
  const listed = [...deps.keys()];
  let entities: EntityName[];
  if (mode === 'as-listed') {
    entities = listed;
  } else {
    const pending = [...listed].sort((a, b) => ENTITY_ORDER.indexOf(a) - ENTITY_ORDER.indexOf(b));
    entities = [];
    while (pending.length) {
      const i = pending.findIndex((e) => [...(deps.get(e) ?? [])].every((d) => d === e || entities.includes(d) || !listed.includes(d)));
      entities.push(...pending.splice(i < 0 ? 0 : i, 1)); // i < 0: a cycle, broken by the pre-pass below
    }
  }
  const prepass: EntityName[] = [];
  entities.forEach((e, pos) => {
    for (const d of deps.get(e) ?? []) {
      const at = entities.indexOf(d);
      if (at >= pos && !prepass.includes(d)) prepass.push(d);
    }
  });
  return { entities, prepass };
}

/** Entities whose ID sets the export must keep to check references. */
export function referencedEntities(lists: readonly ExportList[]): Set<EntityName> {
  const s = new Set<EntityName>();
  for (const l of lists) for (const c of l.columns) if (c.references) s.add(c.references.entity);
  return s;
}

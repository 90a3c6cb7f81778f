import { describe, expect, it } from 'vitest';
import { ENTITIES, type EntityName } from '../schema';
import {
  ADVANCED_LISTS,
  BASIC_LISTS,
  ENTITY_COVERAGE,
  deriveLists,
  singular,
  writeOrder,
  type CustomFieldDefinition,
  type ExportList,
} from './export.lists';

const defs: CustomFieldDefinition[] = [
  { id: 1, entity: 'persons', key: 'vip', label: 'VIP', fieldType: 'boolean', options: null, position: 2 },
  { id: 2, entity: 'persons', key: 'score', label: 'Score', fieldType: 'number', options: null, position: 1 },
  { id: 3, entity: 'persons', key: 'Lead Source!', label: 'Lead source', fieldType: 'text', options: null, position: 3 },
  { id: 4, entity: 'companies', key: 'founded', label: 'Founded', fieldType: 'date', options: null, position: 1 },
  { id: 5, entity: 'companies', key: 'stars', label: 'Stars', fieldType: 'rating-v2', options: null, position: 2 },
  { id: 6, entity: 'opportunities', key: 'signed', label: 'Signed', fieldType: 'datetime', options: null, position: 1 },
  { id: 7, entity: 'spaces', key: 'tags', label: 'Tags', fieldType: 'multiselect', options: '["a"]', position: 1 },
  { id: 8, entity: 'persons', key: 'id', label: 'Shadow', fieldType: 'text', options: null, position: 4 },
];

function byName(lists: ExportList[], name: string): ExportList {
  const l = lists.find((x) => x.name === name);
  if (!l) throw new Error(`no list ${name}`);
  return l;
}

describe('export coverage of the schema description (issue 4: an uncovered entity fails a test)', () => {
  it('covers every entity of ENTITIES, as lists or explicitly folded', () => {
    const lists = deriveLists('advanced', defs);
    for (const e of ENTITIES) {
      const cov = ENTITY_COVERAGE[e.name];
      expect(cov, `entity ${e.name} has no export coverage`).toBeDefined();
      if ('lists' in cov) {
        expect(cov.lists.length).toBeGreaterThan(0);
        for (const name of cov.lists) expect(byName(lists, name).entity).toBe(e.name);
      } else {
        expect(cov.foldedInto).toBe('custom-field-columns');
        expect(cov.why.length).toBeGreaterThan(20);
      }
    }
    // And nothing covered that the schema does not have.
    expect(Object.keys(ENTITY_COVERAGE).sort()).toEqual(ENTITIES.map((e) => e.name).sort());
  });

  it('exports every column of every listed entity (renamed or exploded polymorphic pairs included)', () => {
    const lists = deriveLists('advanced', defs);
    for (const e of ENTITIES) {
      const cov = ENTITY_COVERAGE[e.name];
      if (!('lists' in cov)) continue;
      for (const name of cov.lists) {
        const l = byName(lists, name);
        const used = new Set<string>();
        for (const c of l.columns) {
          if (c.source.kind === 'column') used.add(c.source.column);
          if (c.source.kind === 'polymorphic') {
            used.add(c.source.idColumn);
            used.add(c.source.typeColumn);
          }
        }
        if (l.filter) used.add(l.filter.column);
        for (const c of e.columns) expect(used.has(c.name), `${name} leaves out ${e.name}.${c.name}`).toBe(true);
      }
    }
  });

  it('has the twelve lists of PRODUCT.md in its order, the basic profile the four of the customer’s own export', () => {
    expect(deriveLists('advanced').map((l) => l.name)).toEqual([...ADVANCED_LISTS]);
    expect(ADVANCED_LISTS).toHaveLength(12);
    expect(deriveLists('basic').map((l) => l.name)).toEqual([...BASIC_LISTS]);
  });
});

describe('list columns', () => {
  const lists = deriveLists('advanced', defs);

  it('starts every row with its ID; every reference column names the list it points into', () => {
    for (const l of lists) {
      expect(l.columns[0]?.name, l.name).toBe('id');
      expect(l.columns[0]?.kind).toBe('id');
      expect(new Set(l.columns.map((c) => c.name)).size, `${l.name} has duplicate column names`).toBe(l.columns.length);
      for (const c of l.columns) {
        if (c.kind !== 'ref') continue;
        expect(c.references, `${l.name}.${c.name} names no list`).toBeDefined();
        expect(c.name).toMatch(/_id$/);
        expect(c.name.replace(/_id$/, '').endsWith(singular(c.references?.entity as EntityName))).toBe(true);
        expect(ADVANCED_LISTS).toContain(c.references?.list);
      }
    }
  });

  it('splits history by subject type with the id column renamed for its target', () => {
    const expected: Record<string, string> = { history_persons: 'person_id', history_companies: 'company_id', history_opportunities: 'opportunity_id', history_spaces: 'space_id' };
    for (const [name, col] of Object.entries(expected)) {
      const l = byName(lists, name);
      expect(l.entity).toBe('activities');
      expect(l.filter?.column).toBe('subject_type');
      expect(l.columns.map((c) => c.name)).not.toContain('subject_type');
      expect(l.columns.map((c) => c.name)).not.toContain('subject_id');
      expect(l.columns[1]).toMatchObject({ name: col, kind: 'ref', source: { kind: 'column', column: 'subject_id' } });
    }
  });

  it('explodes the files owner into one reference column per target and adds status, archive and archive_path', () => {
    const files = byName(lists, 'files');
    const names = files.columns.map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['owner_type', 'person_id', 'company_id', 'opportunity_id', 'space_id']));
    expect(names).not.toContain('owner_id');
    expect(names.slice(-3)).toEqual(['status', 'archive', 'archive_path']);
    expect(files.attachments).toBe(true);
  });

  it('adds custom fields after the standard columns, one typed column each, in display order', () => {
    const persons = byName(lists, 'persons');
    const custom = persons.columns.filter((c) => c.custom);
    const firstCustom = persons.columns.findIndex((c) => c.custom);
    expect(persons.columns.slice(firstCustom).every((c) => c.custom)).toBe(true);
    expect(custom.map((c) => [c.name, c.kind])).toEqual([
      ['cf_score', 'number'],
      ['cf_vip', 'boolean'],
      ['cf_3', 'text'], // key not usable as a column name: the field ID instead
      ['cf_id', 'text'],
    ]);
    expect(custom[0]?.title).toBe('Score');
    expect(byName(lists, 'companies').columns.filter((c) => c.custom).map((c) => [c.name, c.kind])).toEqual([
      ['cf_founded', 'date'],
      ['cf_stars', 'text'], // unknown type: text, never dropped
    ]);
    expect(byName(lists, 'opportunities').columns.at(-1)).toMatchObject({ name: 'cf_signed', kind: 'datetime' });
    expect(byName(lists, 'spaces').columns.at(-1)).toMatchObject({ name: 'cf_tags', kind: 'text' });
    // Entities without custom fields get none, even if a definition names them.
    expect(byName(lists, 'tasks').columns.some((c) => c.custom)).toBe(false);
  });

  it('drops foreign keys into lists the basic profile leaves out, keeping the column', () => {
    const basic = deriveLists('basic', defs);
    const opp = byName(basic, 'opportunities');
    const space = opp.columns.find((c) => c.name === 'space_id');
    expect(space?.references).toBeUndefined();
    expect(space?.description).toMatch(/not part of this export/);
    expect(opp.columns.find((c) => c.name === 'company_id')?.references).toEqual({ list: 'companies', entity: 'companies' });
  });
});

describe('writeOrder', () => {
  it('writes referenced entities first for the advanced profile, with no pre-pass', () => {
    const { entities, prepass } = writeOrder(deriveLists('advanced'));
    const pos = (e: EntityName): number => entities.indexOf(e);
    expect(pos('colleagues')).toBeLessThan(pos('companies'));
    expect(pos('companies')).toBeLessThan(pos('persons'));
    expect(pos('persons')).toBeLessThan(pos('activities'));
    expect(pos('spaces')).toBeLessThan(pos('opportunities'));
    expect(pos('opportunities')).toBeLessThan(pos('files'));
    expect(prepass).toEqual([]);
  });

  it('keeps the basic profile’s sheet order and pre-collects the IDs it needs', () => {
    const { entities, prepass } = writeOrder(deriveLists('basic'), 'as-listed');
    expect(entities).toEqual(['persons', 'companies', 'colleagues', 'opportunities']);
    expect(prepass.sort()).toEqual(['colleagues', 'companies']);
  });
});

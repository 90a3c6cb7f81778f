import { describe, expect, it } from 'vitest';
import { HOSTILE_COMPANY_NAMES, HOSTILE_FILE_NAMES, HOSTILE_NOTES, LONG_NOTE } from '../../demo';
import { COPY_NULL, CopyLineSplitter, copyTextField, parseCopyTextField } from './copy-text';
import { assertDatabaseName, databaseNameProblem, quoteDatabaseName, tenantDatabaseName } from './database-name';

describe('COPY text fields', () => {
  it.each([
    ['plain', 'plain'],
    ['a\tb', 'a\\tb'],
    ['line\nbreak', 'line\\nbreak'],
    ['cr\r', 'cr\\r'],
    ['back\\slash', 'back\\\\slash'],
    ['\\N', '\\\\N'], // the text "\N" is not NULL
    ['\\.', '\\\\.'], // nor the end-of-data marker
    ['', ''],
  ])('%j ↔ %j', (value, field) => {
    expect(copyTextField(value)).toBe(field);
    expect(parseCopyTextField(field)).toBe(value);
  });

  it('NULL is \\N', () => {
    expect(parseCopyTextField(COPY_NULL)).toBeNull();
  });

  it('reads the escapes PostgreSQL may write, and any other escaped character as itself', () => {
    expect(parseCopyTextField('\\b\\f\\v\\a')).toBe('\b\f\va');
    expect(parseCopyTextField('\\101\\x42')).toBe('AB');
  });

  it('round-trips every hostile demo string', () => {
    const values = [...HOSTILE_COMPANY_NAMES, ...HOSTILE_FILE_NAMES.map((f) => f.name), ...HOSTILE_NOTES, LONG_NOTE, '\u{1F4CE}\uFFFE\uFFFF'];
    for (const v of values) {
      const field = copyTextField(v);
      expect(field).not.toMatch(/[\n\r\t]/);
      expect(parseCopyTextField(field)).toBe(v);
    }
  });

  it('splits lines at any chunk boundary, even inside a multi-byte character', () => {
    const rows = ['1\tZoë Müller\t\\N', '2\t📎 Vertrag\tx\\ny', '3\t\t'];
    const bytes = Buffer.from(rows.join('\n') + '\n', 'utf8');
    for (let size = 1; size <= bytes.length; size++) {
      const s = new CopyLineSplitter();
      const out: string[] = [];
      for (let i = 0; i < bytes.length; i += size) out.push(...s.push(bytes.subarray(i, i + size)));
      s.end();
      expect(out, `chunk size ${size}`).toEqual(rows);
    }
    const cut = new CopyLineSplitter();
    cut.push(Buffer.from('1\tx'));
    expect(() => cut.end()).toThrow(/middle of a row/);
  });
});

describe('tenant database names', () => {
  it('derives custos_t_000001 from t-000001', () => {
    expect(tenantDatabaseName('t-000001')).toBe('custos_t_000001');
    expect(() => tenantDatabaseName('t-1"; DROP DATABASE x; --')).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });

  it.each([
    ['custos_t_000001', null],
    ['_x', null],
    ['a'.repeat(63), null],
    ['a'.repeat(64), 'longer'],
    ['', 'empty'],
    ['Custos', 'only lower-case'],
    ['1abc', 'only lower-case'],
    ['custos-t', 'only lower-case'],
    ['x"; DROP DATABASE postgres; --', 'only lower-case'],
    ['custos_tö', 'only lower-case'],
    ['postgres', 'system'],
    ['template1', 'system'],
  ])('%j → %s', (name, problem) => {
    const p = databaseNameProblem(name);
    if (problem === null) {
      expect(p).toBeNull();
      expect(quoteDatabaseName(name)).toBe(`"${name}"`);
    } else {
      expect(p).toContain(problem);
      expect(() => assertDatabaseName(name)).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    }
  });
});

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../testing/temp-dir';
import type { Cell } from './export.cells';
import { readSheetRows, readZipDirectory, workbookSheets } from './xlsx.reader';
import { EXCEL_MAX_CELL_CHARS, cutForExcel, safeSheetName, sheetNameProblem, XlsxWorkbookWriter, type XlsxColumn } from './xlsx.writer';

const execFileP = promisify(execFile);

const columns: XlsxColumn[] = [
  { name: 'id', kind: 'id' },
  { name: 'name', kind: 'text' },
  { name: 'amount', kind: 'decimal' },
  { name: 'active', kind: 'boolean' },
  { name: 'born_on', kind: 'date' },
  { name: 'seen_at', kind: 'datetime' },
  { name: 'company_id', kind: 'ref' },
];

let tmp: { dir: string; remove: () => void };
let seq = 0;
beforeEach(() => {
  tmp = tempDir('custos-xlsx-');
});
afterEach(() => tmp.remove());

async function write(rows: Cell[][], options: { rowLimit?: number; zip64Threshold?: number } = {}): Promise<{ file: string; sheets: string[]; cut: number }> {
  const file = path.join(tmp.dir, `list-${++seq}.xlsx`);
  const book = new XlsxWorkbookWriter(file, 'xlsx/list.xlsx', { mtime: new Date('2025-06-30T12:00:00Z'), cutMarker: (n) => ` […cut: ${n}]`, ...options });
  const g = book.beginSheetGroup('persons', columns);
  for (const r of rows) await g.writeRowAsync(r);
  const res = await g.close();
  await book.close();
  return { file, sheets: res.sheets, cut: [...res.cutCells.values()].reduce((a, t) => a + t.count, 0) };
}

describe('XLSX writer, read back with exceljs', () => {
  it('writes typed cells: numbers, booleans, dates as UTC wall-clock serials, text; big IDs as text', async () => {
    const { file } = await write([
      [1, 'Zoë "Quote" <b>&', '1234.50', true, '1990-02-28', '2025-06-30T14:05:00.000Z', 7],
      [1_234_567_890_123_456, '=HYPERLINK("http://evil")', '12345678901234567890.12', false, null, '1899-12-31T00:00:00.000Z', '0042'],
      [3, ' lead and trail \n', '-0.5', null, 'not a date', 'not a time', null],
      [4, 'literal _x0041_ stays', null, null, null, null, null],
    ]);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    const ws = wb.getWorksheet('persons');
    expect(ws).toBeDefined();
    if (!ws) return;
    expect(ws.getRow(1).values).toEqual([undefined, ...columns.map((c) => c.name)]);
    expect(ws.getRow(1).getCell(1).font?.bold).toBe(true);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    const r2 = ws.getRow(2);
    expect(r2.getCell(1).value).toBe(1);
    expect(r2.getCell(2).value).toBe('Zoë "Quote" <b>&');
    expect(r2.getCell(3).value).toBe(1234.5);
    expect(r2.getCell(4).value).toBe(true);
    expect(r2.getCell(5).value).toEqual(new Date('1990-02-28T00:00:00.000Z'));
    expect(r2.getCell(6).value).toEqual(new Date('2025-06-30T14:05:00.000Z'));
    expect(r2.getCell(6).numFmt).toBe('yyyy-mm-dd hh:mm:ss');
    const r3 = ws.getRow(3);
    expect(r3.getCell(1).value).toBe('1234567890123456'); // over 15 digits: text, not rounded
    expect(r3.getCell(2).value).toBe('=HYPERLINK("http://evil")'); // a string cell, never a formula
    expect(r3.getCell(2).formula).toBeUndefined();
    expect(r3.getCell(3).value).toBe('12345678901234567890.12');
    expect(r3.getCell(4).value).toBe(false);
    expect(r3.getCell(6).value).toBe('1899-12-31T00:00:00.000Z'); // before Excel's calendar: text
    expect(r3.getCell(7).value).toBe('0042');
    const r4 = ws.getRow(4);
    expect(r4.getCell(2).value).toBe(' lead and trail \n');
    expect(r4.getCell(3).value).toBe(-0.5);
    expect(r4.getCell(5).value).toBe('not a date');
    // exceljs does not decode SpreadsheetML's _xHHHH_ escapes; Excel does, and shows "_x0041_".
    expect(ws.getRow(5).getCell(2).value).toBe('literal _x005F_x0041_ stays');
  });

  it('cuts text over 32,767 UTF-16 units without splitting a surrogate pair, and counts it', async () => {
    const marker = ' […cut: 40000]';
    const atPair = '😀'.repeat(20_000); // every even index starts a pair
    const { file, cut } = await write([
      [1, 'x'.repeat(40_000), null, null, null, null, null],
      [2, atPair, null, null, null, null, null],
    ]);
    expect(cut).toBe(2);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    const ws = wb.getWorksheet('persons');
    const a = String(ws?.getRow(2).getCell(2).value);
    const b = String(ws?.getRow(3).getCell(2).value);
    expect(a.length).toBe(EXCEL_MAX_CELL_CHARS);
    expect(a.endsWith(marker)).toBe(true);
    expect(b.length).toBeLessThanOrEqual(EXCEL_MAX_CELL_CHARS);
    expect(b.endsWith(marker)).toBe(true);
    const body = b.slice(0, -marker.length);
    expect(body.length % 2).toBe(0);
    expect(Buffer.from(body, 'utf16le').toString('utf16le')).toBe(body);
    expect(/[\uD800-\uDBFF]$/.test(body)).toBe(false);
    expect(cutForExcel('a'.repeat(32_770), '!').length).toBe(EXCEL_MAX_CELL_CHARS);
  });

  it('continues on further sheets past the row limit, with the header on each, and no empty extra sheet', async () => {
    const rows = Array.from({ length: 10 }, (_, i) => [i + 1, `p${i + 1}`, null, null, null, null, null] as Cell[]);
    const { file, sheets } = await write(rows, { rowLimit: 4 });
    expect(sheets).toEqual(['persons', 'persons (2)', 'persons (3)']);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    expect(wb.worksheets.map((w) => [w.name, w.rowCount])).toEqual([
      ['persons', 5],
      ['persons (2)', 5],
      ['persons (3)', 3],
    ]);
    for (const w of wb.worksheets) expect(w.getRow(1).getCell(1).value).toBe('id');
    expect(wb.worksheets[2]?.getRow(3).getCell(1).value).toBe(10);
    const exact = await write(rows.slice(0, 8), { rowLimit: 4 });
    expect(exact.sheets).toEqual(['persons', 'persons (2)']);
  });

  it('reads back with its own fast reader the same cells', async () => {
    const { file } = await write([
      [1, 'a & b', '1.5', true, '2024-02-29', '2025-06-30T14:05:00.000Z', null],
      [2, '_x0041_\r\n', null, false, null, null, 5],
    ]);
    const dir = await readZipDirectory(file);
    const [sheet] = await workbookSheets(file, dir);
    const rows: string[][] = [];
    for await (const r of readSheetRows(file, dir.get(sheet?.entry ?? '') as never)) rows.push(r.cells);
    expect(rows[0]).toEqual(columns.map((c) => c.name));
    expect(rows[1]?.slice(0, 4)).toEqual(['1', 'a & b', '1.5', 'true']);
    expect(rows[2]).toEqual(['2', '_x0041_\r\n', '', 'false', '', '', '5']);
  });

  it('writes ZIP64 records that exceljs, unzip and Python read', async () => {
    const { file } = await write([[1, 'zip64', null, null, null, null, null]], { zip64Threshold: 0 });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    expect(wb.getWorksheet('persons')?.getRow(2).getCell(2).value).toBe('zip64');
    const t = await execFileP('unzip', ['-t', file]);
    expect(t.stdout).toMatch(/No errors detected/);
    const py = await execFileP('python3', ['-c', 'import sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); print(z.testzip(), len(z.namelist()))', file]);
    expect(py.stdout.trim()).toBe('None 8');
    expect((await readZipDirectory(file)).size).toBe(8);
  });
});

describe('sheet names (EXPORT.md: exceljs validates none of them)', () => {
  it.each([
    ['persons', null],
    ['x'.repeat(32), 'is longer than 31 characters'],
    ['a/b', 'contains one of : \\ / ? * [ ] (or a full-width form)'],
    ['a［b', 'contains one of : \\ / ? * [ ] (or a full-width form)'],
    ["'quoted", 'starts or ends with an apostrophe'],
    ['History', 'is "History", which Excel reserves'],
    ['', 'is empty'],
  ])('%j', (name, problem) => {
    expect(sheetNameProblem(name)).toBe(problem);
  });
  it('compares names ignoring case and makes unique safe ones', () => {
    expect(sheetNameProblem('Persons', ['persons'])).toMatch(/already used/);
    expect(safeSheetName('persons', ['PERSONS'])).toBe('persons (2)');
    expect(safeSheetName('a:b/c', [])).toBe('a_b_c');
    expect(safeSheetName('history', [])).toBe('history_');
    expect(safeSheetName('h'.repeat(40), ['h'.repeat(31)])).toBe(`${'h'.repeat(27)} (2)`);
  });
});

import { describe, expect, it } from 'vitest';
import { HOSTILE_FILE_NAMES } from '../demo/hostile-cases';
import { archivePath, MAX_NAME_BYTES, NameAllocator, safeFileName } from './safe-name';

describe('safeFileName (EXPORT.md "Traps": sanitise names yourself)', () => {
  it.each([
    ['../x', '.._x'],
    ['../../etc/passwd', '.._.._etc_passwd'],
    ['/etc/passwd', '_etc_passwd'],
    ['a/../../../escape.txt', 'a_.._.._.._escape.txt'],
    ['..\\..\\Windows\\SAM', '.._.._Windows_SAM'],
    ['C:\\Users\\invoice.pdf', 'C__Users_invoice.pdf'],
    ['report\u0000.pdf.exe', 'report_.pdf.exe'],
    ['line\nbreak\tbell\u0007.txt', 'line_break_bell_.txt'],
    ['a:b*c?d"e<f>g|h.txt', 'a_b_c_d_e_f_g_h.txt'],
    ['invoice\u202Efdp.exe', 'invoice_fdp.exe'],
    ['CON.txt', '_CON.txt'],
    ['aux', '_aux'],
    ['com1.log', '_com1.log'],
    ['LPT9.csv', '_LPT9.csv'],
    ['CONSOLE.txt', 'CONSOLE.txt'],
    ['invoice.pdf...', 'invoice.pdf'],
    ['notes.txt   ', 'notes.txt'],
    ['..', 'file'],
    ['.', 'file'],
    ['', 'file'],
    ['.htaccess', '.htaccess'],
    ['lone \uD800 surrogate.txt', 'lone _ surrogate.txt'],
    ['Cafe\u0301.pdf', 'Café.pdf'],
  ])('%j → %j', (input, expected) => {
    expect(safeFileName(input)).toBe(expected);
  });

  it('caps long names at ~120 UTF-8 bytes, keeping the extension and whole characters', () => {
    const name = 'Årsredovisning för räkenskapsåret — bilaga 😀 '.repeat(10) + '.pdf';
    const safe = safeFileName(name);
    expect(Buffer.byteLength(safe)).toBeLessThanOrEqual(MAX_NAME_BYTES);
    expect(safe.endsWith('.pdf')).toBe(true);
    expect(safe).not.toMatch(/\uFFFD/);
    expect(Buffer.from(safe, 'utf8').toString('utf8')).toBe(safe);
    expect(safeFileName('x'.repeat(300))).toBe('x'.repeat(MAX_NAME_BYTES));
  });

  it('makes every demo hostile name safe', () => {
    for (const { name } of HOSTILE_FILE_NAMES) {
      const safe = safeFileName(name);
      expect(safe.length).toBeGreaterThan(0);
      expect(Buffer.byteLength(safe)).toBeLessThanOrEqual(MAX_NAME_BYTES);
      // eslint-disable-next-line no-control-regex
      expect(safe).not.toMatch(/[/\\:*?"<>|\u0000-\u001f]/);
      expect(safe).not.toMatch(/[. ]$/);
      expect(safe).not.toBe('..');
      expect(safe.normalize('NFC')).toBe(safe);
    }
  });

  it('numbers duplicates within one folder, ignoring case', () => {
    const a = new NameAllocator();
    expect(['contract.pdf', 'contract.pdf', 'Contract.PDF', 'other.pdf'].map((n) => a.allocate(n))).toEqual(['contract.pdf', 'contract (2).pdf', 'Contract (3).PDF', 'other.pdf']);
    const long = new NameAllocator(20);
    expect(Buffer.byteLength(long.allocate('x'.repeat(16) + '.pdf'))).toBe(20);
    expect(long.allocate('x'.repeat(16) + '.pdf')).toBe(`${'x'.repeat(12)} (2).pdf`);
  });

  it('keeps every entry under files/<file id>/', () => {
    expect(archivePath(42, 'a.pdf')).toBe('files/42/a.pdf');
    expect(archivePath('../1', 'a.pdf')).toBe('files/___1/a.pdf');
  });
});

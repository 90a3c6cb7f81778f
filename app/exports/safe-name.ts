/**
 * File names made safe for the archive (EXPORT.md "Traps": node-tar writes `../evil`
 * and absolute paths unchanged, a NUL truncates the name, backslashes stay literal).
 * A customer's original name is kept as far as it is safe on Windows, macOS and Linux:
 *
 * - NFC (macOS hands out NFD; the same name must look the same everywhere);
 * - `/ \ : * ? " < > |`, control characters (C0, DEL, C1) and the bidirectional
 *   overrides that can disguise an extension (`invoice‮fdp.exe`) become `_`;
 * - lone surrogates become `_` (they cannot be encoded);
 * - trailing dots and spaces trimmed (Windows drops them silently), so `..` is gone;
 * - Windows device names (CON, PRN, AUX, NUL, COM1…, LPT1…, with any extension) get a
 *   leading `_`;
 * - at most ~120 UTF-8 bytes, keeping the extension, never splitting a character;
 * - an empty result becomes `file`.
 * Duplicates within one folder are numbered by {@link NameAllocator}. The archive path
 * is always `files/<file-id>/<safe name>`, so nothing can climb out of it.
 */
export const MAX_NAME_BYTES = 120;

// eslint-disable-next-line no-control-regex
const UNSAFE = /[/\\:*?"<>|\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufffd]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const DEVICE = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\s*\..*)?$/i;
const MAX_EXT_BYTES = 16;

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

function bytes(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** The longest prefix of `s` (whole graphemes) within `max` UTF-8 bytes. */
function cutBytes(s: string, max: number): string {
  if (bytes(s) <= max) return s;
  let out = '';
  let used = 0;
  for (const { segment } of segmenter.segment(s)) {
    const b = bytes(segment);
    if (used + b > max) break;
    out += segment;
    used += b;
  }
  return out;
}

function trimEnd(s: string): string {
  return s.replace(/[. ]+$/u, '');
}

function splitExt(name: string): { base: string; ext: string } {
  const dot = name.lastIndexOf('.');
  if (dot <= 0 || dot === name.length - 1) return { base: name, ext: '' };
  const ext = name.slice(dot);
  if (bytes(ext) > MAX_EXT_BYTES || /\s/.test(ext)) return { base: name, ext: '' };
  return { base: name.slice(0, dot), ext };
}

function capped(name: string, maxBytes: number): string {
  if (bytes(name) <= maxBytes) return name;
  const { base, ext } = splitExt(name);
  const kept = trimEnd(cutBytes(base, Math.max(1, maxBytes - bytes(ext))));
  return (kept === '' ? 'file' : kept) + ext;
}

export function safeFileName(original: unknown, maxBytes = MAX_NAME_BYTES): string {
  let name = typeof original === 'string' ? original : original === null || original === undefined ? '' : String(original);
  // Lone surrogates cannot be written as UTF-8; controls (NUL first) would cut or bend the name.
  name = name.replace(LONE_SURROGATE, '_').replace(UNSAFE, '_').normalize('NFC').replace(UNSAFE, '_');
  name = trimEnd(name.trim());
  if (name === '') name = 'file';
  if (DEVICE.test(name)) name = `_${name}`;
  name = capped(name, maxBytes);
  name = trimEnd(name);
  if (name === '') name = 'file';
  return name;
}

/**
 * Unique names within one folder, compared the way case-insensitive file systems
 * (Windows, macOS) compare them: `Report.pdf`, `report.pdf` → `report (2).pdf`.
 */
export class NameAllocator {
  private readonly taken = new Set<string>();

  constructor(private readonly maxBytes = MAX_NAME_BYTES) {}

  allocate(safeName: string): string {
    let candidate = safeName;
    const { base, ext } = splitExt(safeName);
    for (let i = 2; this.taken.has(candidate.toLowerCase()); i++) {
      const suffix = ` (${i})`;
      candidate = trimEnd(cutBytes(base, this.maxBytes - bytes(ext) - bytes(suffix))) + suffix + ext;
    }
    this.taken.add(candidate.toLowerCase());
    return candidate;
  }
}

/** The archive path of an attachment: always under `files/<file-id>/`. */
export function archivePath(fileId: number | string, safeName: string): string {
  const id = String(fileId).replace(/[^0-9A-Za-z_-]/g, '_') || '_';
  return `files/${id}/${safeName}`;
}

import { Prng, prngBytes } from './prng';
import { NOTE_LINES, TOPICS } from './word-lists';

/**
 * Attachment bodies for the demo fleet: deterministic bytes of an exact size.
 * Binary kinds are a recognisable header followed by keystream bytes (they do not
 * compress, like real photos and PDFs); text kinds are generated text and CSV, so
 * that gzip in the export archives has something to do.
 */

export interface AttachmentKind {
  ext: string;
  mime: string;
  text: boolean;
  weight: number;
}

export const ATTACHMENT_KINDS: readonly AttachmentKind[] = [
  { ext: 'pdf', mime: 'application/pdf', text: false, weight: 25 },
  { ext: 'jpg', mime: 'image/jpeg', text: false, weight: 15 },
  { ext: 'png', mime: 'image/png', text: false, weight: 10 },
  { ext: 'docx', mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', text: false, weight: 10 },
  { ext: 'xlsx', mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', text: false, weight: 8 },
  { ext: 'csv', mime: 'text/csv', text: true, weight: 10 },
  { ext: 'txt', mime: 'text/plain', text: true, weight: 10 },
  { ext: 'eml', mime: 'message/rfc822', text: true, weight: 5 },
  { ext: 'zip', mime: 'application/zip', text: false, weight: 4 },
  { ext: 'md', mime: 'text/markdown', text: true, weight: 3 },
];

const HEADERS: Record<string, [Buffer, Buffer]> = {
  pdf: [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1'), Buffer.from('\n%%EOF\n', 'latin1')],
  jpg: [Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]), Buffer.from([0xff, 0xd9])],
  png: [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(0)],
  docx: [Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(0)],
  xlsx: [Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(0)],
  zip: [Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(0)],
};

/** Bytes of one attachment: a pure function of (seed, tenant index, file id, ext, size). */
export function attachmentBody(seed: number, tenantIndex: number, fileId: number, ext: string, size: number): Buffer {
  const kind = ATTACHMENT_KINDS.find((k) => k.ext === ext);
  if (kind?.text) return textBody(Prng.derive(seed, 'tenant', tenantIndex, 'file-text', fileId), ext, size);
  const body = prngBytes(size, seed, 'tenant', tenantIndex, 'file-bytes', fileId);
  const frame = HEADERS[ext];
  if (frame && size >= frame[0].length + frame[1].length) {
    frame[0].copy(body, 0);
    frame[1].copy(body, size - frame[1].length);
  }
  return body;
}

function textBody(rng: Prng, ext: string, size: number): Buffer {
  const parts: string[] = [];
  let bytes = 0;
  const push = (s: string): void => {
    parts.push(s);
    bytes += Buffer.byteLength(s);
  };
  if (ext === 'csv') {
    push('id,date,customer,amount,currency,note\r\n');
    let id = rng.int(1000, 9000);
    while (bytes < size) {
      const day = `20${rng.int(22, 25)}-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}`;
      const note = rng.pick(NOTE_LINES).replace(/"/g, '""');
      push(`${id++},${day},"Kunde ${rng.int(1, 500)}",${rng.int(1, 99999)}.${String(rng.int(0, 99)).padStart(2, '0')},${rng.pick(['EUR', 'SEK', 'PLN', 'GBP'])},"${note}"\r\n`);
    }
  } else if (ext === 'eml') {
    push(`From: sales@vendor.example\r\nTo: contact@customer.example\r\nSubject: Re: ${rng.pick(TOPICS)}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n`);
    while (bytes < size) push(`${rng.pick(NOTE_LINES)}\r\n`);
  } else {
    if (ext === 'md') push(`# Notes on ${rng.pick(TOPICS)}\n\n`);
    while (bytes < size) push(rng.chance(0.1) ? '\n' : `${rng.pick(NOTE_LINES)}${rng.chance(0.3) ? '\n' : ' '}`);
  }
  const buf = Buffer.concat(parts.map((p) => Buffer.from(p, 'utf8')));
  const out = buf.subarray(0, size);
  // Never end on half a UTF-8 character: pad the broken tail with spaces.
  let i = out.length - 1;
  while (i > 0 && ((out[i] as number) & 0xc0) === 0x80) i--;
  if (i >= 0 && out.length > 0) {
    const lead = out[i] as number;
    const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
    if (i + need > out.length) out.fill(0x20, i);
  }
  return out;
}

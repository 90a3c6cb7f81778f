import { CustosError } from '../../shared/errors';

/**
 * Object keys and prefixes, checked the same way by every adapter (the port's
 * promise: "adapters refuse anything else with OBJECT_KEY_INVALID").
 *
 * A key is relative and '/'-separated: `tenants/t_123/files/42`. We refuse what
 * could climb out of a folder on the local adapter, collapse into another key on
 * S3 (`a//b`), or mean different things on different systems (backslashes,
 * control characters, text that is not valid Unicode).
 */

/** S3's own limit; we keep it for every adapter so a key that works locally works on S3. */
export const MAX_KEY_BYTES = 1024;

// C0 controls, DEL and C1 controls: invisible in logs and refused by some backends.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;

function refuse(what: 'key' | 'prefix', value: unknown, reason: string): never {
  throw new CustosError(
    'OBJECT_KEY_INVALID',
    `The storage ${what} was refused: ${reason}.`,
    `Object ${what}s are relative paths made of plain names separated by '/', such as "tenants/<tenant id>/files/<file id>". ` +
      'This is a bug in the caller rather than something staff can fix; report it to the engineering team with the operation that failed.',
    // The offending value is shown JSON-escaped so control characters stay visible; keys never
    // carry customer personal data (they are built from tenant and file IDs).
    { [what]: typeof value === 'string' ? JSON.stringify(value.slice(0, 200)) : typeof value },
  );
}

/** No lone surrogates: such text has no UTF-8 form, so S3 and the file system would each mangle it differently. */
function isWellFormed(value: string): boolean {
  return Buffer.from(value, 'utf8').toString('utf8') === value;
}

function checkCommon(what: 'key' | 'prefix', value: unknown): asserts value is string {
  if (typeof value !== 'string') refuse(what, value, 'it is not text');
  if (!isWellFormed(value)) refuse(what, value, 'it contains broken Unicode (a lone surrogate)');
  if (Buffer.byteLength(value, 'utf8') > MAX_KEY_BYTES) refuse(what, value, `it is longer than ${MAX_KEY_BYTES} bytes`);
  if (CONTROL_CHARS.test(value)) refuse(what, value, 'it contains a control character');
  if (value.includes('\\')) refuse(what, value, 'it contains a backslash');
  if (value.startsWith('/')) refuse(what, value, "it starts with '/'");
}

function checkSegment(what: 'key' | 'prefix', value: string, segment: string): void {
  if (segment === '') refuse(what, value, 'it has an empty path segment');
  if (segment === '.' || segment === '..') refuse(what, value, `it has a '${segment}' path segment`);
}

/** Throws OBJECT_KEY_INVALID unless `key` names one object. Returns the key for chaining. */
export function validateKey(key: unknown): string {
  checkCommon('key', key);
  if (key === '') refuse('key', key, 'it is empty');
  // A trailing '/' is refused by the empty-segment rule: such a key is a folder marker, not an object.
  for (const segment of key.split('/')) checkSegment('key', key, segment);
  return key;
}

/**
 * Throws OBJECT_KEY_INVALID unless `prefix` is a usable list prefix. A prefix is
 * either empty (everything), ends with '/' (a folder, e.g. `tenants/t_1/`), or
 * ends with the start of a name (`tenants/t_1` also matches `tenants/t_10/`, as
 * on S3). '.' and '..' segments are refused everywhere, including the last one.
 */
export function validatePrefix(prefix: unknown): string {
  checkCommon('prefix', prefix);
  if (prefix === '') return prefix;
  const segments = prefix.split('/');
  // The last element is '' when the prefix ends with '/', or a partial name.
  const last = segments.pop() as string;
  for (const segment of segments) checkSegment('prefix', prefix, segment);
  if (last === '.' || last === '..') refuse('prefix', prefix, `it has a '${last}' path segment`);
  return prefix;
}

/** Metadata names: lower-case ASCII, safe as an `x-amz-meta-*` HTTP header name on every backend. */
const METADATA_NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;
/** Metadata values: printable ASCII; S3 mangles anything else in headers. */
const METADATA_VALUE = /^[\x20-\x7e]{0,1024}$/;
/** S3 limits user metadata to 2 KB in total; keep the same budget everywhere. */
const MAX_METADATA_BYTES = 2048;

/** Throws INVALID_INPUT unless the metadata can be stored identically by every adapter. */
export function validateMetadata(metadata: Record<string, string> | undefined): void {
  if (metadata === undefined) return;
  let total = 0;
  for (const [name, value] of Object.entries(metadata)) {
    if (!METADATA_NAME.test(name) || typeof value !== 'string' || !METADATA_VALUE.test(value)) {
      throw new CustosError(
        'INVALID_INPUT',
        'Object metadata was refused: names must be lower-case letters, digits and dashes, values printable ASCII.',
        'This is a bug in the caller; report it to the engineering team with the operation that failed.',
        { name: JSON.stringify(name.slice(0, 80)) },
      );
    }
    total += name.length + value.length;
  }
  if (total > MAX_METADATA_BYTES) {
    throw new CustosError(
      'INVALID_INPUT',
      `Object metadata was refused: it is larger than ${MAX_METADATA_BYTES} bytes.`,
      'Keep metadata to a few short identifiers; put anything larger in the object itself.',
    );
  }
}

/** Content types are sent as an HTTP header and stored in a sidecar: keep them to a plain token. */
const CONTENT_TYPE = /^[\x21-\x7e][\x20-\x7e]{0,254}$/;

export function validateContentType(contentType: string | undefined): void {
  if (contentType === undefined) return;
  if (!CONTENT_TYPE.test(contentType)) {
    throw new CustosError(
      'INVALID_INPUT',
      'The object content type was refused: it must be printable ASCII, such as "application/zip".',
      'This is a bug in the caller; report it to the engineering team with the operation that failed.',
    );
  }
}

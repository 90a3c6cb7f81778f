/** Cells over this length are cut in the record browsers (a look at the data, not an export). */
export const BROWSE_CELL_MAX = 2000;

/** A cell as the record browsers show it: long text cut with its full length named, undefined as null. */
export function browseCell(v: unknown): unknown {
  return typeof v === 'string' && v.length > BROWSE_CELL_MAX ? `${v.slice(0, BROWSE_CELL_MAX)}… [${v.length} characters]` : (v ?? null);
}

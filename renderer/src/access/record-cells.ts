/**
 * A tenant's records are untrusted (SECURITY.md abuse case 1: stored XSS in a company
 * or file name). They are only ever rendered as React text, never as HTML or links;
 * this turns any cell value into that text, and neutralises characters that would make
 * the text lie about itself (bidi overrides that reverse a file extension, control
 * characters). Pure.
 */
import type { OpInput } from '../../../app/api/contract';

export type RecordEntity = OpInput<'tenants.records'>['entity'];

/** PRODUCT.md's words for each entity, in the order of the advanced export. */
export const ENTITY_LABEL: Record<RecordEntity, string> = {
  companies: 'Companies',
  persons: 'Persons',
  colleagues: 'Colleagues',
  opportunities: 'Opportunities',
  spaces: 'Spaces',
  tasks: 'Tasks',
  activities: 'History (activities)',
  opportunity_lines: 'Opportunity income and expense lines',
  files: 'Attached files',
  custom_field_definitions: 'Custom field definitions',
  custom_field_values: 'Custom field values',
};
export const ENTITIES = Object.keys(ENTITY_LABEL) as RecordEntity[];

export function isRecordEntity(x: string | null): x is RecordEntity {
  return x !== null && Object.prototype.hasOwnProperty.call(ENTITY_LABEL, x);
}

/** Shown in the cell; the full text goes in the title (the server already cuts at 2,000). */
export const CELL_SHOWN_MAX = 160;

// Bidi embeddings/overrides/isolates and the invisible marks that steer them.
const BIDI = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;
// C0/C1 controls except tab, newline, carriage return (those become spaces in a cell).
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;

export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') text = String(value);
  else {
    try {
      text = JSON.stringify(value) ?? '';
    } catch {
      text = '[value]';
    }
  }
  return text.replace(BIDI, '\uFFFD').replace(CONTROL, '\uFFFD');
}

export interface Cell {
  shown: string;
  /** For the title attribute; undefined when nothing was cut. */
  full: string | undefined;
  empty: boolean;
}

export function cell(value: unknown): Cell {
  const full = cellText(value);
  const flat = full.replace(/[\t\r\n]+/g, ' ');
  const chars = [...flat];
  const cut = chars.length > CELL_SHOWN_MAX;
  return {
    shown: cut ? `${chars.slice(0, CELL_SHOWN_MAX).join('')}…` : flat,
    full: cut || flat !== full || full.length > 40 ? full : undefined,
    empty: value === null || value === undefined,
  };
}

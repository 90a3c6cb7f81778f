/**
 * The backup promise's age bands, as the screens name and colour them (PRODUCT.md
 * "Backups": 24 h for the last 14 days, 7 d to 90 days, 30 d to 365 days, 90 d
 * beyond). The server decides compliance; the renderer only mirrors the band edges
 * to colour a calendar, so they are repeated here (the renderer may import only
 * types from app/).
 */

export type BandId = 'daily' | 'weekly' | 'monthly' | 'quarterly';

export interface BandInfo {
  id: BandId;
  /** Ages up to and including this many days fall in the band (edges inclusive, as on the server). */
  maxAgeDays: number;
  intervalHours: number;
  /** "7-day band", the words the server's reasons use. */
  label: string;
  /** For the legend: "last 14 days: one every 24 h". */
  promise: string;
}

export const BANDS: readonly BandInfo[] = [
  { id: 'daily', maxAgeDays: 14, intervalHours: 24, label: '24-hour band', promise: 'last 14 days: one every 24 h' },
  { id: 'weekly', maxAgeDays: 90, intervalHours: 7 * 24, label: '7-day band', promise: '14–90 days: one every 7 days' },
  { id: 'monthly', maxAgeDays: 365, intervalHours: 30 * 24, label: '30-day band', promise: '90–365 days: one every 30 days' },
  { id: 'quarterly', maxAgeDays: Infinity, intervalHours: 90 * 24, label: '90-day band', promise: 'older: one every 90 days' },
];

const BY_ID = new Map<string, BandInfo>(BANDS.map((b) => [b.id, b]));

export function isBandId(x: string): x is BandId {
  return BY_ID.has(x);
}

/** The band for data this many (whole or fractional) days old. */
export function bandForAgeDays(ageDays: number): BandId {
  for (const b of BANDS) if (ageDays <= b.maxAgeDays) return b.id;
  return 'quarterly';
}

/** "7-day band"; an id the renderer does not know yet is shown as it came. */
export function bandLabel(band: string): string {
  return BY_ID.get(band)?.label ?? band;
}

/** Short name for tables: "Daily", "Weekly", … */
export function bandShortLabel(band: string): string {
  switch (band) {
    case 'daily':
      return 'Daily';
    case 'weekly':
      return 'Weekly';
    case 'monthly':
      return '30-day';
    case 'quarterly':
      return '90-day';
    default:
      return band;
  }
}

/**
 * The CSS class that colours something by band (a calendar day, a table chip).
 * Unknown bands get the neutral tone rather than no colour at all.
 */
export function bandClass(band: string): string {
  return isBandId(band) ? `band--${band}` : 'band--unknown';
}

/**
 * "25.5 h", "192 h (8 d)", "2,014 d": gap lengths as staff compare them with the
 * promise. Hours while they are the unit the promise is read in, days once hours
 * stop meaning anything to a reader.
 */
export function formatGapHours(hours: number): string {
  if (!Number.isFinite(hours) || hours < 0) return '–';
  if (hours < 48) {
    const h = Math.round(hours * 10) / 10;
    return `${Number.isInteger(h) ? h : h.toFixed(1)} h`;
  }
  const days = hours / 24;
  const dayText = days < 10 ? `${Math.round(days * 10) / 10} d` : `${GROUPED.format(Math.round(days))} d`;
  if (hours >= 1000) return dayText;
  return `${Math.round(hours)} h (${dayText})`;
}

const GROUPED = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });

/** "3 h", "2 d 5 h", "41 d": how old the newest snapshot is. */
export function formatAge(hours: number | null): string {
  if (hours === null || !Number.isFinite(hours) || hours < 0) return '–';
  if (hours < 1 / 60) return '<1 min';
  if (hours < 1) return `${Math.round(hours * 60)} min`;
  if (hours < 48) return `${Math.round(hours)} h`;
  const d = Math.floor(hours / 24);
  const h = Math.round(hours - d * 24);
  if (d >= 14 || h === 0) return `${d} d`;
  if (h === 24) return `${d + 1} d`;
  return `${d} d ${h} h`;
}

/**
 * A backup history for the demo fleet (issue 5): snapshots at past dates whose
 * contents are the tenant's data as of that date (rows created later left out),
 * spaced the way the retention plan keeps them, with deliberate gaps in some
 * tenants so the compliance views have something to show. Each is a real snapshot
 * (real bytes, manifest, checksums) and verifies like any other.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ENTITY_ORDER } from '../schema';
import type { TenantRecord } from '../control-plane/tenant-record';
import type { BackupService } from './backup.service';
import { takeSnapshot } from './index';
import type { ObjectStore } from '../storage/object-store/object-store.port';
import type { ProgressSink } from '../shared/progress';
import { noProgress } from '../shared/progress';

const DAY = 86_400_000;

/** Kinds of deliberate trouble, by tenant position in the history set. */
type Trouble = 'none' | 'missed-week' | 'missed-month' | 'stopped';

/** The dates a well-kept schedule would have left (newest first): daily, weekly, 30-day, 90-day. */
export function historyDates(createdAt: Date, asOf: Date, trouble: Trouble): Date[] {
  const today = Math.floor(asOf.getTime() / DAY);
  const first = Math.ceil(createdAt.getTime() / DAY);
  const out: Date[] = [];
  const at = (epochDay: number) => new Date(epochDay * DAY + 2 * 3_600_000); // 02:00Z, the nightly run
  const stop = trouble === 'stopped' ? 5 : 0; // backups stopped 5 days ago
  const newest = at(today).getTime() <= asOf.getTime() ? today : today - 1;
  for (let d = newest - stop; d >= Math.max(first, today - 14); d--) out.push(at(d));
  for (let d = today - 15; d >= Math.max(first, today - 97); d--) {
    const weekday = (d + 4) % 7; // 0 = Sunday (1970-01-01 was a Thursday)
    if (weekday === 0) out.push(at(d));
  }
  for (let d = today - 98; d >= Math.max(first, today - 395); d--) if (d % 30 === 29) out.push(at(d));
  for (let d = today - 396; d >= first; d--) if (d % 90 === 89) out.push(at(d));
  let dates = out;
  if (trouble === 'missed-week') dates = dates.filter((d) => !(d.getTime() < asOf.getTime() - 5 * DAY && d.getTime() > asOf.getTime() - 9 * DAY));
  if (trouble === 'missed-month') {
    const monthly = dates.filter((d) => asOf.getTime() - d.getTime() > 98 * DAY && asOf.getTime() - d.getTime() < 395 * DAY);
    const drop = monthly[Math.floor(monthly.length / 2)];
    dates = dates.filter((d) => d !== drop);
  }
  return dates;
}

export async function seedBackupHistory(o: {
  records: readonly TenantRecord[];
  tenantsDir: string;
  tmpDir: string;
  objectStore: ObjectStore;
  backups: BackupService;
  asOf: Date;
  appVersion: string;
  progress?: ProgressSink;
}): Promise<number> {
  const progress = o.progress ?? noProgress;
  const troubles: Trouble[] = ['none', 'missed-week', 'none', 'missed-month', 'none', 'stopped'];
  const plan = o.records.map((r, i) => ({ record: r, dates: historyDates(new Date(r.createdAt), o.asOf, troubles[i % troubles.length]!) }));
  const total = plan.reduce((n, p) => n + p.dates.length, 0);
  const work = mkdtempSync(join(o.tmpDir, 'demo-history-'));
  let done = 0;
  try {
    for (const { record, dates } of plan) {
      for (const date of dates) {
        const copy = join(work, `${record.id}.sqlite`);
        copyFileSync(join(o.tenantsDir, record.dbLocation), copy);
        const db = new Database(copy);
        try {
          db.pragma('foreign_keys = OFF');
          const cut = date.toISOString();
          db.transaction(() => {
            for (const e of [...ENTITY_ORDER].reverse()) db.prepare(`DELETE FROM "${e}" WHERE created_at > ?`).run(cut);
          })();
        } finally {
          db.close();
        }
        const manifest = await takeSnapshot({
          dbPath: copy,
          tenantId: record.id,
          objectStore: o.objectStore,
          clock: { now: () => new Date(date) },
          tmpDir: work,
          appVersion: o.appVersion,
          compressionLevel: 1,
          signal: new AbortController().signal,
          progress: noProgress,
        });
        await o.backups.indexManifest(manifest);
        rmSync(copy, { force: true });
        progress({ phase: 'backup history', done: ++done, total });
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return done;
}

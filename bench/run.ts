/**
 * `npm run bench`: performance is measured here, never asserted with a timer in a
 * test. Each line prints a ratio against a reference run in the same process
 * (a bare insert, raw SQL, the sqlite3 CLI, GNU tar, pg_dump) and peak memory.
 * `npm run bench -- foundation` runs one group.
 */
import { benchFoundation } from './foundation.bench';
import { benchSnapshot, benchCompliance } from '../app/backups/snapshot.bench';
import { benchExport } from '../app/exports/export.bench';
import { benchRestore } from '../app/restore/restore.bench';
import { benchEngines } from '../app/backups/engines.bench';
import { line } from './measure';

const big = process.env.BENCH_SIZE === 'large';

const groups: Record<string, () => Promise<void>> = {
  foundation: () => benchFoundation({ size: big ? 'large' : 'medium' }),
  // Issue 5: snapshot of a ~1 GB tenant (BENCH_SIZE=large; 200 MB otherwise) vs sqlite3 .backup + gzip -6 + the same upload.
  backups: async () => {
    const r = await benchSnapshot({ sizeMb: big ? 1024 : 200 });
    line('snapshot', { db_mb: Math.round(r.dbBytes / 1048576), ours_s: r.ours_s, sqlite3_backup_gzip_s: r.reference_s, ratio_vs_reference: r.reference_s / r.ours_s, peak_rss_mb: Math.round(r.peakRssMb) });
    const c = benchCompliance({ tenants: 10_000, snapshotsPerTenant: 500 });
    line('compliance 10k x 500', { snapshots: c.snapshots, seconds: c.seconds, goal_s: 1 });
  },
  // Issue 6: live restore of a ~1 GB tenant (BENCH_SIZE=large; 200 MB otherwise) vs gunzip + sqlite3 integrity_check by hand.
  restore: async () => {
    const r = await benchRestore({ sizeMb: big ? 1024 : 200 });
    line('restore live', { db_mb: r.dbMb, ours_s: r.liveRestoreSeconds, gunzip_sqlite3_check_s: r.referenceSeconds, ratio_vs_reference: r.ratio, peak_rss_mb: Math.round(r.peakRssMb), note: 'ours_includes_checksums+safety_snapshot+swap+verify' });
    line('restore vs careful manual', { backup_gzip1_gunzip_check_s: r.carefulSeconds, ratio_vs_careful: r.carefulRatio });
    line('restore compare', { db_mb: r.dbMb, seconds: r.compareSeconds, deleted_deals_found: r.onlySnapshotOpportunities });
    line('restore selective 1000', { rows: r.selectiveRows, seconds: r.selectiveSeconds });
  },
  // Issue 4: 1M persons + 3M activities with BENCH_SIZE=large (100k + 300k otherwise).
  exports: async () => {
    const r = await benchExport({ persons: big ? 1_000_000 : 100_000, activities: big ? 3_000_000 : 300_000, attachmentMb: big ? 256 : 64 });
    line('export csv', { rows: r.csv.rows, rows_per_s: Math.round(r.csv.rowsPerSecond), sqlite3_csv_rows_per_s: Math.round(r.csv.sqliteCliRowsPerSecond), ratio_vs_sqlite3: r.csv.ratio, goal: 0.5 });
    line('export xlsx', { rows: r.xlsx.rows, rows_per_s: Math.round(r.xlsx.rowsPerSecond), goal_rows_per_s: 70000 });
    line('export attachments', { mb: Math.round(r.attachments.bytes / 1048576), mb_per_s: r.attachments.mbPerSecond, tar_czf_mb_per_s: r.attachments.tarCzfMbPerSecond, ratio_vs_tar_czf: r.attachments.ratio, goal: 0.9 });
    line('export full package', { seconds: r.full.seconds, package_mb: Math.round(r.full.packageBytes / 1048576), export_peak_rss_mb: Math.round(r.full.peakRssMb), bench_process_peak_rss_mb: Math.round(r.peakRssMbIncludingSetup), load_avg: r.loadAverage.join('→'), goal_peak_rss_mb: 300 });
  },
  // Issue 8: the same tenant on SQLite and on PostgreSQL (a ~1 GB SQLite file with BENCH_SIZE=large, ~200 MB otherwise):
  // load, snapshot and CSV export through the console's own paths, and pg_dump of the same database in the same run.
  engines: async () => {
    const r = await benchEngines({ sizeMb: big ? 1000 : 150 });
    const mb = (b: number) => Math.round(b / 1048576);
    const { sqlite: ss, postgres: sp } = r.snapshot;
    const { sqlite: es, postgres: ep } = r.export;
    line('engines tenant', { sqlite_db_mb: mb(r.dbBytes), pg_db_mb: mb(r.load.pgDatabaseBytes), rows: r.rows, postgres: r.serverVersion.split(' ')[0] ?? r.serverVersion });
    line('engines load sqlite→pg', { seconds: r.load.seconds, rows_per_s: r.load.rowsPerSecond, peak_rss_mb: Math.round(r.load.peakRssMb), rss_start_mb: Math.round(r.load.rssStartMb) });
    line('engines snapshot sqlite', { seconds: ss.seconds, rows_per_s: ss.rowsPerSecond, gz_mb: mb(ss.compressedBytes), peak_rss_mb: Math.round(ss.peakRssMb), rss_start_mb: Math.round(ss.rssStartMb) });
    line('engines snapshot pg', { seconds: sp.seconds, dump_s: sp.dumpSeconds ?? 0, rows_per_s: sp.rowsPerSecond, gz_mb: mb(sp.compressedBytes), peak_rss_mb: Math.round(sp.peakRssMb), rss_start_mb: Math.round(sp.rssStartMb), pg_s_vs_sqlite_s: sp.seconds / ss.seconds, same_rows: JSON.stringify(sp.rowCounts) === JSON.stringify(ss.rowCounts) ? 'yes' : 'NO' });
    if (r.pgDump) {
      const d = r.pgDump;
      const rss = (x: number | null) => (x === null ? 'n/a' : Math.round(x));
      line('engines pg_dump -Fc', { seconds: d.custom.seconds, rows_per_s: Math.round(r.rows / d.custom.seconds), mb: mb(d.custom.bytes), pg_dump_peak_rss_mb: rss(d.custom.peakRssMb), snapshot_pg_s_vs_pg_dump_s: sp.seconds / d.custom.seconds, pg_dump: d.version.replace(/^pg_dump \(PostgreSQL\) /, '').split(' ')[0] ?? d.version });
      line('engines pg_dump|gzip -6', { seconds: d.plainGzip.seconds, rows_per_s: Math.round(r.rows / d.plainGzip.seconds), mb: mb(d.plainGzip.bytes), pg_dump_peak_rss_mb: rss(d.plainGzip.peakRssMb), snapshot_pg_s_vs_pg_dump_gzip_s: sp.seconds / d.plainGzip.seconds });
    } else {
      line('engines pg_dump', { skipped: JSON.stringify(r.pgDumpMissing) });
    }
    line('engines export csv sqlite', { rows: es.rows, seconds: es.seconds, list_s: es.listSeconds, rows_per_s: es.rowsPerSecond, peak_rss_mb: Math.round(es.peakRssMb), rss_start_mb: Math.round(es.rssStartMb) });
    line('engines export csv pg', { rows: ep.rows, seconds: ep.seconds, dump_s: ep.dumpSeconds ?? 0, list_s: ep.listSeconds, rows_per_s: ep.rowsPerSecond, peak_rss_mb: Math.round(ep.peakRssMb), rss_start_mb: Math.round(ep.rssStartMb), pg_vs_sqlite_rows_per_s: ep.rowsPerSecond / es.rowsPerSecond });
  },
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = wanted.length ? wanted : Object.keys(groups);
process.stdout.write(`Custos benchmarks on ${process.platform} ${process.arch}, node ${process.version}, ${new Date().toISOString()}\n`);
for (const name of names) {
  const g = groups[name];
  if (!g) {
    process.stderr.write(`unknown benchmark group ${name}; known: ${Object.keys(groups).join(', ')}\n`);
    process.exit(2);
  }
  process.stdout.write(`\n== ${name}\n`);
  await g();
}

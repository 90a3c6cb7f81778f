import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { systemClock } from '../shared/clock.port';
import type { ProgressReport } from '../shared/progress';
import { LocalObjectStore } from '../storage/object-store/local.object-store';
import { objectKeys } from '../storage/object-store/object-store.port';
import { createTenantDatabaseFile, SqliteTenantDatabase } from '../storage/sqlite/sqlite.tenant-database';
import type { TenantDatabase } from '../storage/sqlite/tenant-database.port';
import { AttachmentArchiver } from './attachments.archiver';
import { runExport, type ExportResult } from './export.service';
import { withSqliteRowBatches } from './sqlite.row-batches';
import { DEFAULT_GZIP_LEVEL, TarGzVolumes } from './tar-gz.volumes';

const execFileP = promisify(execFile);

/**
 * Export benchmark (issue 4 "Performance", run from bench/, not from tests):
 * - CSV rows/s against the `sqlite3 -csv` CLI dumping the same tables (goal ≥ 0.5×);
 * - XLSX rows/s (goal ≥ 70k rows/s);
 * - attachments MB/s against GNU `tar czf` on the same files (goal ≥ 0.9×);
 * - peak RSS while exporting persons + activities with CSV and XLSX (goal < 300 MB).
 * List-phase rates are timed from the export's own progress events (first list row to
 * the manifest), so preparation and verification are reported apart.
 */
export interface BenchExportOptions {
  persons: number;
  activities: number;
  /** Attachment volume to archive for the MB/s comparison (default 256 MB). */
  attachmentMb?: number;
  /** Folder for the databases and packages (default: a temp folder, removed afterwards). */
  dir?: string;
  /** Also time CSV through the port's object rows (no streamBatches). Default true. */
  portPath?: boolean;
  log?: (line: string) => void;
}

export interface BenchExportResult {
  persons: number;
  activities: number;
  /** Rows/s are wall-clock; `cpuSeconds` (all threads) and the CPU ratio say the same on a busy machine. */
  csv: {
    rows: number;
    seconds: number;
    cpuSeconds: number;
    rowsPerSecond: number;
    sqliteCliSeconds: number;
    sqliteCliCpuSeconds: number;
    sqliteCliRowsPerSecond: number;
    /** Our rows/s ÷ the CLI's (goal ≥ 0.5). */
    ratio: number;
    /** The same from CPU time: CLI CPU ÷ our CPU. */
    cpuRatio: number;
    portPathRowsPerSecond?: number;
  };
  xlsx: { rows: number; seconds: number; cpuSeconds: number; rowsPerSecond: number };
  attachments: {
    bytes: number;
    seconds: number;
    cpuSeconds: number;
    mbPerSecond: number;
    tarCzfSeconds: number;
    tarCzfCpuSeconds: number;
    tarCzfMbPerSecond: number;
    /** GNU tar's time ÷ ours (goal ≥ 0.9). */
    ratio: number;
    cpuRatio: number;
    gzipLevel: number;
  };
  /** The goal's figure: peak RSS of the CSV + XLSX export (prepare, lists, archives, verify). */
  full: { seconds: number; listSeconds: number; verifySeconds: number; packageBytes: number; peakRssMb: number };
  /** Peak of the whole benchmark process, building the tenant and the attachment files included. */
  peakRssMbIncludingSetup: number;
  /** 1-minute load average before and after: how busy the machine was. */
  loadAverage: [number, number];
}

/** Runs a shell command and returns its wall and CPU (children's user+sys) seconds. */
async function timedShell(command: string): Promise<{ seconds: number; cpuSeconds: number }> {
  const t0 = performance.now();
  const { stdout } = await execFileP('bash', ['-c', `${command}; times`], { maxBuffer: 1 << 20 });
  const seconds = (performance.now() - t0) / 1000;
  const lines = stdout.trim().split('\n');
  const kids = (lines[lines.length - 1] ?? '').trim().split(/\s+/);
  const sec = (t: string | undefined): number => {
    const m = /^(\d+)m([\d.]+)s$/.exec(t ?? '');
    return m ? Number(m[1]) * 60 + Number(m[2]) : 0;
  };
  return { seconds, cpuSeconds: sec(kids[0]) + sec(kids[1]) };
}

function cpuSince(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1e6;
}

class RssSampler {
  peak = 0;
  private timer: NodeJS.Timeout;
  constructor() {
    this.sample();
    this.timer = setInterval(() => this.sample(), 25);
    this.timer.unref();
  }
  sample(): void {
    this.peak = Math.max(this.peak, process.memoryUsage.rss());
  }
  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return this.peak;
  }
}

const TENANT = 't-bench';
const SLUG = 'bench';
const T0 = Date.UTC(2020, 0, 1);

/** A big tenant, written with one prepared statement per table inside large transactions. */
export async function buildBenchTenant(dbPath: string, persons: number, activities: number): Promise<void> {
  const db = createTenantDatabaseFile(dbPath);
  try {
    db.pragma('synchronous = OFF');
    db.pragma('foreign_keys = OFF');
    const iso = (i: number): string => new Date(T0 + i * 60_000).toISOString();
    db.transaction(() => {
      const c = db.prepare('INSERT INTO colleagues (id, first_name, last_name, email, role, active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
      for (let i = 1; i <= 20; i++) c.run(i, `Colleague${i}`, `Surname${i}`, `c${i}@example.com`, 'member', 1, iso(i), iso(i));
      const co = db.prepare('INSERT INTO companies (id, name, industry, city, postcode, country, owner_colleague_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
      for (let i = 1; i <= Math.max(1, Math.floor(persons / 20)); i++) co.run(i, `Company ${i} AB`, 'Software', 'Göteborg', '04112', 'SE', (i % 20) + 1, iso(i), iso(i));
      db.prepare("INSERT INTO custom_field_definitions (id, entity, key, label, field_type, options, position, created_at, updated_at) VALUES (1, 'persons', 'score', 'Score', 'number', NULL, 1, ?, ?)").run(iso(0), iso(0));
    })();
    const companies = Math.max(1, Math.floor(persons / 20));
    const pe = db.prepare('INSERT INTO persons (id, first_name, last_name, job_title, email, phone, company_id, owner_colleague_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    const cfv = db.prepare('INSERT INTO custom_field_values (id, field_id, record_id, value, created_at, updated_at) VALUES (?, 1, ?, ?, ?, ?)');
    const chunk = 100_000;
    for (let start = 1; start <= persons; start += chunk) {
      db.transaction(() => {
        for (let i = start; i < start + chunk && i <= persons; i++) {
          pe.run(i, `First${i}`, `Last, "${i}"`, 'Sales manager', `person${i}@example.com`, `+46 31 ${String(i % 1_000_000).padStart(6, '0')}`, (i % companies) + 1, (i % 20) + 1, iso(i), iso(i + 5));
          if (i % 10 === 0) cfv.run(i / 10, i, String((i % 1000) / 10), iso(i), iso(i));
        }
      })();
    }
    const ac = db.prepare('INSERT INTO activities (id, subject_type, subject_id, kind, occurred_at, colleague_id, subject, body, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    const kinds = ['call', 'meeting', 'email', 'note'];
    for (let start = 1; start <= activities; start += chunk) {
      db.transaction(() => {
        for (let i = start; i < start + chunk && i <= activities; i++) {
          const persons_ = i % 4 !== 3;
          ac.run(
            i,
            persons_ ? 'persons' : 'companies',
            persons_ ? (i % persons) + 1 : (i % companies) + 1,
            kinds[i % 4],
            iso(i),
            (i % 20) + 1,
            `Follow-up ${i}`,
            `Talked about the renewal, next steps: send the offer (${i}), book a demo, "check budget".`,
            iso(i),
            iso(i),
          );
        }
      })();
    }
  } finally {
    db.close();
  }
}

async function timedExport(
  db: TenantDatabase,
  store: LocalObjectStore,
  outDir: string,
  formats: ('csv' | 'xlsx')[],
): Promise<{ result: ExportResult; listSeconds: number; listCpuSeconds: number; verifySeconds: number; seconds: number; peakRss: number }> {
  await mkdir(outDir, { recursive: true });
  let listStart = 0;
  let listEnd = 0;
  let verifyStart = 0;
  let cpuStart: NodeJS.CpuUsage | null = null;
  let listCpuSeconds = 0;
  const rss = new RssSampler();
  const t0 = performance.now();
  const result = await runExport({
    tenantId: TENANT,
    tenantSlug: SLUG,
    tenantName: 'Bench AB',
    db,
    objectStore: store,
    profile: 'advanced',
    formats,
    outDir,
    staff: { id: 'bench', label: 'Benchmark' },
    billing: { status: 'free' },
    appVersion: 'bench',
    clock: systemClock,
    signal: new AbortController().signal,
    progress: (p: ProgressReport) => {
      const now = performance.now();
      if (p.phase === 'list' && listStart === 0) {
        listStart = now;
        cpuStart = process.cpuUsage();
      }
      if (p.phase === 'manifest' && listEnd === 0) {
        listEnd = now;
        if (cpuStart) listCpuSeconds = cpuSince(cpuStart);
      }
      if (p.phase === 'verify' && verifyStart === 0) verifyStart = now;
    },
  });
  const end = performance.now();
  return { result, listSeconds: (listEnd - listStart) / 1000, listCpuSeconds, verifySeconds: (end - verifyStart) / 1000, seconds: (end - t0) / 1000, peakRss: rss.stop() };
}

async function sqliteCliDump(dbPath: string, tables: string[], outFile: string): Promise<{ seconds: number; cpuSeconds: number }> {
  const q = (x: string): string => `'${x.replace(/'/g, "'\\''")}'`;
  const cmd = tables.map((t) => `sqlite3 -csv -header ${q(dbPath)} ${q(`SELECT * FROM ${t} ORDER BY id;`)} > ${q(outFile)}`).join(' && ');
  return timedShell(cmd);
}

/** Files that look like real attachments: mostly incompressible (PDF, JPEG), some text. */
async function buildAttachments(dir: string, store: LocalObjectStore, totalMb: number): Promise<{ plainDir: string; rows: { id: number; size: number; sha256: string; key: string }[]; bytes: number }> {
  const plainDir = path.join(dir, 'plain-files');
  await mkdir(plainDir, { recursive: true });
  const rows: { id: number; size: number; sha256: string; key: string }[] = [];
  let bytes = 0;
  let id = 0;
  while (bytes < totalMb * 1024 * 1024) {
    id++;
    const size = 64 * 1024 + ((id * 7919) % (4 * 1024 * 1024));
    const buf = Buffer.alloc(size);
    if (id % 5 === 0) {
      const line = Buffer.from(`${id};Invoice line;12.50;EUR;"Some text that compresses"\n`);
      for (let off = 0; off < size; off += line.length) line.copy(buf, off);
    } else {
      for (let off = 0, n = 0; off < size; off += 32, n++) createHash('sha256').update(`${id}-${n}`).digest().copy(buf, off);
    }
    const key = objectKeys.attachment(TENANT, id);
    await store.put(key, buf);
    await writeFile(path.join(plainDir, `file-${id}.bin`), buf);
    rows.push({ id, size, sha256: createHash('sha256').update(buf).digest('hex'), key });
    bytes += size;
  }
  return { plainDir, rows, bytes };
}

export async function benchExport(options: BenchExportOptions): Promise<BenchExportResult> {
  const log = options.log ?? ((): void => {});
  const own = !options.dir;
  const dir = options.dir ?? (await mkdtemp(path.join(tmpdir(), 'custos-export-bench-')));
  const overall = new RssSampler();
  try {
    const dbPath = path.join(dir, 'bench.sqlite');
    await rm(dbPath, { force: true });
    log(`building a tenant with ${options.persons} persons and ${options.activities} activities…`);
    await buildBenchTenant(dbPath, options.persons, options.activities);
    const store = new LocalObjectStore({ dir: path.join(dir, 'store') });
    const open = async (): Promise<TenantDatabase> => withSqliteRowBatches(await SqliteTenantDatabase.open(dbPath, TENANT, { readonly: true }));

    const tables = ['colleagues', 'companies', 'persons', 'spaces', 'opportunities', 'tasks', 'activities', 'opportunity_lines', 'files'];
    const db0 = await open();
    const counts = await db0.counts();
    await db0.close();
    const rows = tables.reduce((a, t) => a + (counts as Record<string, number>)[t]!, 0);

    const load0 = os.loadavg()[0] ?? 0;
    log('sqlite3 -csv dump…');
    const cli = await sqliteCliDump(dbPath, tables, path.join(dir, 'cli.csv'));

    log('CSV export…');
    let db = await open();
    const csvRun = await timedExport(db, store, path.join(dir, 'out-csv'), ['csv']);
    await db.close();
    await rm(csvRun.result.path, { recursive: true, force: true });

    let portPathRowsPerSecond: number | undefined;
    if (options.portPath ?? true) {
      log('CSV export through the port’s object rows…');
      const plain = await SqliteTenantDatabase.open(dbPath, TENANT, { readonly: true });
      const portRun = await timedExport(plain, store, path.join(dir, 'out-port'), ['csv']);
      await plain.close();
      await rm(portRun.result.path, { recursive: true, force: true });
      portPathRowsPerSecond = rows / portRun.listSeconds;
    }

    log('XLSX export…');
    db = await open();
    const xlsxRun = await timedExport(db, store, path.join(dir, 'out-xlsx'), ['xlsx']);
    await db.close();
    await rm(xlsxRun.result.path, { recursive: true, force: true });

    log('CSV + XLSX export (peak RSS)…');
    db = await open();
    const fullRun = await timedExport(db, store, path.join(dir, 'out-full'), ['csv', 'xlsx']);
    await db.close();
    const packageBytes = fullRun.result.bytes;
    await rm(fullRun.result.path, { recursive: true, force: true });

    log('attachments…');
    const att = await buildAttachments(dir, store, options.attachmentMb ?? 256);
    const volDir = path.join(dir, 'volumes');
    await rm(volDir, { recursive: true, force: true });
    await mkdir(path.join(dir, 'work'), { recursive: true });
    const volumes = new TarGzVolumes({ absDir: volDir, relDir: 'attachments', limitBytes: 2 * 1024 ** 3 });
    const archiver = new AttachmentArchiver({ store, keyPrefix: objectKeys.tenantRoot(TENANT), volumes, workDir: path.join(dir, 'work') });
    const ta = performance.now();
    const cpuA = process.cpuUsage();
    for (let i = 0; i < att.rows.length; i += 200) {
      const batch = att.rows.slice(i, i + 200).map((r) => ({ id: r.id, name: `file-${r.id}.bin`, size: r.size, sha256: r.sha256, objectKey: r.key, mtime: new Date(T0) }));
      const out = await archiver.process(batch);
      if (out.some((o) => o.status !== 'ok')) throw new Error('bench attachment not archived');
    }
    await volumes.close();
    const oursSeconds = (performance.now() - ta) / 1000;
    const oursCpu = cpuSince(cpuA);
    const gnu = await timedShell(`tar czf '${path.join(dir, 'gnu.tar.gz')}' -C '${att.plainDir}' .`);
    const tarSeconds = gnu.seconds;
    const gnuSize = (await stat(path.join(dir, 'gnu.tar.gz'))).size;
    log(`GNU tar.gz ${gnuSize} bytes`);

    const mb = att.bytes / 1024 / 1024;
    const csvRate = rows / csvRun.listSeconds;
    const cliRate = rows / cli.seconds;
    const peak = overall.stop();
    return {
      persons: options.persons,
      activities: options.activities,
      csv: {
        rows,
        seconds: csvRun.listSeconds,
        cpuSeconds: csvRun.listCpuSeconds,
        rowsPerSecond: Math.round(csvRate),
        sqliteCliSeconds: cli.seconds,
        sqliteCliCpuSeconds: cli.cpuSeconds,
        sqliteCliRowsPerSecond: Math.round(cliRate),
        ratio: Number((csvRate / cliRate).toFixed(2)),
        cpuRatio: Number((cli.cpuSeconds / csvRun.listCpuSeconds).toFixed(2)),
        ...(portPathRowsPerSecond !== undefined ? { portPathRowsPerSecond: Math.round(portPathRowsPerSecond) } : {}),
      },
      xlsx: { rows, seconds: xlsxRun.listSeconds, cpuSeconds: xlsxRun.listCpuSeconds, rowsPerSecond: Math.round(rows / xlsxRun.listSeconds) },
      attachments: {
        bytes: att.bytes,
        seconds: oursSeconds,
        cpuSeconds: oursCpu,
        mbPerSecond: Number((mb / oursSeconds).toFixed(1)),
        tarCzfSeconds: tarSeconds,
        tarCzfCpuSeconds: gnu.cpuSeconds,
        tarCzfMbPerSecond: Number((mb / tarSeconds).toFixed(1)),
        ratio: Number((tarSeconds / oursSeconds).toFixed(2)),
        cpuRatio: Number((gnu.cpuSeconds / oursCpu).toFixed(2)),
        gzipLevel: DEFAULT_GZIP_LEVEL,
      },
      full: {
        seconds: fullRun.seconds,
        listSeconds: fullRun.listSeconds,
        verifySeconds: fullRun.verifySeconds,
        packageBytes,
        peakRssMb: Math.round(fullRun.peakRss / 1024 / 1024),
      },
      peakRssMbIncludingSetup: Math.round(peak / 1024 / 1024),
      loadAverage: [load0, os.loadavg()[0] ?? 0],
    };
  } finally {
    overall.stop();
    if (own) await rm(dir, { recursive: true, force: true });
  }
}

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AuditActor } from '../audit/audit.chain';
import { AuditLog } from '../audit/audit.service';
import { ManualClock } from '../shared/clock.port';
import { startTestPostgres, type TestPostgres } from '../testing/postgres';
import type { ControlPlane } from './control-plane.port';
import { MIGRATIONS, migrateToLatest } from './migrations';
import { openPostgresControlPlane } from './postgres.control-plane';

/**
 * The hosted control plane on the real PostgreSQL on loopback: migrations, int8
 * parsing, the advisory lock behind `exclusive`, and the audit chain appended
 * from two processes at once (the SQLite twin is in app/audit/audit.service.test.ts).
 */

const actor: AuditActor = { staffId: 's-1', label: 'ann@vendor.example', roles: ['support'], sessionId: 'abc', transport: 'http' };
const moduleUrl = (rel: string): string => new URL(rel, import.meta.url).href;

/**
 * A separate process appending audit records to the same control plane. Inline
 * (node -e) rather than a fixture file: it imports the real modules through tsx.
 * Both children say 'ready' once connected and wait for the test's 'go', so they really race.
 */
const CHILD = `
const { openPostgresControlPlane } = await import(${JSON.stringify(moduleUrl('./postgres.control-plane.ts'))});
const { AuditLog } = await import(${JSON.stringify(moduleUrl('../audit/audit.service.ts'))});
const { systemClock } = await import(${JSON.stringify(moduleUrl('../shared/clock.port.ts'))});
const cp = await openPostgresControlPlane({ url: process.env.CUSTOS_CP_URL, poolSize: 2 });
const audit = new AuditLog(cp, systemClock, 'test');
process.stdout.write('ready\\n');
await new Promise((r) => process.stdin.once('data', r));
process.stdin.pause();
for (let i = 0; i < Number(process.env.COUNT); i++) {
  await audit.append({ actor: { staffId: null, label: process.env.LABEL, roles: ['system'], sessionId: null, transport: 'cli' }, action: 'race', params: { i }, outcome: { status: 'ok' } });
}
await cp.close();
`;

let tp: TestPostgres;
beforeAll(async () => {
  tp = await startTestPostgres();
});
afterAll(async () => {
  await tp?.close();
});

describe('openPostgresControlPlane', () => {
  let cp: ControlPlane;
  beforeEach(async () => {
    cp = await openPostgresControlPlane({ url: tp.url, poolSize: 4 });
  });
  afterEach(async () => {
    await cp.close();
  });

  it('runs every migration once, and again finds nothing to do', async () => {
    expect(cp.engine).toBe('postgres');
    expect(cp.location).toBe(`postgres://postgres@127.0.0.1:5432/${tp.database}`);
    const applied = await cp.db.selectFrom('custos_migrations' as never).select('name' as never).orderBy('name' as never).execute();
    expect(applied.map((r) => (r as { name: string }).name)).toEqual(Object.keys(MIGRATIONS).sort());
    expect(await migrateToLatest(cp.db)).toEqual([]);
    for (const t of ['tenants', 'staff', 'sessions', 'audit_log', 'settings', 'grants', 'jobs']) {
      await expect(cp.db.selectFrom(t as 'tenants').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).resolves.toEqual({ n: 0 });
    }
  });

  it('reads int8 columns and COUNT(*) as numbers, without changing pg’s global parsers', async () => {
    await cp.db
      .insertInto('tenants')
      .values({
        id: 't-big',
        slug: 'big',
        name: 'Big',
        plan: 'enterprise',
        status: 'active',
        region: 'eu-west-1',
        created_at: '2026-01-01T00:00:00.000Z',
        dpa_version: null,
        dpa_accepted_at: null,
        db_engine: 'postgres',
        db_location: 'custos_t_big',
        db_size_bytes: 5_000_000_000_000,
        attachment_count: 3,
        attachment_bytes: 2 ** 40,
        last_snapshot_at: null,
        free_export_used_at: null,
        legal_hold: null,
        search_text: 'big',
        updated_at: '2026-01-01T00:00:00.000Z',
      })
      .execute();
    const row = await cp.db.selectFrom('tenants').select(['db_size_bytes', 'attachment_count', 'attachment_bytes']).where('id', '=', 't-big').executeTakeFirstOrThrow();
    expect(row).toEqual({ db_size_bytes: 5_000_000_000_000, attachment_count: 3, attachment_bytes: 2 ** 40 });
    const n = await cp.db.selectFrom('tenants').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    expect(n.n).toBe(1);
    // Other pg users in the process keep the default: int8 as a string.
    expect(pg.types.getTypeParser(20, 'text')('12')).toBe('12');
    await cp.db.deleteFrom('tenants').execute();
  });

  it('exclusive: the same lock name waits for the holder; another name does not', async () => {
    const events: string[] = [];
    let releaseA!: () => void;
    const aHolds = new Promise<void>((r) => (releaseA = r));
    let aEntered!: () => void;
    const aIn = new Promise<void>((r) => (aEntered = r));

    const a = cp.exclusive('audit', async () => {
      events.push('a in');
      aEntered();
      await aHolds;
      events.push('a out');
    });
    await aIn;
    const b = cp.exclusive('audit', async () => {
      events.push('b in');
    });
    // Another lock name is not held up by 'audit'.
    await cp.exclusive('approvals', async () => {
      events.push('other');
    });
    try {
      await new Promise((r) => setTimeout(r, 300));
      expect(events).toEqual(['a in', 'other']);
    } finally {
      releaseA(); // even when the check fails, so that close() does not wait on a held transaction
    }
    await Promise.all([a, b]);
    expect(events).toEqual(['a in', 'other', 'a out', 'b in']);
  });

  it('exclusive rolls back and releases the lock when fn throws', async () => {
    await expect(
      cp.exclusive('settings', async (trx) => {
        await trx.insertInto('settings').values({ key: 'k', value: 'v' }).execute();
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await cp.db.selectFrom('settings').selectAll().execute()).toEqual([]);
    await expect(cp.exclusive('settings', async () => 'next')).resolves.toBe('next');
  });

  it('close is idempotent', async () => {
    const other = await openPostgresControlPlane({ url: tp.url, poolSize: 1 });
    await other.close();
    await other.close();
  });
});

describe('openPostgresControlPlane refuses what it must', () => {
  it('a plain connection to a remote host, before any network traffic', async () => {
    await expect(openPostgresControlPlane({ url: 'postgres://custos:pw@db.example.com/cp?sslmode=disable' })).rejects.toMatchObject({ code: 'INSECURE_TRANSPORT' });
    await expect(openPostgresControlPlane({ url: 'postgres://custos:pw@db.example.com/cp?sslmode=require' })).rejects.toMatchObject({ code: 'INSECURE_TRANSPORT' });
  });

  it('TLS asked of a server that offers none', async () => {
    const url = `${tp.url}?sslmode=verify-full`;
    await expect(openPostgresControlPlane({ url })).rejects.toMatchObject({ code: 'INSECURE_TRANSPORT', message: expect.stringContaining('does not offer TLS') });
  });

  it('an unreachable server, a missing database and a URL without a database, with readable errors', async () => {
    await expect(openPostgresControlPlane({ url: 'postgres://postgres@127.0.0.1:1/x' })).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('not reachable') });
    await expect(openPostgresControlPlane({ url: tp.urlFor(tp.name('absent')) })).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('does not exist') });
    await expect(openPostgresControlPlane({ url: 'postgres://postgres@127.0.0.1:5432' })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    await expect(openPostgresControlPlane({ url: tp.url, poolSize: 0 })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });
});

describe('audit chain on a PostgreSQL control plane', () => {
  let cp: ControlPlane;
  let audit: AuditLog;
  const clock = new ManualClock(new Date('2026-02-28T23:59:00Z'));

  beforeAll(async () => {
    cp = await openPostgresControlPlane({ url: tp.url });
    await cp.db.deleteFrom('audit_log').execute();
    audit = new AuditLog(cp, clock, 'test');
    for (let i = 0; i < 10; i++) {
      clock.advance(60_000);
      await audit.append({ actor, action: 'tenants.get', tenantId: `t-${i}`, params: { tenantId: `t-${i}`, password: 'Secret1!' }, outcome: { status: 'ok' } });
    }
  });
  afterAll(async () => {
    await cp?.close();
  });

  it('an untouched chain verifies, and an edited body is caught', async () => {
    expect(await audit.verify()).toMatchObject({ ok: true, checked: 10, firstProblem: null });
    expect(await audit.head()).toMatchObject({ seq: 10 });
    const c = new pg.Client({ connectionString: tp.url });
    await c.connect();
    try {
      await c.query("UPDATE audit_log SET body = replace(body, 't-4', 't-9') WHERE seq = 5");
      expect((await audit.verify()).firstProblem).toMatchObject({ kind: 'hash_mismatch', seq: 5 });
      await c.query("UPDATE audit_log SET body = replace(body, 't-9', 't-4') WHERE seq = 5");
    } finally {
      await c.end();
    }
    expect((await audit.verify()).ok).toBe(true);
  });

  it('two processes appending at once never fork the chain', async () => {
    const start = (label: string) => {
      const env: NodeJS.ProcessEnv = { ...process.env, CUSTOS_CP_URL: tp.url, COUNT: '25', LABEL: label };
      delete env.NODE_OPTIONS;
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD], {
        stdio: ['pipe', 'pipe', 'inherit'],
        env,
        cwd: fileURLToPath(new URL('../..', import.meta.url)),
      });
      const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
      const ready = new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          if (d.toString().includes('ready')) resolve();
        });
        void exited.then(() => reject(new Error(`${label} exited before it was ready`)));
      });
      return { child, ready, exited };
    };
    const a = start('system:a@host');
    const b = start('system:b@host');
    await Promise.all([a.ready, b.ready]);
    a.child.stdin.end('go\n');
    b.child.stdin.end('go\n');
    const codes = await Promise.all([a.exited, b.exited]);
    expect(codes).toEqual([0, 0]);
    expect(await audit.verify()).toMatchObject({ ok: true, checked: 60, firstProblem: null });
    const rows = await cp.db.selectFrom('audit_log').select(['seq', 'actor_label']).orderBy('seq').execute();
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    // The two really raced: their records alternate in the chain (measured: 30–40 switches of 49).
    const switches = rows.slice(10).filter((r, i, all) => i > 0 && all[i - 1]!.actor_label !== r.actor_label).length;
    expect(switches).toBeGreaterThan(1);
    expect(rows.filter((r) => r.actor_label === 'system:a@host')).toHaveLength(25);
    expect(rows.filter((r) => r.actor_label === 'system:b@host')).toHaveLength(25);
  });
});

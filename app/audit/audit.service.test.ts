import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const fixture = fileURLToPath(new URL('./audit-append.fixture.ts', import.meta.url));
import { openSqliteControlPlane } from '../control-plane/sqlite.control-plane';
import type { ControlPlane } from '../control-plane/control-plane.port';
import { ManualClock } from '../shared/clock.port';
import { tempDir } from '../testing/temp-dir';
import { AuditLog } from './audit.service';
import type { AuditActor } from './audit.chain';

const actor: AuditActor = { staffId: 's-1', label: 'ann@vendor.example', roles: ['support'], sessionId: 'abc', transport: 'http' };

describe('audit chain on a real control plane', () => {
  let tmp: ReturnType<typeof tempDir>;
  let cp: ControlPlane;
  let audit: AuditLog;
  let path: string;
  const clock = new ManualClock(new Date('2026-02-28T23:59:00Z'));

  beforeEach(async () => {
    tmp = tempDir();
    path = join(tmp.dir, 'cp.sqlite');
    cp = await openSqliteControlPlane(path);
    audit = new AuditLog(cp, clock, 'test');
    for (let i = 0; i < 10; i++) {
      clock.advance(60_000);
      await audit.append({ actor, action: 'tenants.get', tenantId: `t-${i}`, params: { tenantId: `t-${i}`, password: 'Secret1!' }, outcome: { status: 'ok' } });
    }
  });
  afterEach(async () => {
    await cp.close();
    tmp.remove();
  });

  const raw = (fn: (db: Database.Database) => void) => {
    const db = new Database(path);
    try {
      fn(db);
    } finally {
      db.close();
    }
  };

  it('an untouched chain verifies, and secrets never reach the log', async () => {
    const v = await audit.verify();
    expect(v).toMatchObject({ ok: true, checked: 10, firstProblem: null });
    const rows = await audit.query({});
    expect(JSON.stringify(rows)).not.toContain('Secret1!');
    expect(rows[0]!.params).toMatchObject({ password: '[redacted]' });
  });

  it('an edited body is caught at that record', async () => {
    raw((db) => db.prepare(`UPDATE audit_log SET body = replace(body, 't-4', 't-9') WHERE seq = 5`).run());
    const v = await audit.verify();
    expect(v.ok).toBe(false);
    expect(v.firstProblem).toMatchObject({ kind: 'hash_mismatch', seq: 5 });
    expect(v.checked).toBe(4);
  });

  it('an edited indexed column is caught', async () => {
    raw((db) => db.prepare(`UPDATE audit_log SET outcome = 'refused' WHERE seq = 3`).run());
    expect((await audit.verify()).firstProblem).toMatchObject({ kind: 'column_edited', seq: 3, column: 'outcome' });
  });

  it('a deleted record is caught', async () => {
    raw((db) => db.prepare(`DELETE FROM audit_log WHERE seq = 7`).run());
    expect((await audit.verify()).firstProblem).toMatchObject({ kind: 'seq_gap', seq: 8, expectedSeq: 7 });
  });

  it('a deleted tail is not a broken link, but the head moves back (anchors catch it)', async () => {
    raw((db) => db.prepare(`DELETE FROM audit_log WHERE seq = 10`).run());
    const v = await audit.verify();
    expect(v.ok).toBe(true);
    expect(v.head?.seq).toBe(9);
  });

  it('reordered records are caught', async () => {
    raw((db) => {
      db.prepare(`UPDATE audit_log SET seq = -1 WHERE seq = 4`).run();
      db.prepare(`UPDATE audit_log SET seq = 4 WHERE seq = 5`).run();
      db.prepare(`UPDATE audit_log SET seq = 5 WHERE seq = -1`).run();
    });
    const v = await audit.verify();
    expect(v.ok).toBe(false);
    expect(v.firstProblem?.seq).toBe(4);
  });

  it('a wall clock going backwards never makes the chain go backwards', async () => {
    clock.advance(-3_600_000);
    await audit.append({ actor, action: 'tenants.get', outcome: { status: 'ok' } });
    expect((await audit.verify()).ok).toBe(true);
  });

  it('two processes appending at once never fork the chain', async () => {
    const run = (label: string) =>
      new Promise<number>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', fixture, path, '25', label], { stdio: 'inherit' });
        child.on('exit', (code) => resolve(code ?? 1));
      });
    const codes = await Promise.all([run('system:a@host'), run('system:b@host')]);
    expect(codes).toEqual([0, 0]);
    const v = await audit.verify();
    expect(v).toMatchObject({ ok: true, checked: 60 });
  });
});

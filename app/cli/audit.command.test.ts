import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { cliMain } from './main';
import { consoleFixture } from '../testing/console-fixture';
import { chainHash, GENESIS_HASH, canonicalJson, type AuditBody } from '../audit/audit.chain';

function capture(): { out: Writable; text: () => string } {
  let buf = '';
  return {
    out: new Writable({
      write(chunk, _enc, cb) {
        buf += String(chunk);
        cb();
      },
    }),
    text: () => buf,
  };
}

async function verifyCli(dataDir: string): Promise<{ code: number; text: string }> {
  const c = capture();
  process.exitCode = undefined;
  const code = await cliMain(['--data-dir', dataDir, 'audit', 'verify'], c.out);
  process.exitCode = undefined;
  return { code, text: c.text() };
}

async function fleetWithHistory() {
  const fx = await consoleFixture(['t-000001']);
  for (let i = 0; i < 6; i++) await fx.core.dispatch(fx.adminCtx, 'tenants.get', { tenantId: 't-000001' });
  await fx.core.close(); // writes an anchor of the head
  return fx;
}

describe('custos audit verify', () => {
  it('an intact chain passes (exit 0) with its anchors', async () => {
    const fx = await fleetWithHistory();
    const r = await verifyCli(fx.dataDir);
    expect(r.code).toBe(0);
    expect(r.text).toMatch(/Audit chain intact: \d+ records/);
    expect(r.text).toMatch(/[1-9]\d* anchors agree/);
  });

  it('a row edited in the database is named, exit code non-zero', async () => {
    const fx = await fleetWithHistory();
    const db = new Database(join(fx.dataDir, 'control-plane.sqlite'));
    db.prepare(`UPDATE audit_log SET body = replace(body, '"t-000001"', '"t-000002"') WHERE seq = 3`).run();
    db.close();
    const r = await verifyCli(fx.dataDir);
    expect(r.code).toBe(2);
    expect(r.text).toContain('BROKEN at record 3');
  });

  it('a rewritten and fully re-hashed log is caught by the anchors outside the database', async () => {
    const fx = await fleetWithHistory();
    const db = new Database(join(fx.dataDir, 'control-plane.sqlite'));
    const rows = db.prepare('SELECT seq, body FROM audit_log ORDER BY seq').all() as { seq: number; body: string }[];
    let prev = GENESIS_HASH;
    const upd = db.prepare('UPDATE audit_log SET body = ?, prev_hash = ?, hash = ?, tenant_id = ? WHERE seq = ?');
    for (const r of rows) {
      const body = JSON.parse(r.body) as AuditBody;
      if (body.tenantId === 't-000001') body.tenantId = null; // the attacker hides which tenant was looked at
      const hash = chainHash(prev, body);
      upd.run(canonicalJson(body), prev, hash, body.tenantId, r.seq);
      prev = hash;
    }
    db.close();
    const r = await verifyCli(fx.dataDir);
    expect(r.code).toBe(2);
    expect(r.text).toMatch(/rewritten and re-hashed/);
  });

  it('records deleted from the end of the log are caught by the anchors', async () => {
    const fx = await fleetWithHistory();
    const db = new Database(join(fx.dataDir, 'control-plane.sqlite'));
    db.prepare('DELETE FROM audit_log WHERE seq > 3').run();
    db.close();
    const r = await verifyCli(fx.dataDir);
    expect(r.code).toBe(2);
    expect(r.text).toMatch(/deleted from the end/);
  });
});

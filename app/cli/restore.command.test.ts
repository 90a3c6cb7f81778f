import Database from 'better-sqlite3';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliMain } from './main';
import { consoleFixture, FIXTURE_PASSWORD, type ConsoleFixture } from '../testing/console-fixture';
import { noProgress } from '../shared/progress';

/**
 * `custos login` and `custos restore …` end to end on a real data folder: two staff
 * members sign in from the shell, one opens a sandbox and requests a selective
 * restore, the other approves, the first runs it; the deleted deal is back.
 */
let fx: ConsoleFixture;
let livePath: string;
let day: string;

async function cli(args: string[], session?: string): Promise<{ code: number; out: string }> {
  let out = '';
  const sink = new Writable({
    write(chunk, _e, cb) {
      out += String(chunk);
      cb();
    },
  });
  if (session) process.env.CUSTOS_SESSION = session;
  else delete process.env.CUSTOS_SESSION;
  process.exitCode = undefined;
  const errors: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((c: string | Uint8Array) => (errors.push(String(c)), true)) as typeof process.stderr.write;
  try {
    const code = await cliMain(['--data-dir', fx.dataDir, ...args], sink);
    return { code, out: out + errors.join('') };
  } finally {
    process.stderr.write = write;
    process.exitCode = undefined;
    delete process.env.CUSTOS_SESSION;
  }
}

async function login(email: string): Promise<string> {
  process.env.CUSTOS_PASSWORD = FIXTURE_PASSWORD;
  try {
    const r = await cli(['login', '--email', email]);
    expect(r.code, r.out).toBe(0);
    return /export CUSTOS_SESSION=(\S+)/.exec(r.out)![1]!;
  } finally {
    delete process.env.CUSTOS_PASSWORD;
  }
}

beforeAll(async () => {
  fx = await consoleFixture(['t-000001']);
  const s = fx.core.services;
  const record = await s.catalogue.get('t-000001');
  livePath = s.tenantDbs.pathOf(record);
  const ts = '2026-05-01T00:00:00.000Z';
  const db = new Database(livePath);
  db.exec(`INSERT INTO opportunities (id, title, company_id, stage, created_at, updated_at) VALUES (7, 'Big deal', 1, 'won', '${ts}', '${ts}');
    INSERT INTO opportunity_lines (id, opportunity_id, kind, description, quantity, unit_price, amount, currency, booked_on, created_at, updated_at) VALUES (1, 7, 'income', 'Licence', '1', '9.00', '9.00', 'EUR', '2026-05-01', '${ts}', '${ts}');`);
  db.close();
  const m = await s.backups.snapshotTenant(record, { signal: new AbortController().signal, progress: noProgress });
  day = m.takenAt.slice(0, 10);
  const live = new Database(livePath);
  live.exec('DELETE FROM opportunity_lines WHERE opportunity_id = 7; DELETE FROM opportunities WHERE id = 7;');
  live.close();
  for (const email of ['tina@vendor.example', 'theo@vendor.example']) {
    await s.staff.create({ email, displayName: email, roles: ['technical'], password: FIXTURE_PASSWORD, mustChangePassword: false });
  }
  await fx.core.close();
}, 60_000);

afterAll(async () => {
  // The fixture's console is closed already; only its folder remains.
  await fx?.close().catch(() => {});
});

describe('custos restore', () => {
  it('without a session the command is refused with the fix', async () => {
    const r = await cli(['restore', 'plan', '--tenant', 't-000001', '--day', day]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/NOT_SIGNED_IN/);
  });

  it('plan → sandbox → records request → approve by a colleague → run: the deal is back', async () => {
    const tina = await login('tina@vendor.example');
    const theo = await login('theo@vendor.example');

    const plan = await cli(['restore', 'plan', '--tenant', 't-000001', '--day', day], tina);
    expect(plan.code, plan.out).toBe(0);
    expect(plan.out).toMatch(/^snapshot\t\d{8}T\d{6}Z-[0-9a-f]{6}/m);

    const noGrant = await cli(['restore', 'sandbox', '--tenant', 't-000001', '--day', day], tina);
    expect(noGrant.code).toBe(1);
    expect(noGrant.out).toMatch(/--ticket/);

    const sb = await cli(['restore', 'sandbox', '--tenant', 't-000001', '--day', day, '--ticket', 'SUP-9', '--reason', 'Deal deleted by mistake'], tina);
    expect(sb.code, sb.out).toBe(0);
    expect(sb.out).toMatch(/^opportunities\t1\t0\t1\t0\t0$/m);
    const sandboxId = /sandbox (sb-\S+)/.exec(sb.out)![1]!;

    const req = await cli(['restore', 'records', '--tenant', 't-000001', '--sandbox', sandboxId, '--ids', 'opportunities:7', '--ticket', 'SUP-9', '--reason', 'Deal deleted by mistake'], tina);
    expect(req.code, req.out).toBe(0);
    expect(req.out).toMatch(/would insert 2 rows/);
    const requestId = /^(r-\S+)\trecords\trequested/m.exec(req.out)![1]!;

    const self = await cli(['restore', 'approve', requestId], tina);
    expect(self.code).toBe(1);
    expect(self.out).toMatch(/APPROVAL_INVALID/);
    const ok = await cli(['restore', 'approve', requestId], theo);
    expect(ok.code, ok.out).toBe(0);

    const run = await cli(['restore', 'records', '--tenant', 't-000001', '--approval', requestId], tina);
    expect(run.code, run.out).toBe(0);
    expect(run.out).toMatch(/inserted: opportunities 1, opportunity_lines 1/);
    const db = new Database(livePath, { readonly: true });
    expect(db.prepare('SELECT title FROM opportunities WHERE id = 7').get()).toEqual({ title: 'Big deal' });
    db.close();

    const status = await cli(['restore', 'status', '--tenant', 't-000001'], theo);
    expect(status.out).toMatch(new RegExp(`${requestId}\trecords\tcompleted`));
  }, 120_000);
});

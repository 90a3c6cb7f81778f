import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../testing/temp-dir';
import { checkPostgresUrl, connectionTargets, readConnectionTargets } from './connection-targets';
import { consoleConfigSchema } from './config';

const dirs: Array<() => void> = [];
afterEach(() => {
  for (const remove of dirs.splice(0)) remove();
});

function dataDirWith(config: unknown): string {
  const t = tempDir();
  dirs.push(t.remove);
  writeFileSync(join(t.dir, 'custos.json'), JSON.stringify(config));
  return t.dir;
}

describe('the PostgreSQL URL variables custos.json names', () => {
  it('none for the embedded default, and no file means the default', () => {
    expect(connectionTargets(consoleConfigSchema.parse({}))).toEqual([]);
    const t = tempDir();
    dirs.push(t.remove);
    expect(readConnectionTargets(t.dir)).toEqual({ ok: true, targets: [] });
  });

  it('the control plane and the tenant server, with their default names', () => {
    const dir = dataDirWith({ controlPlane: { engine: 'postgres' }, tenantDatabases: { postgres: {} } });
    expect(readConnectionTargets(dir)).toEqual({
      ok: true,
      targets: [
        { variable: 'CUSTOS_CONTROL_PLANE_URL', purpose: 'control-plane' },
        { variable: 'CUSTOS_TENANTS_PG_URL', purpose: 'tenant-databases' },
      ],
    });
  });

  it('custom names, and one variable named twice is listed once', () => {
    expect(connectionTargets(consoleConfigSchema.parse({ controlPlane: { engine: 'postgres', urlEnv: 'PG_MAIN' }, tenantDatabases: { postgres: { urlEnv: 'PG_MAIN' } } }))).toEqual([
      { variable: 'PG_MAIN', purpose: 'control-plane' },
    ]);
    expect(connectionTargets(consoleConfigSchema.parse({ tenantDatabases: { postgres: { urlEnv: 'PG_TENANTS' } } }))).toEqual([{ variable: 'PG_TENANTS', purpose: 'tenant-databases' }]);
  });

  it('an unreadable custos.json is an error that carries the fix, not an exception', () => {
    const t = tempDir();
    dirs.push(t.remove);
    writeFileSync(join(t.dir, 'custos.json'), '{ not json');
    const r = readConnectionTargets(t.dir);
    expect(r).toMatchObject({ ok: false, error: { code: 'CONFIG_INVALID', hint: expect.any(String) } });
  });
});

describe('checkPostgresUrl: the one transport policy, before a URL is stored', () => {
  it.each([
    ['postgres://custos:s3cret@db.example.com:5432/custos?sslmode=verify-full', { host: 'db.example.com', port: 5432, database: 'custos', user: 'custos', tls: 'verify-full', local: false }],
    ['postgresql://custos@db.example.com/custos', { host: 'db.example.com', port: 5432, tls: 'verify-full' }],
    ['postgres://custos:pw@127.0.0.1:5433/postgres', { host: '127.0.0.1', port: 5433, database: 'postgres', tls: 'off', local: true }],
    ['postgres://custos@localhost/custos?sslmode=require', { host: 'localhost', tls: 'encrypt-only', local: true }],
  ])('accepts %s', (url, facts) => {
    const r = checkPostgresUrl(url);
    expect(r).toMatchObject({ ok: true, facts });
  });

  it.each([
    ['postgres://custos:pw@db.example.com/custos?sslmode=disable', 'INSECURE_TRANSPORT'],
    ['postgres://custos:pw@db.example.com/custos?sslmode=require', 'INSECURE_TRANSPORT'],
    ['postgres://custos:pw@db.example.com/custos?sslmode=verify-ca', 'INSECURE_TRANSPORT'],
    ['postgres://custos:pw@db.example.com/custos?sslmode=prefer', 'INSECURE_TRANSPORT'],
    ['http://custos:pw@db.example.com/custos', 'CONFIG_INVALID'],
    ['mysql://custos:pw@127.0.0.1/custos', 'CONFIG_INVALID'],
    ['db.example.com:5432', 'CONFIG_INVALID'],
    ['', 'CONFIG_INVALID'],
    ['postgres://custos:pw@db.example.com/custos?sslcert=/tmp/x', 'CONFIG_INVALID'],
    ['postgres://a,b/custos', 'CONFIG_INVALID'],
  ])('refuses %s (%s)', (url, code) => {
    const r = checkPostgresUrl(url);
    expect(r).toMatchObject({ ok: false, error: { code } });
  });

  it('never puts the password in the facts or the error', () => {
    const ok = checkPostgresUrl('postgres://custos:Hunter2-Secret@db.example.com:5432/custos?sslmode=verify-full');
    expect(JSON.stringify(ok)).not.toContain('Hunter2-Secret');
    const refused = checkPostgresUrl('postgres://custos:Hunter2-Secret@db.example.com:5432/custos?sslmode=disable');
    expect(refused.ok).toBe(false);
    expect(JSON.stringify(refused)).not.toContain('Hunter2-Secret');
  });

  it('refuses an oversized URL without parsing it', () => {
    expect(checkPostgresUrl(`postgres://u@127.0.0.1/${'x'.repeat(5000)}`)).toMatchObject({ ok: false, error: { code: 'CONFIG_INVALID' } });
  });
});

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../testing/temp-dir';
import { decidePostgresTransport, postgresConnectionSettings, postgresUrlFromEnv, withDatabase } from './tls.policy';

describe('decidePostgresTransport: which connections may carry tenant data', () => {
  // [url, allowed, tls in force or refusal reason]
  const table: Array<[string, boolean, string]> = [
    // This machine: nothing crosses a network; plain is the default, any sslmode accepted.
    ['postgres://custos@127.0.0.1/cp', true, 'off'],
    ['postgres://custos@127.8.9.10:6543/cp', true, 'off'],
    ['postgres://custos@localhost/cp', true, 'off'],
    ['postgres://custos@LOCALHOST./cp', true, 'off'],
    ['postgres://custos@[::1]:5432/cp', true, 'off'],
    ['postgresql:///cp?host=/var/run/postgresql', true, 'off'],
    ['postgres://custos@%2Fvar%2Frun%2Fpostgresql/cp', true, 'off'],
    ['postgres://custos@127.0.0.1/cp?sslmode=disable', true, 'off'],
    ['postgres://custos@127.0.0.1/cp?sslmode=prefer', true, 'off'],
    ['postgres://custos@127.0.0.1/cp?sslmode=require', true, 'encrypt-only'],
    ['postgres://custos@127.0.0.1/cp?sslmode=verify-ca', true, 'verify-ca'],
    ['postgres://custos@localhost/cp?sslmode=verify-full', true, 'verify-full'],
    ['postgresql:///cp?host=/run/pg&sslmode=verify-full', true, 'off'], // a socket cannot carry TLS
    // Anywhere else: verify-full, and it is the default when sslmode is absent.
    ['postgres://custos@db.example.com/cp', true, 'verify-full'],
    ['postgres://custos@db.example.com:6432/cp?sslmode=verify-full', true, 'verify-full'],
    ['postgresql://custos@10.0.0.5/cp?sslmode=verify-full&application_name=custos-cli&connect_timeout=5', true, 'verify-full'],
    ['postgres://custos@db.example.com/cp?sslmode=disable', false, 'plain-or-unverified-off-loopback'],
    ['postgres://custos@db.example.com/cp?sslmode=allow', false, 'plain-or-unverified-off-loopback'],
    ['postgres://custos@db.example.com/cp?sslmode=prefer', false, 'plain-or-unverified-off-loopback'],
    ['postgres://custos@db.example.com/cp?sslmode=require', false, 'plain-or-unverified-off-loopback'],
    ['postgres://custos@db.example.com/cp?sslmode=verify-ca', false, 'plain-or-unverified-off-loopback'],
    ['postgres://custos@[2001:db8::1]/cp?sslmode=require', false, 'plain-or-unverified-off-loopback'],
    // Names and addresses that only look local.
    ['postgres://custos@127.0.0.1.nip.io/cp?sslmode=disable', false, 'plain-or-unverified-off-loopback'],
    ['postgres://custos@localhost.example.com/cp?sslmode=disable', false, 'plain-or-unverified-off-loopback'],
    ['postgres://custos@127.1/cp?sslmode=disable', false, 'plain-or-unverified-off-loopback'],
    ['postgres://custos@0.0.0.0/cp?sslmode=disable', false, 'plain-or-unverified-off-loopback'],
    ['postgres://custos@[::ffff:127.0.0.1]/cp?sslmode=disable', false, 'plain-or-unverified-off-loopback'],
    ['postgres://custos@128.0.0.1/cp?sslmode=disable', false, 'plain-or-unverified-off-loopback'],
    // Malformed or unsupported.
    ['not a url', false, 'invalid-url'],
    ['https://db.example.com/cp', false, 'unsupported-scheme'],
    ['mysql://db.example.com/cp', false, 'unsupported-scheme'],
    ['postgres:///cp', false, 'no-host'],
    ['postgres://a.example.com,b.example.com/cp', false, 'several-hosts'],
    ['postgres://db.example.com/cp?host=/var/run/postgresql', false, 'several-hosts'],
    ['postgres://db.example.com:0/cp', false, 'bad-port'],
    ['postgres://db.example.com/cp?sslmode=verify_full', false, 'unknown-sslmode'],
    ['postgres://db.example.com/cp?ssl=true', false, 'unknown-parameter'],
    ['postgres://db.example.com/cp?sslcert=/k/c.pem&sslkey=/k/k.pem', false, 'unknown-parameter'],
    ['postgres://127.0.0.1/cp?sslmode=disable&options=-c%20x', false, 'unknown-parameter'],
  ];

  it.each(table)('%s → allowed %s (%s)', (url, allowed, what) => {
    const d = decidePostgresTransport(url);
    expect(d.allowed).toBe(allowed);
    if (d.allowed) expect(d.tls).toBe(what);
    else expect(d.reason).toBe(what);
  });
});

describe('postgresConnectionSettings', () => {
  const tmp = tempDir('custos-tls-');
  afterAll(() => tmp.remove());

  it('builds verify-full for a remote name: rejectUnauthorized and the server name', () => {
    const s = postgresConnectionSettings('postgres://custos:s3cr%40t@db.example.com:6432/custos_cp');
    expect(s).toMatchObject({ host: 'db.example.com', port: 6432, user: 'custos', password: 's3cr@t', database: 'custos_cp', local: false });
    expect(s.ssl).toEqual({ rejectUnauthorized: true, servername: 'db.example.com' });
    expect(s.display).toBe('postgres://custos@db.example.com:6432/custos_cp');
    expect(s.display).not.toContain('s3cr');
  });

  it('gives no server name for an IP address (TLS SNI takes names only; the IP is still checked against the certificate)', () => {
    const s = postgresConnectionSettings('postgres://custos@10.0.0.5/custos_cp');
    expect(s.ssl).toEqual({ rejectUnauthorized: true });
  });

  it('takes IPv6 literals without brackets', () => {
    expect(postgresConnectionSettings('postgres://custos@[2001:db8::1]:5433/cp')).toMatchObject({ host: '2001:db8::1', port: 5433, ssl: { rejectUnauthorized: true }, display: 'postgres://custos@[2001:db8::1]:5433/cp' });
    expect(postgresConnectionSettings('postgres://custos@[::1]/cp')).toMatchObject({ host: '::1', ssl: false, local: true });
  });

  it('is plain on loopback by default, and keeps a socket folder as the host', () => {
    expect(postgresConnectionSettings('postgres://postgres@127.0.0.1:5432/x').ssl).toBe(false);
    const sock = postgresConnectionSettings('postgresql:///x?host=/var/run/postgresql');
    expect(sock).toMatchObject({ host: '/var/run/postgresql', port: 5432, ssl: false, local: true, database: 'x' });
    expect(postgresConnectionSettings('postgres://127.0.0.1/x?sslmode=require').ssl).toEqual({ rejectUnauthorized: false });
  });

  it('adds the CA named by sslrootcert, and refuses an unreadable one', () => {
    const ca = join(tmp.dir, 'ca.pem');
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    const s = postgresConnectionSettings(`postgres://custos@db.example.com/cp?sslrootcert=${encodeURIComponent(ca)}`);
    expect(s.ssl).toMatchObject({ rejectUnauthorized: true, servername: 'db.example.com' });
    expect((s.ssl as { ca: Buffer[] }).ca).toHaveLength(1);
    expect(() => postgresConnectionSettings(`postgres://custos@db.example.com/cp?sslrootcert=${encodeURIComponent(join(tmp.dir, 'nope.pem'))}`)).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
  });

  it('refuses a plain or unverified remote connection with INSECURE_TRANSPORT and a hint, never echoing the password', () => {
    for (const mode of ['disable', 'prefer', 'require', 'verify-ca']) {
      let err: { code?: string; message?: string; hint?: string } = {};
      try {
        postgresConnectionSettings(`postgres://custos:hunter2@db.example.com/cp?sslmode=${mode}`);
      } catch (e) {
        err = e as typeof err;
      }
      expect(err.code, mode).toBe('INSECURE_TRANSPORT');
      expect(err.message).toContain('db.example.com');
      expect(err.hint).toMatch(/sslmode=verify-full/);
      expect(JSON.stringify(err)).not.toContain('hunter2');
    }
  });

  it('reads connect_timeout and application_name, and refuses a silly timeout', () => {
    const s = postgresConnectionSettings('postgres://127.0.0.1/x?connect_timeout=3&application_name=custos-cli');
    expect(s).toMatchObject({ connectTimeoutMs: 3000, applicationName: 'custos-cli' });
    expect(() => postgresConnectionSettings('postgres://127.0.0.1/x?connect_timeout=0')).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });

  it('withDatabase keeps server and credentials and changes the display', () => {
    const s = withDatabase(postgresConnectionSettings('postgres://custos:pw@db.example.com/postgres'), 'custos_t_000001');
    expect(s).toMatchObject({ database: 'custos_t_000001', password: 'pw', display: 'postgres://custos@db.example.com:5432/custos_t_000001' });
  });
});

describe('postgresUrlFromEnv: the URL comes from the environment variable named in custos.json', () => {
  it('returns the value', () => {
    expect(postgresUrlFromEnv('CUSTOS_CONTROL_PLANE_URL', { CUSTOS_CONTROL_PLANE_URL: ' postgres://h/x ' })).toBe('postgres://h/x');
  });

  it('names the missing variable and what to put in it', () => {
    expect(() => postgresUrlFromEnv('CUSTOS_CONTROL_PLANE_URL', {})).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining('CUSTOS_CONTROL_PLANE_URL') }),
    );
    expect(() => postgresUrlFromEnv('CUSTOS_CONTROL_PLANE_URL', { CUSTOS_CONTROL_PLANE_URL: '  ' })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });

  it('refuses a variable name that is not one', () => {
    expect(() => postgresUrlFromEnv('A=B; rm -rf', {})).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });
});

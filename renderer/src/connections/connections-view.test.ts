import { describe, expect, it } from 'vitest';
import { purposeText, sourceText, tlsText, whereText } from './connections-view';
import type { ConnectionView } from './connections-types';

const stored = { ok: true as const, host: 'db.example.com', port: 5432, database: 'custos', user: 'custos', tls: 'verify-full' as const };
const view = (over: Partial<ConnectionView>): ConnectionView => ({ variable: 'CUSTOS_CONTROL_PLANE_URL', purpose: 'control-plane', stored: null, environmentSet: false, atStart: 'none', changedSinceStart: false, ...over });

describe('database connections screen words', () => {
  it('host:port/database, IPv6 in brackets, a socket folder as it is', () => {
    expect(whereText(stored)).toBe('db.example.com:5432/custos');
    expect(whereText({ ...stored, host: '::1', database: null })).toBe('[::1]:5432/');
    expect(whereText({ ...stored, host: '/var/run/postgresql' })).toBe('/var/run/postgresql:5432/custos');
  });

  it('the environment wins, and the screen says so', () => {
    expect(sourceText(view({ stored, environmentSet: true, atStart: 'environment' }))).toContain('wins');
    expect(sourceText(view({ stored, atStart: 'keychain' }))).toBe('This start used the stored URL. The next start uses the stored URL.');
    expect(sourceText(view({}))).toContain('Neither');
  });

  it('purposes and TLS modes in words', () => {
    expect(purposeText('control-plane')).toBe('Control plane');
    expect(purposeText(null)).toContain('custos.json');
    expect(tlsText('verify-full')).toContain('verify-full');
  });
});

import { describe, expect, it } from 'vitest';
import { assertSecureTransport, decideTransport, isLoopbackHost } from './transport.policy';

describe('transport policy', () => {
  it.each([
    // [endpoint, allowed, reason]
    ['http://10.0.0.5:9000', false, 'plain-http-off-loopback'],
    ['http://192.168.1.20', false, 'plain-http-off-loopback'],
    ['http://s3.eu-west-1.amazonaws.com', false, 'plain-http-off-loopback'],
    ['http://localhost.example.com', false, 'plain-http-off-loopback'],
    ['http://sub.localhost', false, 'plain-http-off-loopback'], // resolution of *.localhost is up to the OS
    ['http://[::ffff:127.0.0.1]:4568', false, 'plain-http-off-loopback'],
    ['http://0.0.0.0:4568', false, 'plain-http-off-loopback'],
    ['http://128.0.0.1', false, 'plain-http-off-loopback'],
    ['http://127.0.0.1:4568', true, undefined],
    ['http://127.8.9.10', true, undefined],
    ['http://localhost:4568', true, undefined],
    ['http://LOCALHOST:4568', true, undefined],
    ['http://[::1]:4568', true, undefined],
    ['http://127.1:4568', true, undefined], // WHATWG URL normalises to 127.0.0.1
    ['https://10.0.0.5:9000', true, undefined],
    ['https://s3.eu-central-1.amazonaws.com', true, undefined],
    ['https://minio.internal.example', true, undefined],
    ['ftp://127.0.0.1', false, 'unsupported-scheme'],
    ['file:///tmp/bucket', false, 'unsupported-scheme'],
    ['https://user:secret@s3.example.com', false, 'credentials-in-url'],
    ['not a url', false, 'invalid-url'],
    ['', false, 'invalid-url'],
  ] as const)('%j → allowed %s (%s)', (endpoint, allowed, reason) => {
    const d = decideTransport(endpoint);
    expect(d.allowed).toBe(allowed);
    if (!d.allowed) expect(d.reason).toBe(reason);
  });

  it('throws INSECURE_TRANSPORT with a hint for plain http off loopback', () => {
    expect(() => assertSecureTransport('http://10.0.0.5:9000')).toThrow(
      expect.objectContaining({ code: 'INSECURE_TRANSPORT', hint: expect.stringContaining('https://') }),
    );
  });

  it('allows the AWS default endpoint (no endpoint configured) and reports loopback', () => {
    expect(assertSecureTransport(undefined)).toEqual({ loopback: false });
    expect(assertSecureTransport('http://127.0.0.1:1')).toEqual({ loopback: true });
    expect(assertSecureTransport('https://s3.eu-west-1.amazonaws.com')).toEqual({ loopback: false });
  });

  it('throws CONFIG_INVALID for an unusable endpoint', () => {
    expect(() => assertSecureTransport('nope')).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(() => assertSecureTransport('https://a:b@host')).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });

  it.each([
    ['127.0.0.1', true],
    ['127.255.255.254', true],
    ['[::1]', true],
    ['::1', true],
    ['localhost', true],
    ['localhost.', true],
    ['10.0.0.5', false],
    ['::2', false],
    ['example.com', false],
  ])('isLoopbackHost(%j) → %s', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });
});

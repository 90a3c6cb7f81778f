import { isIP } from 'node:net';
import { CustosError } from '../../shared/errors';

/**
 * Transport policy for object-store endpoints (SECURITY.md): tenant backups and
 * export packages never cross a network in clear text. Plain `http:` is allowed
 * only when the endpoint is this machine (a local S3-protocol server used in tests
 * and development), where nothing travels over a network.
 *
 * Pure functions of the configured endpoint: no DNS lookups. A name other than
 * `localhost` is not loopback even if it happens to resolve to 127.0.0.1 today,
 * because what it resolves to can change.
 */

/** Loopback: 127.0.0.0/8, ::1 and the name `localhost`. `hostname` as WHATWG URL gives it (IPv6 in brackets). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.split('.')[0] === '127';
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1';
  return false;
}

export type TransportDecision =
  | { allowed: true; url: URL; loopback: boolean }
  | { allowed: false; reason: 'invalid-url' | 'unsupported-scheme' | 'credentials-in-url' | 'plain-http-off-loopback'; host?: string };

/** The decision, as data, for table tests. */
export function decideTransport(endpoint: string): TransportDecision {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return { allowed: false, reason: 'invalid-url' };
  }
  if (url.username !== '' || url.password !== '') return { allowed: false, reason: 'credentials-in-url', host: url.hostname };
  const loopback = isLoopbackHost(url.hostname);
  if (url.protocol === 'https:') return { allowed: true, url, loopback };
  if (url.protocol !== 'http:') return { allowed: false, reason: 'unsupported-scheme', host: url.hostname };
  if (!loopback) return { allowed: false, reason: 'plain-http-off-loopback', host: url.hostname };
  return { allowed: true, url, loopback };
}

/**
 * Throws unless the endpoint may carry tenant data. `undefined` means the AWS
 * default endpoint, which the SDK always reaches over https.
 */
export function assertSecureTransport(endpoint: string | undefined): { loopback: boolean } {
  if (endpoint === undefined) return { loopback: false };
  const decision = decideTransport(endpoint);
  if (decision.allowed) return { loopback: decision.loopback };
  switch (decision.reason) {
    case 'plain-http-off-loopback':
      throw new CustosError(
        'INSECURE_TRANSPORT',
        `The object store endpoint uses plain http to ${decision.host}, which would send tenant data unencrypted over the network.`,
        'Change the endpoint to an https:// address. Plain http is only accepted for a server on this machine (127.0.0.1, ::1 or localhost).',
        { host: decision.host },
      );
    case 'credentials-in-url':
      throw new CustosError(
        'CONFIG_INVALID',
        'The object store endpoint contains a user name or password.',
        'Remove the credentials from the endpoint address; the access key is read from environment variables.',
        { host: decision.host },
      );
    case 'unsupported-scheme':
      throw new CustosError(
        'CONFIG_INVALID',
        'The object store endpoint must start with https://.',
        'Use the https:// address of the S3 service, for example https://s3.eu-central-1.amazonaws.com.',
        { host: decision.host },
      );
    case 'invalid-url':
      throw new CustosError(
        'CONFIG_INVALID',
        'The object store endpoint is not a valid address.',
        'Use a full address such as https://s3.eu-central-1.amazonaws.com, or leave the endpoint empty for AWS.',
      );
  }
}

import { CustosError } from '../../shared/errors';

/**
 * EEA guard (SECURITY.md "EEA guard — traps"; abuse case 7): tenant data is only
 * ever written to a bucket inside the European Economic Area.
 *
 * An explicit allow-list, not a pattern: `eu-*` would let in eu-west-2 (London,
 * UK, outside the EEA since Brexit) and eu-central-2 (Zurich, Switzerland, EFTA
 * but not EEA). Anything not listed is refused, including values we do not know.
 *
 * Left out on purpose until someone verifies them against the SDK and the
 * contract: the AWS European Sovereign Cloud (`eusc-de-east-1`, Brandenburg) is in
 * the EEA but is a separate partition with its own endpoints and accounts.
 */
export const EEA_AWS_REGIONS: ReadonlyMap<string, string> = new Map([
  ['eu-west-1', 'Ireland'],
  ['eu-west-3', 'France (Paris)'],
  ['eu-central-1', 'Germany (Frankfurt)'],
  ['eu-north-1', 'Sweden (Stockholm)'],
  ['eu-south-1', 'Italy (Milan)'],
  ['eu-south-2', 'Spain (Aragón)'],
]);

export function isEeaRegion(region: unknown): boolean {
  return typeof region === 'string' && EEA_AWS_REGIONS.has(region);
}

const ALLOWED_LIST = [...EEA_AWS_REGIONS.keys()].join(', ');

/** Throws BUCKET_OUTSIDE_EEA unless the configured region is on the allow-list. */
export function assertEeaRegion(region: unknown): void {
  if (isEeaRegion(region)) return;
  const shown = typeof region === 'string' && region !== '' ? region : '(none)';
  throw new CustosError(
    'BUCKET_OUTSIDE_EEA',
    `The object store region "${shown}" is not in the European Economic Area, so tenant data may not be stored there.`,
    `Configure a bucket in one of these regions: ${ALLOWED_LIST}. London (eu-west-2) and Zurich (eu-central-2) are outside the EEA.`,
    { region: shown },
  );
}

export interface BucketLocationFacts {
  /** The region Custos is configured to use. */
  configuredRegion: string;
  /** GetBucketLocation's LocationConstraint, as returned (null/undefined/'' when empty). */
  locationConstraint: string | null | undefined;
  /** True when the endpoint is this machine (see transport.policy.ts). */
  endpointIsLoopback: boolean;
}

export type BucketLocationDecision =
  | { allowed: true; region: string | null }
  | { allowed: false; reason: 'outside-eea' | 'region-mismatch'; region: string };

/**
 * What GetBucketLocation's answer means, as a pure function for table tests.
 *
 * - An empty LocationConstraint is how AWS says us-east-1: refused.
 *   Exception: a loopback endpoint is a local S3-protocol test server (s3rver)
 *   that does not implement locations and always answers empty. Nothing it
 *   stores leaves this machine, so there is no region to guard; the configured
 *   region has already passed the allow-list. A loopback server that does
 *   answer with a location is still held to the allow-list.
 * - "EU" is the legacy constraint for eu-west-1 (buckets created long ago).
 * - A location in the EEA but different from the configured region is refused
 *   too: every request would be redirected, and the configuration is lying
 *   about where the data is.
 */
export function decideBucketLocation(facts: BucketLocationFacts): BucketLocationDecision {
  const raw = facts.locationConstraint ?? '';
  if (raw === '') {
    if (facts.endpointIsLoopback) return { allowed: true, region: null };
    return { allowed: false, reason: 'outside-eea', region: 'us-east-1' };
  }
  const region = raw === 'EU' ? 'eu-west-1' : raw;
  if (!isEeaRegion(region)) return { allowed: false, reason: 'outside-eea', region };
  if (region !== facts.configuredRegion) return { allowed: false, reason: 'region-mismatch', region };
  return { allowed: true, region };
}

/** Throws BUCKET_OUTSIDE_EEA (or CONFIG_INVALID on a region mismatch) per {@link decideBucketLocation}. */
export function assertBucketLocation(bucket: string, facts: BucketLocationFacts): void {
  const decision = decideBucketLocation(facts);
  if (decision.allowed) return;
  if (decision.reason === 'region-mismatch') {
    throw new CustosError(
      'CONFIG_INVALID',
      `The bucket "${bucket}" is in ${decision.region}, but Custos is configured for ${facts.configuredRegion}.`,
      `Set the object store region to ${decision.region}.`,
      { bucket, bucketRegion: decision.region, configuredRegion: facts.configuredRegion },
    );
  }
  throw new CustosError(
    'BUCKET_OUTSIDE_EEA',
    `The bucket "${bucket}" is in ${decision.region}, outside the European Economic Area. Nothing was written to it.`,
    `Use a bucket created in one of these regions: ${ALLOWED_LIST}. An existing bucket cannot change region; create a new one and point Custos at it.`,
    { bucket, bucketRegion: decision.region },
  );
}

import { describe, expect, it } from 'vitest';
import { assertBucketLocation, assertEeaRegion, decideBucketLocation, EEA_AWS_REGIONS, isEeaRegion } from './eea.policy';

describe('EEA allow-list', () => {
  it.each([
    ['eu-west-1', true],
    ['eu-west-3', true],
    ['eu-central-1', true],
    ['eu-north-1', true],
    ['eu-south-1', true],
    ['eu-south-2', true],
    ['eu-west-2', false], // London: UK, not EEA
    ['eu-central-2', false], // Zurich: Switzerland, not EEA
    ['us-east-1', false],
    ['il-central-1', false],
    ['me-central-1', false],
    ['EU-WEST-1', false], // no case folding: an unknown spelling is an unknown value
    [' eu-west-1', false],
    ['eu-west-1 ', false],
    ['eu-west-9', false], // unknown, even if it looks European
    ['eu', false],
    ['EU', false], // a legacy LocationConstraint, not a region name
    ['', false],
  ])('%j → %s', (region, allowed) => {
    expect(isEeaRegion(region)).toBe(allowed);
    if (allowed) expect(() => assertEeaRegion(region)).not.toThrow();
    else expect(() => assertEeaRegion(region)).toThrow(expect.objectContaining({ code: 'BUCKET_OUTSIDE_EEA' }));
  });

  it.each([[undefined], [null], [42], [{}]])('refuses a non-string region %j', (region) => {
    expect(() => assertEeaRegion(region)).toThrow(expect.objectContaining({ code: 'BUCKET_OUTSIDE_EEA' }));
  });

  it('holds exactly the six documented regions', () => {
    expect([...EEA_AWS_REGIONS.keys()].sort()).toEqual(
      ['eu-central-1', 'eu-north-1', 'eu-south-1', 'eu-south-2', 'eu-west-1', 'eu-west-3'].sort(),
    );
  });

  it('explains the fix in the hint', () => {
    try {
      assertEeaRegion('eu-west-2');
      expect.unreachable();
    } catch (e) {
      expect((e as { hint: string }).hint).toContain('eu-central-1');
      expect((e as { message: string }).message).toContain('eu-west-2');
    }
  });
});

describe('GetBucketLocation decision', () => {
  it.each([
    // [configured, LocationConstraint, loopback endpoint, allowed, reason]
    ['eu-west-1', 'eu-west-1', false, true, undefined],
    ['eu-west-1', 'EU', false, true, undefined], // legacy name for eu-west-1
    ['eu-central-1', 'eu-central-1', false, true, undefined],
    ['eu-west-1', null, false, false, 'outside-eea'], // empty = us-east-1 on AWS
    ['eu-west-1', undefined, false, false, 'outside-eea'],
    ['eu-west-1', '', false, false, 'outside-eea'],
    ['eu-west-1', 'us-east-1', false, false, 'outside-eea'],
    ['eu-west-1', 'eu-west-2', false, false, 'outside-eea'],
    ['eu-west-1', 'eu-central-2', false, false, 'outside-eea'],
    ['eu-west-1', 'eu-central-1', false, false, 'region-mismatch'],
    ['eu-west-1', null, true, true, undefined], // local test server: no locations implemented
    ['eu-west-1', '', true, true, undefined],
    ['eu-west-1', 'us-east-1', true, false, 'outside-eea'], // a loopback answer is still checked
    ['eu-west-1', 'eu-west-2', true, false, 'outside-eea'],
  ] as const)('configured %s, location %j, loopback %s → allowed %s (%s)', (configuredRegion, locationConstraint, endpointIsLoopback, allowed, reason) => {
    const d = decideBucketLocation({ configuredRegion, locationConstraint, endpointIsLoopback });
    expect(d.allowed).toBe(allowed);
    if (!d.allowed) expect(d.reason).toBe(reason);
  });

  it('throws BUCKET_OUTSIDE_EEA for us-east-1 and CONFIG_INVALID for a mismatch inside the EEA', () => {
    expect(() =>
      assertBucketLocation('b', { configuredRegion: 'eu-west-1', locationConstraint: null, endpointIsLoopback: false }),
    ).toThrow(expect.objectContaining({ code: 'BUCKET_OUTSIDE_EEA', details: { bucket: 'b', bucketRegion: 'us-east-1' } }));
    expect(() =>
      assertBucketLocation('b', { configuredRegion: 'eu-west-1', locationConstraint: 'eu-north-1', endpointIsLoopback: false }),
    ).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });
});

import { CallRecord, readCallRecord } from '../input/callRecord';
import { readHeader } from '../input/header';
import { Rejection } from '../input/rejection';
import { loadReferenceData } from '../reference/referenceData';
import { RatedCall, rateRecord } from './rateRecord';

const { tariffs, numbering } = loadReferenceData();

const header = readHeader(['record_id', 'contract_id', 'number', 'direction', 'peer', 'start', 'duration']);
if (!header.ok) throw new Error(header.message);
const positions = header.positions;

/** A well-formed record from raw fields, as the input stage would hand it on. */
function record(
  direction: 'out' | 'in',
  peer: string,
  duration = '93.5',
  start = '2011-04-01T09:15:02+09:00',
): CallRecord {
  const result = readCallRecord(['A1', 'N000000001', '05012345678', direction, peer, start, duration], positions);
  if ('code' in result) throw new Error(`test record rejected: ${result.code} ${result.message}`);
  return result;
}

const rate = (callRecord: CallRecord): RatedCall | Rejection => rateRecord(callRecord, tariffs, numbering);
const YEN = 10_000;

describe('rateRecord, outbound', () => {
  test('a general call is rated with its tariff, plan and rate, and keeps its record', () => {
    // 93.5 s → ceil(93,500 / 180,000) = 1 unit × 8 yen
    expect(rate(record('out', '03-1234-5678'))).toEqual({
      recordId: 'A1',
      contractId: 'N000000001',
      number: '05012345678',
      direction: 'out',
      peer: '0312345678',
      peerIsNumber: true,
      startMs: Date.UTC(2011, 3, 1, 0, 15, 2),
      durationMs: 93_500,
      month: '2011-04',
      peerClass: 'general',
      planId: 'REFERENCE',
      tariffId: 'REF-2006-12',
      numberingPlanId: 'JP-050-REFERENCE',
      rateId: 'GENERAL',
      ratePrefix: null,
      units: 1,
      chargeScaled: 8 * YEN,
      chargeRemainderParts: 0,
      chakuwariEligible: false,
    });
  });

  test.each([
    // [peer, duration, class, rateId, ratePrefix, units, yen]
    ['0312345678', '180.001', 'general', 'GENERAL', null, 2, 16], // 2 × 8
    ['0120-123-456', '600', 'general', 'GENERAL_FREE_DIAL', '0120', 4, 0], // free dial
    ['0800-123-4567', '600', 'general', 'GENERAL_FREE_DIAL', '0800', 4, 0],
    ['+86 10 1234 5678', '60.001', 'international', 'INTERNATIONAL_CHINA', '01086', 2, 60], // 2 × 30
    ['010-1-212-555-0100', '60', 'international', 'INTERNATIONAL_US_CANADA', '0101', 1, 9],
    ['+82 2 1234 5678', '120', 'international', 'INTERNATIONAL_KOREA', '01082', 2, 60], // 2 × 30
    ['+44 20 7946 0000', '1', 'international', 'INTERNATIONAL_UK', '01044', 1, 20],
    ['+33 1 23 45 67 89', '61', 'international', 'INTERNATIONAL_OTHER', null, 2, 120], // 2 × 60
    ['090-1111-2222', '60.001', 'mobile', 'MOBILE', null, 2, 32], // 2 × 16
    ['070-1234-5678', '120.001', 'phs', 'PHS', null, 3, 40], // 2011: 070 is PHS; 10 + 3 × 10
    ['050-3300-1234', '3600', 'ip', 'IP_ON_NET', '0503300', 20, 0], // partner block
    ['050-1234-9999', '180', 'ip', 'IP_OFF_NET', null, 1, 8],
    ['0312345678', '0', 'general', 'GENERAL', null, 0, 0], // zero duration: accepted, free
    ['070-1234-5678', '0', 'phs', 'PHS', null, 0, 0], // not even the PHS per-call fee
  ])(
    'out to %s for %s s: %s, %s (prefix %p), %p units, %p yen',
    (peer, duration, peerClass, rateId, ratePrefix, units, yen) => {
      expect(rate(record('out', peer, duration))).toMatchObject({
        peerClass,
        rateId,
        ratePrefix,
        units,
        chargeScaled: yen * YEN,
        tariffId: 'REF-2006-12',
        chakuwariEligible: false,
      });
    },
  );

  test.each([
    ['0570-123-456', '0570'],
    ['0180-123-456', '0180'],
    ['0990-123-456', '0990'],
    ['020-1234-5678', '020'],
    ['060-1234-5678', '060'],
    ['0033-010-1-212-555-0100', '00'],
    ['110', '1'],
    ['119', '1'],
    ['184-03-1234-5678', '1'],
  ])('out to %s is rejected NOT_CALLABLE', (peer, prefix) => {
    expect(rate(record('out', peer))).toEqual({
      ok: false,
      code: 'NOT_CALLABLE',
      message: `${peer.replace(/-/g, '')} (${prefix}…) cannot be called from a 050 phone`,
    });
  });

  test.each([
    ['050-1234-567', '050 with 10 digits'],
    ['070-1234-567', '070 with 10 digits'],
    ['0120-123-4567', '0120 with 7 digits'],
    ['03-1234-567', 'fixed with 9 digits'],
    ['010-12345', '010 + 5 digits'],
    ['0', '0 alone'],
    ['5012345678', 'no leading 0'],
  ])('out to %s is rejected BAD_PEER (%s)', (peer) => {
    expect(rate(record('out', peer))).toMatchObject({ ok: false, code: 'BAD_PEER' });
  });

  test('a 070 call is rated by the numbering plan in effect at its start', () => {
    // 07012345678: PHS until 2013-10-31, mobile from 2013-11-01 (Japan time)
    expect(rate(record('out', '07012345678', '60', '2013-10-31 23:59:59'))).toMatchObject({
      peerClass: 'phs',
      chargeScaled: 20 * YEN,
    });
    expect(rate(record('out', '07012345678', '60', '2013-11-01 00:00:00'))).toMatchObject({
      peerClass: 'mobile',
      chargeScaled: 16 * YEN,
    });
  });

  test('the month is the Japan-time month of the start', () => {
    expect(rate(record('out', '0312345678', '60', '2011-04-30T15:00:00Z'))).toMatchObject({ month: '2011-05' });
    expect(rate(record('out', '0312345678', '60', '2011-04-30T14:59:59.999Z'))).toMatchObject({ month: '2011-04' });
  });
});

describe('rateRecord, tariff in effect', () => {
  test('no tariff before 2006-12-01 00:00 Japan time: NO_TARIFF', () => {
    expect(rate(record('out', '0312345678', '60', '2006-11-30T23:59:59+09:00'))).toEqual({
      ok: false,
      code: 'NO_TARIFF',
      message: 'no version of plan REFERENCE (the default plan) is in effect at the call start',
    });
    expect(rate(record('out', '0312345678', '60', '2006-11-30T14:59:59.999Z'))).toMatchObject({ code: 'NO_TARIFF' });
  });

  test('from 2006-12-01 00:00 Japan time the reference tariff rates the call', () => {
    expect(rate(record('out', '0312345678', '60', '2006-12-01T00:00:00+09:00'))).toMatchObject({
      tariffId: 'REF-2006-12',
      chargeScaled: 8 * YEN,
      month: '2006-12',
    });
  });

  test('NO_TARIFF comes before the peer is looked at', () => {
    expect(rate(record('out', '110', '60', '2006-11-30 23:59:59'))).toMatchObject({ code: 'NO_TARIFF' });
  });

  test.each([
    ['', 'an outbound call needs the dialled number'],
    ['anonymous', '"anonymous" is not a telephone number'],
    ['12a', '"12a" is not a telephone number'],
  ])(
    'an outbound peer %j that is no number is BAD_PEER, tariff or not (the field before the data)',
    (peer, message) => {
      expect(rate(record('out', peer, '60', '2011-04-01 09:00:00'))).toEqual({ ok: false, code: 'BAD_PEER', message });
      expect(rate(record('out', peer, '60', '2006-11-30 23:59:59'))).toEqual({ ok: false, code: 'BAD_PEER', message });
    },
  );
});

describe('rateRecord, inbound and 着割 eligibility', () => {
  test.each([
    // [caller, peerClass, eligible]
    ['03-1234-5678', 'general', true],
    ['0120-123-456', 'general', true], // free dial numbers classify as general
    ['090-1111-2222', 'mobile', true],
    ['080-1111-2222', 'mobile', true],
    ['070-1234-5678', 'phs', true], // in 2011
    ['+81 3 1234 5678', 'general', true], // +81 is domestic
    ['', 'withheld', false],
    ['anonymous', 'withheld', false],
    ['Anonymous', 'withheld', false],
    ['非通知', 'withheld', false],
    ['+44 20 7946 0000', 'international', false],
    ['+1 212 555 0100', 'international', false],
    ['050-1234-5678', 'ip', false],
    ['050-3300-1234', 'ip', false], // on-net too
    ['0570-123-456', 'not-callable', false],
    ['110', 'not-callable', false],
    ['03-1234-567', 'unknown', false], // a number of the wrong length
    ['12a', 'unknown', false], // not a number at all
    ['unknown caller', 'unknown', false],
  ])('a call from %p: caller %s, eligible %p', (caller, peerClass, chakuwariEligible) => {
    expect(rate(record('in', caller, '120'))).toMatchObject({
      direction: 'in',
      peerClass,
      chakuwariEligible,
      rateId: null,
      ratePrefix: null,
      units: 0,
      chargeScaled: 0,
      tariffId: 'REF-2006-12',
    });
  });

  test('an inbound call is never rejected for its caller id', () => {
    const rated = rate(record('in', '12a'));
    expect('code' in rated).toBe(false);
    expect(rated).toMatchObject({ peer: '12a', peerIsNumber: false, peerClass: 'unknown' });
  });

  test.each([
    ['0', false], // zero duration: not eligible
    ['0.001', true], // 1 ms is enough
  ])('a fixed-line call of %s s is eligible: %p', (duration, chakuwariEligible) => {
    expect(rate(record('in', '03-1234-5678', duration))).toMatchObject({ chakuwariEligible });
  });

  test('an inbound 070 call after number portability is mobile and eligible', () => {
    expect(rate(record('in', '070-5123-4567', '60', '2014-10-01 00:00:00'))).toMatchObject({
      peerClass: 'mobile',
      chakuwariEligible: true,
    });
    expect(rate(record('in', '070-5123-4567', '60', '2014-09-30 23:59:59'))).toMatchObject({
      peerClass: 'phs',
      chakuwariEligible: true,
    });
  });
});

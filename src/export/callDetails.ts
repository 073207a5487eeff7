import { stringify } from 'csv-stringify/sync';
import { RunFailedError } from '../errors';
import { formatScaledYen, MAX_FRACTION_DIGITS } from '../money/scaledYen';
import { peerClassLabel } from '../rate/inboundCall';
import { CallDetailsRequest, StoredCallDetail, StoreReader } from '../store/types';
import { formatTenths, truncateToTenths } from '../time/duration';
import { formatJapanTime } from '../time/japanTime';
import { WITHHELD_CALLER } from '../numbering/peer';
import { neutraliseFormula } from './csvOutput';

/**
 * The per-call detail (通話明細) of a contract and month: one CSV line per stored call, with
 * how it was classified and rated and where it came from (file and line), so any statement
 * figure can be traced to its calls. The query is `readCallDetails`; the formatting below it
 * is pure.
 */

export type { CallDetailsRequest, DirectionFilter, StoredCallDetail } from '../store/types';

/**
 * The calls of a contract and month (and number), ordered by number, start and record_id.
 * Late and unrated calls are included: their status column says so. A contract, month or
 * number without any call is a failed run, not an empty file.
 */
export async function readCallDetails(store: StoreReader, request: CallDetailsRequest): Promise<StoredCallDetail[]> {
  if (!(await store.hasCalls(request.contractId, request.month, request.number)))
    throw new RunFailedError(await noCallsMessage(store, request));
  return store.callDetails(request);
}

async function noCallsMessage(store: StoreReader, request: CallDetailsRequest): Promise<string> {
  if (request.number !== undefined && (await store.hasCalls(request.contractId, request.month))) {
    return `no calls: number ${request.number} has no calls in ${request.contractId} ${request.month}`;
  }
  const months = await store.callMonths(request.contractId);
  const known = months.length === 0 ? 'it has no calls at all' : `months with calls: ${months.join(', ')}`;
  return `no calls: contract ${request.contractId} has no calls in ${request.month} (${known})`;
}

export const CALL_DETAIL_COLUMNS = [
  'number',
  'direction',
  'start',
  'peer',
  'duration',
  'duration_tenths',
  'type',
  'label',
  'tariff_version',
  'rate',
  'units',
  'charge',
  'record_id',
  'file',
  'line',
  'status',
] as const;

export type CallDetailRow = Record<(typeof CALL_DETAIL_COLUMNS)[number], string>;

export interface CallDetailOptions {
  /** Hide the last four digits of each peer, as carriers print 通話明細. */
  mask: boolean;
  /** A plan with allowances: the scaled yen of each call (by record_id) the 無料通話分 covered, printed in an `allowance` column. */
  allowanceCovered?: ReadonlyMap<string, number>;
}

/** One call as a CSV line's fields: Japan time, dialled peer, duration as the statement shows it, exact charge. */
export function callDetailRow(call: StoredCallDetail, options: CallDetailOptions): CallDetailRow {
  const durationTenths = truncateToTenths(call.durationMs);
  return {
    number: call.number,
    direction: call.direction,
    start: formatJapanDateTime(call.startMs),
    peer: printedPeer(call, options),
    duration: formatTenths(durationTenths),
    duration_tenths: String(durationTenths),
    type: call.peerClass,
    label: peerClassLabel(call.peerClass),
    tariff_version: call.tariffId,
    rate: call.rateId ?? '',
    units: String(call.units),
    charge: formatExactYen(call.chargeScaled),
    record_id: call.recordId,
    file: call.fileName,
    line: String(call.line),
    status: callStatus(call),
  };
}

/**
 * The call details as CSV: header, one line per call, CRLF, every cell neutralised against formulas.
 * A plan with allowances adds a last column, `allowance`: the yen of the call's charge it covered.
 */
export function renderCallDetailsCsv(calls: StoredCallDetail[], options: CallDetailOptions): string {
  const covered = options.allowanceCovered;
  return stringify(
    calls.map((call) =>
      covered === undefined
        ? callDetailRow(call, options)
        : { ...callDetailRow(call, options), allowance: formatExactYen(covered.get(call.recordId) ?? 0) },
    ),
    {
      header: true,
      columns: covered === undefined ? [...CALL_DETAIL_COLUMNS] : [...CALL_DETAIL_COLUMNS, 'allowance'],
      record_delimiter: 'windows',
      cast: { string: neutraliseFormula },
    },
  );
}

/**
 * `2011-04-01 09:15:02.000`: Japan time without the `T` and the offset, the form Excel reads as a
 * date and time (an ISO string with `+09:00` stays text in a sheet). The column is always Japan time.
 */
export function formatJapanDateTime(startMs: number): string {
  return formatJapanTime(startMs).slice(0, 23).replace('T', ' ');
}

/** The peer as dialled; a withheld caller as 非通知; masked: the last four characters as `****`. */
export function printedPeer(call: Pick<StoredCallDetail, 'peer' | 'peerClass'>, options: CallDetailOptions): string {
  if (call.peerClass === 'withheld') return WITHHELD_CALLER;
  if (!options.mask) return call.peer;
  const hidden = Math.min(4, call.peer.length);
  return `${call.peer.slice(0, call.peer.length - hidden)}${'*'.repeat(hidden)}`;
}

/** The exact charge in yen, trailing fraction zeros trimmed: `8`, `8.4`, `10.25`; never cut to whole yen. */
export function formatExactYen(chargeScaled: number): string {
  const exact = formatScaledYen(chargeScaled, MAX_FRACTION_DIGITS);
  return exact.replace(/0+$/, '').replace(/\.$/, '');
}

/** `billed` (in the statement), `late` (arrived after its month was closed), `unrated:<code>` (a re-rate could not rate it). */
export function callStatus(call: Pick<StoredCallDetail, 'late' | 'unratedCode'>): string {
  if (call.unratedCode !== null) return `unrated:${call.unratedCode}`;
  return call.late === 1 ? 'late' : 'billed';
}

import { ChakuwariTotal, NumberTypeTotal } from '../../aggregate/monthlyTotals';
import { CallRecord } from '../../input/callRecord';
import { KeyTable, recordKey, RunList, Uint32List } from './callKeys';
import type { SqliteStore } from './sqliteStore';
import { AcceptedCall, FileBatch, FileOutcome, FileTransaction, StoredCallIdentity } from '../types';

/** Rows per multi-row INSERT of calls (23 values each: 736 parameters). */
const INSERT_ROWS = 32;
const CALL_COLUMNS = 23;
/** Calls whose keys make one call_keys part (at most: a file's end, or a month, ends a part sooner). */
const KEY_PART_CALLS = 65_536;

/**
 * One file's writes, on the store's connection inside the transaction `beginFile` opened. Calls
 * are appended with call_ids of their own, consecutive from the store's last one; each call's
 * month, contract and record key are kept until `flushKeys` writes them as call_keys parts and
 * their call_index rows (see callKeys.ts), every KEY_PART_CALLS calls and at the file's end.
 */
export class SqliteFileTransaction implements FileTransaction {
  private readonly insertCall;
  private readonly insertCalls;
  private readonly oneRow: unknown[] = new Array(CALL_COLUMNS);
  private readonly manyRows: unknown[] = new Array(CALL_COLUMNS * INSERT_ROWS);
  private readonly insertReject;
  private readonly insertDuplicate;
  private readonly insertSkip;
  private nextCallId: number;
  private readonly columnCodes;
  /** The calls from call_id firstUnkeyed on, not yet in a call_keys part: their months (by dense code), contracts and keys. */
  private firstUnkeyed: number;
  private readonly monthCodes = new DenseCodes();
  private readonly unkeyedMonths = new RunList();
  private readonly unkeyedContracts: string[] = [];
  private readonly unkeyed = new Uint32List();
  private lastMonth = '';
  private lastMonthCode = 0;
  private lastMonthKeys: KeyTable | undefined;
  /** The months this file's calls are in. */
  private readonly monthsWritten = new Set<string>();

  constructor(
    private readonly store: SqliteStore,
    private readonly fileId: number,
  ) {
    const insert = `INSERT INTO call_rows (call_id, record_id, file_id, line, contract_id, number, direction, peer, peer_is_number, start_ms,
        duration_ms, month, peer_class, tariff_id, numbering_plan_id, rate_id, rate_prefix, units, charge_scaled, chakuwari_eligible, late,
        plan_id, charge_remainder_parts)
      VALUES `;
    const oneRow = `(${Array(CALL_COLUMNS).fill('?').join(', ')})`;
    this.insertCall = store.fileTransactionSql(insert + oneRow);
    this.insertCalls = store.fileTransactionSql(insert + Array(INSERT_ROWS).fill(oneRow).join(', '));
    this.insertReject = store.fileTransactionSql(
      'INSERT INTO rejects (file_id, line, code, message, raw, record_json) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.insertDuplicate = store.fileTransactionSql(
      'INSERT INTO duplicates (file_id, line, record_id) VALUES (?, ?, ?)',
    );
    this.insertSkip = store.fileTransactionSql('INSERT INTO skips (file_id, line, reason) VALUES (?, ?, ?)');
    const column = (): ((value: string | null) => number | null) => store.values.column();
    this.columnCodes = {
      direction: column(),
      month: column(),
      peerClass: column(),
      tariffId: column(),
      numberingPlanId: column(),
      rateId: column(),
      ratePrefix: column(),
      planId: column(),
    };
    this.nextCallId = store.nextCallId();
    this.firstUnkeyed = this.nextCallId;
  }

  storedCalls(calls: Pick<CallRecord, 'recordId' | 'startMs'>[]): Promise<Map<string, StoredCallIdentity[]>> {
    return this.store.storedCalls(calls);
  }

  async writeBatch(batch: FileBatch): Promise<'written'> {
    for (const reject of batch.rejects) {
      this.insertReject.run(
        this.fileId,
        reject.line,
        reject.code,
        reject.message,
        reject.raw,
        reject.record === null ? null : JSON.stringify(reject.record),
      );
    }
    for (const duplicate of batch.duplicates) this.insertDuplicate.run(this.fileId, duplicate.line, duplicate.recordId);
    for (const skip of batch.skips) this.insertSkip.run(this.fileId, skip.line, skip.reason);
    this.insertAccepted(batch.calls);
    return 'written';
  }

  /** Inserts accepted calls, many rows per statement, through one reused parameter array. */
  private insertAccepted(calls: AcceptedCall[]): void {
    let index = 0;
    for (; index + INSERT_ROWS <= calls.length; index += INSERT_ROWS) {
      for (let row = 0; row < INSERT_ROWS; row += 1)
        this.putCallValues(this.manyRows, row * CALL_COLUMNS, calls[index + row]!);
      this.insertCalls.run(this.manyRows);
    }
    for (; index < calls.length; index += 1) {
      this.putCallValues(this.oneRow, 0, calls[index]!);
      this.insertCall.run(this.oneRow);
    }
    if (this.nextCallId - this.firstUnkeyed >= KEY_PART_CALLS) this.flushKeys();
  }

  private putCallValues(values: unknown[], at: number, { call, line, late }: AcceptedCall): void {
    const callId = this.nextCallId;
    this.nextCallId += 1;
    const key = recordKey(call.recordId);
    // A file's calls mostly share a month: its code and key table are looked up once per change.
    if (call.month !== this.lastMonth) {
      this.lastMonth = call.month;
      this.lastMonthCode = this.monthCodes.code(call.month);
      this.lastMonthKeys = this.store.monthKeys(call.month);
    }
    this.lastMonthKeys!.add(key, callId);
    this.unkeyedMonths.push(this.lastMonthCode);
    this.unkeyedContracts.push(call.contractId);
    this.unkeyed.push(key);
    const codes = this.columnCodes;
    values[at] = callId;
    values[at + 1] = call.recordId;
    values[at + 2] = this.fileId;
    values[at + 3] = line;
    values[at + 4] = call.contractId;
    values[at + 5] = call.number;
    values[at + 6] = codes.direction(call.direction);
    values[at + 7] = call.peer;
    values[at + 8] = call.peerIsNumber ? 1 : 0;
    values[at + 9] = call.startMs;
    values[at + 10] = call.durationMs;
    values[at + 11] = codes.month(call.month);
    values[at + 12] = codes.peerClass(call.peerClass);
    values[at + 13] = codes.tariffId(call.tariffId);
    values[at + 14] = codes.numberingPlanId(call.numberingPlanId);
    values[at + 15] = codes.rateId(call.rateId);
    values[at + 16] = codes.ratePrefix(call.ratePrefix);
    values[at + 17] = call.units;
    values[at + 18] = call.chargeScaled;
    values[at + 19] = call.chakuwariEligible ? 1 : 0;
    values[at + 20] = late ? 1 : 0;
    values[at + 21] = codes.planId(call.planId);
    values[at + 22] = call.chargeRemainderParts;
  }

  /** Writes what is left of the file's keys and index rows; the months the file's calls are in. */
  flushIndexes(): Set<string> {
    this.flushKeys();
    return this.monthsWritten;
  }

  /**
   * Writes the calls appended since the last flush as one call_keys part per month (their keys
   * and call_ids ascending) with its call_index rows. Parts and index rows are only appended, so
   * they are flushed every KEY_PART_CALLS calls: what a file keeps in memory stays small.
   */
  private flushKeys(): void {
    const count = this.nextCallId - this.firstUnkeyed;
    if (count === 0) return;
    const months = this.monthCodes.names;
    const counts = new Uint32Array(months.length);
    for (let index = 0; index < count; index += 1) counts[this.unkeyedMonths.at(index)]! += 1;
    months.forEach((month, monthCode) => {
      const calls = counts[monthCode]!;
      if (calls === 0) return;
      const keys = Buffer.alloc(calls * 4);
      const callIds = Buffer.alloc(calls * 4);
      const contracts: string[] = [];
      let at = 0;
      for (let index = 0; index < count; index += 1) {
        if (this.unkeyedMonths.at(index) !== monthCode) continue;
        keys.writeUInt32LE(this.unkeyed.at(index), at);
        callIds.writeUInt32LE(this.firstUnkeyed + index, at);
        contracts.push(this.unkeyedContracts[index]!);
        at += 4;
      }
      this.store.writeKeyPart(month, this.fileId, keys, callIds, contracts);
      this.monthsWritten.add(month);
    });
    this.unkeyed.length = 0;
    this.unkeyedContracts.length = 0;
    this.unkeyedMonths.clear();
    this.monthCodes.clear();
    this.lastMonth = '';
    this.firstUnkeyed = this.nextCallId;
  }

  async addTotals(typeTotals: NumberTypeTotal[], chakuwariTotals: ChakuwariTotal[]): Promise<void> {
    this.store.addTotalsNow(typeTotals, chakuwariTotals);
  }

  async finish(outcome: FileOutcome): Promise<'applied' | 'already-ingested'> {
    return this.store.finishFile(this.fileId, outcome, () => this.flushIndexes());
  }

  async rollback(): Promise<void> {
    this.store.rollbackFile();
  }
}

/** Dense codes 0, 1, 2, … (in order of first use) for the months of a file's calls, and the months by dense code. */
class DenseCodes {
  private readonly codes = new Map<string, number>();
  readonly names: string[] = [];

  code(value: string): number {
    let code = this.codes.get(value);
    if (code === undefined) {
      code = this.names.length;
      this.codes.set(value, code);
      this.names.push(value);
    }
    return code;
  }

  clear(): void {
    this.codes.clear();
    this.names.length = 0;
  }
}

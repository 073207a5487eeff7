import type Database from 'better-sqlite3';
import type { Db } from './connection';

/**
 * The codes of the repeated values of calls (direction, month, class, tariff, rate and plan ids,
 * unrated code): `call_values`, as the SQLite store's call_rows holds them (migration 6). Read once per
 * connection, extended inside the writer's transactions; forgotten when one rolls back. A value
 * another connection added since is looked up when first met.
 */
export class CallValues {
  private values: (string | undefined)[] = [];
  private readonly codes = new Map<string, number>();
  private loaded = false;
  private selectCode: Database.Statement | undefined;
  private insertValue: Database.Statement | undefined;

  constructor(private readonly db: Db) {}

  /** The code of a value, added to call_values when new (inside the caller's write transaction). */
  code(value: string): number {
    const known = this.find(value);
    if (known !== undefined) return known;
    this.insertValue ??= this.db.prepare('INSERT INTO call_values (value) VALUES (?)');
    const code = Number(this.insertValue.run(value).lastInsertRowid);
    this.remember(code, value);
    return code;
  }

  codeOrNull(value: string | null): number | null {
    return value === null ? null : this.code(value);
  }

  /**
   * `code` for one column of a file's calls, remembering its last value: most columns repeat from
   * one call to the next (the month, the tariff, the plan), so most look-ups are one comparison.
   * For one write transaction: a rollback forgets the codes it remembers.
   */
  column(): (value: string | null) => number | null {
    let last: string | null = null;
    let lastCode: number | null = null;
    return (value) => {
      if (value === last) return lastCode;
      last = value;
      lastCode = this.codeOrNull(value);
      return lastCode;
    };
  }

  /** The code of a value the store holds, if it holds it (no write). */
  find(value: string): number | undefined {
    this.load();
    const code = this.codes.get(value);
    if (code !== undefined) return code;
    this.selectCode ??= this.db.prepare('SELECT value_id AS code FROM call_values WHERE value = ?');
    const row = this.selectCode.get(value) as { code: number } | undefined;
    if (row !== undefined) this.remember(row.code, value);
    return row?.code;
  }

  /**
   * The value of a stored code; a code no value has is undefined, and a stored value that is not a
   * code (damage) is given back as it is, for the row checks to name.
   */
  value(code: unknown): unknown {
    if (typeof code !== 'number') return code;
    this.load();
    const value = this.values[code];
    if (value !== undefined) return value;
    const row = this.db.prepare('SELECT value FROM call_values WHERE value_id = ?').get(code) as
      { value: string } | undefined;
    if (row !== undefined) this.remember(code, row.value);
    return row?.value;
  }

  /** Forgets every code (a rolled back transaction may have added some). */
  forget(): void {
    this.values = [];
    this.codes.clear();
    this.loaded = false;
  }

  private load(): void {
    if (this.loaded) return;
    this.loaded = true;
    for (const row of this.db.prepare('SELECT value_id AS code, value FROM call_values').iterate() as IterableIterator<{
      code: number;
      value: string;
    }>) {
      this.remember(row.code, row.value);
    }
  }

  private remember(code: number, value: string): void {
    this.values[code] = value;
    this.codes.set(value, code);
  }
}

/** The camelCase names of coded columns as the adapter selects them. */
export const CODED_FIELDS = [
  'direction',
  'month',
  'peerClass',
  'tariffId',
  'numberingPlanId',
  'rateId',
  'ratePrefix',
  'unratedCode',
  'planId',
] as const;

import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCallDetails } from '../export/callDetails';
import { ingestFile } from '../ingest/ingestFile';
import { reconcileMonth } from '../reconcile/reconcileMonth';
import { recycleRejects } from '../recycle/recycleRejects';
import { loadReferenceData } from '../reference/referenceData';
import { closeMonth } from '../rerate/closeMonth';
import { rerateMonth } from '../rerate/rerateMonth';
import { loadStatement } from '../statement/loadStatement';
import { statementJson } from '../statement/revisions';
import { withStoredSubscriptions } from './storedSubscriptions';
import { createTestDatabase, describePostgres } from '../test-support/postgres';
import { csv } from '../test-support/tempStore';
import { PgStore } from './postgres/pgStore';
import { SqliteStore } from './sqlite/sqliteStore';
import { Store } from './types';

/**
 * One product on two engines: random sequences of deliveries (re-sends, conflicts, bad rows,
 * starts on either side of a month end), subscription imports (REFERENCE or BUSINESS from a date),
 * recycles, re-rates and closes, applied to a SQLite and a PostgreSQL store, leave the same run
 * summaries, statements, call details, rejects, subscriptions, control totals and reconciliation
 * verdicts; every step rates with the store's own subscriptions, as the commands do. A difference is drift between the engines, whatever its cause.
 */
const plainReference = loadReferenceData();
const CONTRACTS = ['N000000001', 'N000000002'];
const NUMBERS = ['05012345678', '05087654321'];
const MONTHS = ['2011-03', '2011-04', '2011-05'];
const RECORD_IDS = ['R1', 'R2', 'R3', 'R4', 'R5', 'R6', 'R7', 'R8'];
// Valid peers of each class, a withheld caller, and peers that are rejected when dialled.
const PEERS = [
  '03-1234-5678',
  '090-1111-2222',
  '070-5123-4567',
  '0120-123-456',
  '+1 212 555 0100',
  '050-3300-1234',
  '050-9999-0000',
  '',
  '110',
  '12',
];
const STARTS = [
  '2011-03-31 23:59:50',
  '2011-04-01 00:00:10',
  '2011-04-15 12:00:00',
  '2011-04-29 10:00:00',
  '2011-04-30 23:59:50',
  '2011-05-01 00:00:10',
  '2011-05-03 09:00:00',
];
const DURATIONS = ['0', '1', '59.9', '60', '61', '180.5', '3600', '-1', 'x'];

const record = fc
  .record({
    recordId: fc.constantFrom(...RECORD_IDS),
    contract: fc.constantFrom(...CONTRACTS),
    number: fc.constantFrom(...NUMBERS),
    direction: fc.constantFrom('out', 'in', 'sideways'),
    peer: fc.constantFrom(...PEERS),
    start: fc.constantFrom(...STARTS),
    duration: fc.constantFrom(...DURATIONS),
  })
  .map((r) => `${r.recordId},${r.contract},${r.number},${r.direction},${r.peer},${r.start},${r.duration}`);

type Step =
  | { kind: 'file'; rows: string[] }
  | { kind: 'subscribe'; contractId: string; plan: string; effectiveFrom: string }
  | { kind: 'recycle' }
  | { kind: 'rerate'; month: string; force: boolean }
  | { kind: 'close'; month: string };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.array(record, { minLength: 1, maxLength: 12 }).map((rows): Step => ({ kind: 'file', rows })),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({ month: fc.constantFrom(...MONTHS), force: fc.boolean() })
      .map((r): Step => ({ kind: 'rerate', ...r })),
  },
  { weight: 1, arbitrary: fc.constantFrom(...MONTHS).map((month): Step => ({ kind: 'close', month })) },
  {
    weight: 1,
    arbitrary: fc
      .record({
        contractId: fc.constantFrom(...CONTRACTS),
        plan: fc.constantFrom('REFERENCE', 'BUSINESS'),
        effectiveFrom: fc.constantFrom('2011-03-01', '2011-04-15', '2011-05-01'),
      })
      .map((r): Step => ({ kind: 'subscribe', ...r })),
  },
  { weight: 1, arbitrary: fc.constant<Step>({ kind: 'recycle' }) },
);

/** What a step did, as both engines must report it (failures by their message). */
async function apply(store: Store, directory: string, index: number, current: Step): Promise<unknown> {
  try {
    if (current.kind === 'subscribe') {
      const { kind: _kind, ...subscription } = current;
      return await store.transaction((writer) =>
        writer.importSubscriptions([{ ...subscription, number: null }], `crm-${index}.csv`, '2011-05-02T00:00:00.000Z'),
      );
    }
    const reference = await withStoredSubscriptions(store, plainReference);
    if (current.kind === 'recycle') {
      return await recycleRejects(store, reference, { codes: ['NO_TARIFF'] }, '2011-05-02T00:00:00.000Z');
    }
    if (current.kind === 'file') {
      const path = join(directory, `delivery-${index}.csv`);
      writeFileSync(path, csv(current.rows));
      const { sha256: _sha256, ...summary } = await ingestFile(store, reference, path, { parseIn: 'thread' });
      return summary;
    }
    if (current.kind === 'close') {
      return await closeMonth(store, reference, current.month, { allowEmpty: true });
    }
    const result = await rerateMonth(store, reference, {
      month: current.month,
      reason: 'differential',
      force: current.force,
    });
    return result;
  } catch (error) {
    return { failed: (error as Error).message };
  }
}

/** Everything a user can see of the store after the steps. */
async function observe(store: Store): Promise<unknown> {
  const reference = await withStoredSubscriptions(store, plainReference);
  const seen: Record<string, unknown> = {};
  for (const month of MONTHS) {
    for (const contractId of CONTRACTS) {
      let statement: unknown;
      try {
        statement = statementJson(await loadStatement(store, reference, { contractId, month }));
      } catch (error) {
        statement = { failed: (error as Error).message };
      }
      const calls = await readCallDetails(store, { contractId, month, direction: 'all' }).catch((error: Error) => ({
        failed: error.message,
      }));
      seen[`${contractId} ${month}`] = { statement, calls };
    }
    const report = await reconcileMonth(store, reference, { month, contractId: null });
    // The storage check (integrity) is each engine's own and says so: only its verdict must agree.
    seen[`reconcile ${month}`] = report.checks.map((check) => [
      check.name,
      check.ok,
      check.name === 'integrity' ? null : check.details,
    ]);
  }
  seen.files = (await store.fileControls()).values.map(({ fileId: _fileId, ...controls }) => controls);
  seen.closed = [...(await store.closedMonths())].sort();
  seen.rejects = await store.rejects({});
  seen.subscriptions = await Promise.all(CONTRACTS.map((contractId) => store.contractSubscriptions(contractId)));
  return seen;
}

describePostgres('SQLite and PostgreSQL', () => {
  test('random deliveries, subscription imports, recycles, re-rates and closes leave identical statements, call details, rejects and control totals on both engines', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 7 }), async (steps) => {
        const directory = mkdtempSync(join(tmpdir(), 'meisai-differential-'));
        const sqlite = SqliteStore.open(join(directory, 'meisai.sqlite'), 'create');
        const database = await createTestDatabase('differential');
        const postgres = await PgStore.open(database.url, 'create');
        try {
          for (const [index, current] of steps.entries()) {
            const onSqlite = await apply(sqlite, directory, index, current);
            const onPostgres = await apply(postgres, directory, index, current);
            expect({ step: index, ...current, outcome: onPostgres }).toEqual({
              step: index,
              ...current,
              outcome: onSqlite,
            });
          }
          expect(await observe(postgres)).toEqual(await observe(sqlite));
        } finally {
          await sqlite.close();
          await postgres.close();
          await database.drop();
          rmSync(directory, { recursive: true, force: true });
        }
      }),
      { numRuns: Number(process.env.MEISAI_DIFFERENTIAL_RUNS ?? 20) },
    );
  }, 300_000);
});

import { spawnSync } from 'node:child_process';
import { RunFailedError } from '../errors';
import { loadReferenceData } from '../reference/referenceData';
import { loadProfile } from '../reference/inputProfiles';
import { createWorkspace, csv, TempWorkspace } from '../test-support/tempStore';
import { FileSummary, ingestFile, IngestOptions } from './ingestFile';
import { ParseIn, WORKER_MIN_BYTES } from './parseSource';
import { buildCli, MEISAI_BIN } from '../test-support/builtCli';

/**
 * The pure stages of ingest run in a worker thread for large files (parseSource.ts). Whatever
 * runs them, the store must end the same: these tests ingest the same files on two stores, one
 * parsing in-thread and one through the worker, and compare every table row by row.
 */
const reference = loadReferenceData();
let thread: TempWorkspace;
let worker: TempWorkspace;

beforeEach(() => {
  thread = createWorkspace();
  worker = createWorkspace();
});
afterEach(() => {
  thread.cleanUp();
  worker.cleanUp();
});

/** Every row of every table, sorted, without the wall-clock times (a file ingested, a migration applied). */
function storeRows(workspace: TempWorkspace): Record<string, string[]> {
  const tables = workspace.db
    .prepare(
      "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .all() as { name: string }[];
  const rows: Record<string, string[]> = {};
  for (const { name } of tables) {
    rows[name] = (workspace.db.prepare(`SELECT * FROM "${name}"`).all() as Record<string, unknown>[])
      .map((row) => JSON.stringify({ ...row, ingested_at: undefined, applied_at: undefined }))
      .sort();
  }
  return rows;
}

async function ingestBoth(
  name: string,
  content: string,
  options: IngestOptions = {},
): Promise<[FileSummary, FileSummary]> {
  const inThread = await ingestFile(thread.store, reference, thread.writeFile(name, content), {
    ...options,
    parseIn: 'thread',
  });
  const inWorker = await ingestFile(worker.store, reference, worker.writeFile(name, content), {
    ...options,
    parseIn: 'worker',
  });
  return [inThread, inWorker];
}

/** Rejects of many codes, duplicates and conflicts (in the file and with an earlier one), late and zero-duration calls, over many batches. */
function mixedDelivery(): string[] {
  const rows: string[] = [];
  const peers = [
    '03-1234-5678',
    '090-1111-2222',
    '0120-444-444',
    '010-1-212-555-0100',
    '050-3333-4444',
    '070-5555-6666',
  ];
  for (let index = 0; index < 3000; index += 1) {
    const number = `0501234${String(index % 97).padStart(4, '0')}`;
    const contract = `N${String(1 + (index % 13)).padStart(9, '0')}`;
    const day = String(1 + (index % 28)).padStart(2, '0');
    const month = index % 17 === 0 ? '03' : '04'; // March is closed: those calls are late
    const direction = index % 3 === 0 ? 'in' : 'out';
    const peer = direction === 'in' && index % 7 === 0 ? 'anonymous' : peers[index % peers.length]!;
    const duration = index % 41 === 0 ? '0' : `${(index * 7) % 600}.${index % 10}`;
    rows.push(
      `W${index},${contract},${number},${direction},${peer},2011-${month}-${day} ${String(index % 24).padStart(2, '0')}:10:00,${duration}`,
    );
    if (index % 101 === 0) rows.push(rows[rows.length - 1]!.replace('2011-', ' 2011-')); // same content: duplicate
    if (index % 103 === 0)
      rows.push(`W${index},${contract},${number},${direction},${peer},2011-${month}-${day} 00:00:01,5`); // conflict
    if (index % 211 === 0) rows.push(`P${index % 5},N000000001,05012345678,out,03-1234-5678,2011-04-01 09:00:00,30`); // the earlier file's
  }
  rows.push(
    'X1,N1,05012345678,out,0312345678,2011-04-01 09:00:00,5',
    'X2,N000000001,0312345678,out,0312345678,2011-04-01 09:00:00,5',
    'X3,N000000001,05012345678,sideways,0312345678,2011-04-01 09:00:00,5',
    'X4,N000000001,05012345678,out,0312345678,2011-04-31 09:00:00,5',
    'X5,N000000001,05012345678,out,0312345678,2011-04-01 09:00:00,-5',
    'X6,N000000001,05012345678,out,110,2011-04-01 09:00:00,5',
    'X7,N000000001,05012345678,out,,2011-04-01 09:00:00,5',
    'X8,N000000001,,out,0312345678,2011-04-01 09:00:00,5',
    'X9,N000000001,05012345678,out',
    'X10,N000000001,05012345678,out,"unclosed,2011-04-01 09:00:00,5',
    'X11,N000000001,05012345678,out,99999,2011-04-01 09:00:00,5',
  );
  return rows;
}

const EARLIER = csv(
  [0, 1, 2, 3, 4].map(
    (index) => `P${index},N000000001,05012345678,out,03-1234-5678,2011-04-01 09:00:00,${index === 2 ? 31 : 30}`,
  ),
);

describe('ingest through the worker thread', () => {
  test('a file of every kind of record leaves exactly the store the in-thread parse leaves', async () => {
    for (const workspace of [thread, worker]) {
      await workspace.store.transaction(async (writer) => writer.markMonthClosed('2011-03', '2011-04-05T00:00:00Z'));
      await ingestFile(workspace.store, reference, workspace.writeFile('earlier.csv', EARLIER), { parseIn: 'thread' });
    }
    const [inThread, inWorker] = await ingestBoth('mixed.csv', csv(mixedDelivery()));
    expect({ ...inWorker, file: '' }).toEqual({ ...inThread, file: '' });
    expect(Object.keys(inThread.rejected).length).toBeGreaterThanOrEqual(10);
    expect(inThread.rejected.CONFLICT).toBeGreaterThan(0);
    expect(inThread.duplicates).toBeGreaterThan(0);
    expect(inThread.late).toBeGreaterThan(0);
    expect(storeRows(worker)).toEqual(storeRows(thread));
  });

  test('a profile file (Asterisk, CRLF) with skipped records leaves the same store', async () => {
    const profile = loadProfile('asterisk-cdr-csv');
    const rows: string[] = [];
    for (let index = 0; index < 1500; index += 1) {
      const context = ['from-internal', 'from-pstn', 'ext-local', 'from-internal'][index % 4]!;
      const disposition = index % 9 === 0 ? 'NO ANSWER' : 'ANSWERED';
      const [src, dst] =
        context === 'from-internal'
          ? ['05012345678', index % 50 === 0 ? '110' : '0312345678']
          : ['0312345678', '05012345678'];
      const billsec = index % 31 === 0 ? 'x' : String(index % 300);
      rows.push(
        `N00000000${1 + (index % 3)},${src},${dst},${context},"名前 <${src}>",SIP/a,SIP/b,Dial,x,2011-04-02 10:00:00,2011-04-02 10:00:0${index % 10},2011-04-02 10:05:00,310,${billsec},${disposition},DOCUMENTATION,17${index}.${index % 7}`,
      );
    }
    const [inThread, inWorker] = await ingestBoth('Master.csv', `${rows.join('\r\n')}\r\n`, { profile });
    expect(Object.keys(inThread.skipped).sort()).toEqual(['INTERNAL_LEG', 'NOT_ANSWERED']);
    expect(inThread.rejected.NOT_CALLABLE).toBeGreaterThan(0);
    expect({ ...inWorker, file: '' }).toEqual({ ...inThread, file: '' });
    expect(storeRows(worker)).toEqual(storeRows(thread));
  });

  test('a header the worker refuses is the same error, and nothing is written', async () => {
    const content = csv(
      ['A1,N000000001,05012345678,out,2011-04-01 09:00:00'],
      'record_id,contract_id,number,direction,start',
    );
    const refusals = await Promise.all(
      (['thread', 'worker'] as ParseIn[]).map((parseIn, index) =>
        ingestFile([thread, worker][index]!.store, reference, [thread, worker][index]!.writeFile('bad.csv', content), {
          parseIn,
        }).then(
          () => null,
          (error: unknown) => error,
        ),
      ),
    );
    expect(refusals[1]).toBeInstanceOf(RunFailedError);
    expect((refusals[1] as Error).message.replace(worker.directory, '')).toBe(
      (refusals[0] as Error).message.replace(thread.directory, ''),
    );
    expect(storeRows(worker)).toEqual(storeRows(thread));
    expect(storeRows(worker).files).toEqual([]);
  });

  test('--max-reject-rate refuses the file through the worker as in-thread: nothing applied', async () => {
    const content = csv(mixedDelivery());
    const refuse = (workspace: TempWorkspace, parseIn: ParseIn): Promise<unknown> =>
      ingestFile(workspace.store, reference, workspace.writeFile('mixed.csv', content), {
        parseIn,
        maxRejectRate: '0.001',
      }).then(
        () => null,
        (error: unknown) => error,
      );
    const [inThread, inWorker] = [await refuse(thread, 'thread'), await refuse(worker, 'worker')];
    expect(inWorker).toBeInstanceOf(RunFailedError);
    expect((inWorker as Error).message.replace(worker.directory, '')).toBe(
      (inThread as Error).message.replace(thread.directory, ''),
    );
    expect(storeRows(worker).calls).toEqual([]);
  });

  test('progress is reported through the worker as in-thread', async () => {
    const content = csv(mixedDelivery());
    const progress = (workspace: TempWorkspace, parseIn: ParseIn): Promise<string[]> => {
      const seen: string[] = [];
      return ingestFile(workspace.store, reference, workspace.writeFile('mixed.csv', content), {
        parseIn,
        onProgress: ({ records, bytesRead, bytesTotal }) => seen.push(`${records} ${bytesRead}/${bytesTotal}`),
      }).then(() => seen);
    };
    const inThread = await progress(thread, 'thread');
    expect(inThread.length).toBeGreaterThan(2);
    expect(await progress(worker, 'worker')).toEqual(inThread);
  });
});

describe('bin/meisai ingest, built', () => {
  beforeAll(() => {
    buildCli();
  }, 120_000);

  const meisai = (
    args: string[],
    env: Record<string, string> = {},
  ): { status: number | null; stdout: string; stderr: string } => {
    const result = spawnSync(process.execPath, [MEISAI_BIN, ...args], {
      encoding: 'utf8',
      env: { ...process.env, MEISAI_LOG_LEVEL: 'silent', ...env },
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  };

  /** More than WORKER_MIN_BYTES, so that `auto` (the default) parses it in the worker. */
  function largeDelivery(): string {
    const rows = mixedDelivery();
    let content = csv(rows);
    for (let copy = 1; Buffer.byteLength(content) < WORKER_MIN_BYTES * 1.2; copy += 1) {
      content += `${rows.map((row) => row.replace(/^W/, `C${copy}-`)).join('\n')}\n`;
    }
    return content;
  }

  test('a large file goes through the compiled worker by default and leaves the store the in-thread run leaves', () => {
    const content = largeDelivery();
    const inThread = meisai(['ingest', thread.writeFile('large.csv', content), '--db', thread.dbPath, '--json'], {
      MEISAI_INGEST_WORKER: 'thread',
    });
    const byDefault = meisai(['ingest', worker.writeFile('large.csv', content), '--db', worker.dbPath, '--json']);
    expect(byDefault.stderr).toBe('');
    expect(byDefault.status).toBe(0);
    expect(byDefault.stdout).toBe(inThread.stdout);
    expect(JSON.parse(byDefault.stdout)).toMatchObject({ files: 1, failed: 0 });
    expect(storeRows(worker)).toEqual(storeRows(thread));
    expect(storeRows(worker).calls!.length).toBeGreaterThan(3000);
  });

  test('a large file the worker refuses ends in the same one line and exit code as in-thread, no stack trace', () => {
    const content = largeDelivery().replace('record_id,', 'record,');
    const inThread = meisai(['ingest', thread.writeFile('large.csv', content), '--db', thread.dbPath], {
      MEISAI_INGEST_WORKER: 'thread',
    });
    const inWorker = meisai(['ingest', worker.writeFile('large.csv', content), '--db', worker.dbPath], {
      MEISAI_INGEST_WORKER: 'worker',
    });
    expect(inWorker.status).toBe(1);
    expect(inWorker.status).toBe(inThread.status);
    expect(inWorker.stderr.replace(worker.directory, '')).toBe(inThread.stderr.replace(thread.directory, ''));
    expect(inWorker.stderr).toMatch(/refused, nothing applied/);
    expect(inWorker.stderr).not.toMatch(/\n\s+at /);
  });

  test('a bad MEISAI_INGEST_WORKER is bad configuration (exit 2)', () => {
    const result = meisai(['ingest', worker.writeFile('large.csv', largeDelivery()), '--db', worker.dbPath], {
      MEISAI_INGEST_WORKER: 'sometimes',
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^meisai: MEISAI_INGEST_WORKER is "sometimes": expected auto, worker or thread\n$/);
  });
});

import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { ingestFile } from './ingestFile';
import { RunFailedError } from '../errors';
import { loadReferenceData } from '../reference/referenceData';
import { runCli } from '../test-support/runCli';
import { CDR_HEADER, createWorkspace, csv, TempWorkspace } from '../test-support/tempStore';

/**
 * Issue 7, data safety: no input (a file rewritten while it is read, a stray quote, a line with no
 * end, a FIFO, a device, a symlink, odd values) can make a call disappear or be billed wrongly.
 */
const reference = loadReferenceData();
let workspace: TempWorkspace;

beforeEach(() => {
  workspace = createWorkspace();
});
afterEach(() => workspace.cleanUp());

function count(table: string): number {
  return (workspace.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
}

/** Row n: an outbound general call of 60 s on 2011-04-01, record_id R<n>. */
function callRow(index: number): string {
  const seconds = String(index % 60).padStart(2, '0');
  return `R${index},N000000001,05012345678,out,0312345678,2011-04-01 09:00:${seconds},60`;
}

describe('a file changed while it is read', () => {
  test('is refused with nothing applied, and the full file delivered later is billed whole', async () => {
    const rows = Array.from({ length: 30_000 }, (_, index) => callRow(index));
    const full = csv(rows);
    const path = workspace.writeFile('in.csv', full);
    let rewritten = false;
    const ingest = ingestFile(workspace.store, reference, path, {
      onProgress: () => {
        // the sender rewrites the file in place while meisai reads it: `head -c 300000 big.csv > in.csv`
        if (rewritten) return;
        rewritten = true;
        truncateSync(path, 0);
        writeFileSync(path, full.slice(0, 300_000));
      },
    });
    await expect(ingest).rejects.toThrow(RunFailedError);
    await expect(ingest).rejects.toThrow(/nothing applied: the file changed while it was read/);
    expect(rewritten).toBe(true);
    expect(count('files')).toBe(0);
    expect(count('calls')).toBe(0);

    // the full file delivered again is not mistaken for the partial one
    writeFileSync(path, full);
    const summary = await ingestFile(workspace.store, reference, path);
    expect(summary).toMatchObject({ alreadyIngested: false, read: 30_000, accepted: 30_000 });
  });

  test('the stored hash and size are those of the bytes whose records were applied', async () => {
    const text = csv([callRow(1), callRow(2)]);
    const summary = await ingestFile(workspace.store, reference, workspace.writeFile('day.csv', text));
    const file = workspace.db.prepare('SELECT sha256, bytes, encoding FROM files').get();
    const expectedSha = execFileSync('sha256sum', [join(workspace.directory, 'day.csv')], { encoding: 'utf8' }).split(
      ' ',
    )[0];
    expect(file).toEqual({ sha256: expectedSha, bytes: Buffer.byteLength(text), encoding: 'utf8' });
    expect(summary.sha256).toBe(expectedSha);
  });
});

describe('a stray quote', () => {
  test('an opening quote before a peer on row 5 of 40 spoils row 5 only', async () => {
    const rows = Array.from({ length: 40 }, (_, index) => callRow(index + 1));
    rows[4] = rows[4]!.replace(',0312345678,', ',"0312345678,');
    const summary = await ingestFile(workspace.store, reference, workspace.writeFile('quote.csv', csv(rows)));
    expect(summary).toMatchObject({ read: 40, accepted: 39, rejected: { MALFORMED_ROW: 1 } });
    const reject = workspace.db.prepare('SELECT line, raw FROM rejects').get();
    expect(reject).toEqual({ line: 6, raw: rows[4] }); // the header is line 1
  });
});

describe('a line with no end', () => {
  test('a record over 64 KiB is rejected RECORD_TOO_LONG with its length and a truncated raw text; the rows after it are read', async () => {
    const long = `R0,N000000001,05012345678,out,0312345678,2011-04-01 09:00:00,${'9'.repeat(3_000_000)}`;
    const summary = await ingestFile(
      workspace.store,
      reference,
      workspace.writeFile('long.csv', csv([callRow(1), long, callRow(2)])),
    );
    expect(summary).toMatchObject({ read: 3, accepted: 2, rejected: { RECORD_TOO_LONG: 1 } });
    const reject = workspace.db.prepare('SELECT line, message, length(raw) AS rawLength FROM rejects').get() as {
      line: number;
      message: string;
      rawLength: number;
    };
    expect(reject.line).toBe(3);
    expect(reject.message).toContain(`${long.length} bytes`);
    expect(reject.rawLength).toBeLessThanOrEqual(4096);
  });

  test('a file of one 5 MB line without a newline is refused with a short message', async () => {
    const path = workspace.writeFile('noend.csv', `${CDR_HEADER},${'x'.repeat(5_000_000)}`);
    const result = await runCli(['ingest', path, '--db', workspace.dbPath]);
    expect(result.code).toBe(1);
    expect(result.stderr.length).toBeLessThan(1000);
    expect(result.stderr).toContain('noend.csv');
  });

  test('a refused CR-only file does not echo the file and says its lines end in CR alone', async () => {
    const rows = Array.from({ length: 2000 }, (_, index) => callRow(index));
    const path = workspace.writeFile('mac.csv', [CDR_HEADER, ...rows].join('\r'));
    const result = await runCli(['ingest', path, '--db', workspace.dbPath]);
    expect(result.code).toBe(1);
    expect(result.stderr.length).toBeLessThan(1000);
    expect(result.stderr).toContain('CR');
  });
});

describe('only regular files are ingested', () => {
  test('a FIFO is refused at once, without waiting for a writer', async () => {
    const fifo = join(workspace.directory, 'pipe.csv');
    execFileSync('mkfifo', [fifo]);
    const result = await runCli(['ingest', fifo, '--db', workspace.dbPath]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('not a regular file');
  }, 10_000);

  test('a device such as /dev/zero is refused at once', async () => {
    const result = await runCli(['ingest', '/dev/zero', '--db', workspace.dbPath]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('not a regular file');
  }, 10_000);

  test('in --inbox, dangling, looping and outside symlinks are skipped and reported, the valid files are ingested, exit 1', async () => {
    const inbox = join(workspace.directory, 'inbox');
    mkdirSync(inbox);
    writeFileSync(join(inbox, 'a.csv'), csv([callRow(1)]));
    writeFileSync(join(inbox, 'z.csv'), csv([callRow(2)]));
    symlinkSync(join(inbox, 'gone.csv'), join(inbox, 'b-dangling.csv'));
    symlinkSync(join(inbox, 'c-loop.csv'), join(inbox, 'c-loop.csv'));
    symlinkSync('/etc/passwd', join(inbox, 'd-passwd.csv'));
    symlinkSync(join(inbox, 'a.csv'), join(inbox, 'e-inside.csv')); // inside the inbox: same content as a.csv
    const result = await runCli(['ingest', '--inbox', inbox, '--db', workspace.dbPath, '--json']);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ files: 3, alreadyIngested: 1, read: 2, accepted: 2 });
    expect(result.stderr).toContain('b-dangling.csv');
    expect(result.stderr).toContain('c-loop.csv');
    expect(result.stderr).toContain('d-passwd.csv');
    expect(result.stderr).not.toContain('root:');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  test('--follow-symlinks follows a link to a file outside the inbox', async () => {
    const inbox = join(workspace.directory, 'inbox');
    mkdirSync(inbox);
    const outside = workspace.writeFile('outside.csv', csv([callRow(1)]));
    symlinkSync(outside, join(inbox, 'a.csv'));
    const result = await runCli(['ingest', '--inbox', inbox, '--follow-symlinks', '--db', workspace.dbPath, '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ files: 1, accepted: 1 });
  });

  test('an empty inbox is a quiet night: exit 0, 0 files', async () => {
    const inbox = join(workspace.directory, 'inbox');
    mkdirSync(inbox);
    const result = await runCli(['ingest', '--inbox', inbox, '--db', workspace.dbPath, '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ files: 0, read: 0 });
  });
});

describe('input values', () => {
  test('the same withheld caller written as empty, anonymous or 非通知 is a duplicate, not a conflict', async () => {
    const rows = ['', 'anonymous', 'Anonymous', '非通知'].map(
      (peer) => `W1,N000000001,05012345678,in,${peer},2011-04-02 10:00:00,60`,
    );
    const summary = await ingestFile(workspace.store, reference, workspace.writeFile('withheld.csv', csv(rows)));
    expect(summary).toMatchObject({ read: 4, accepted: 1, duplicates: 3, rejected: {} });
  });

  test('a UTF-8 file with one CP932 line keeps its 非通知 and rejects that line BAD_ENCODING', async () => {
    const utf8Row = (id: string) =>
      Buffer.from(`${id},N000000001,05012345678,in,非通知,2011-04-02 10:00:00,60\n`, 'utf8');
    const cp932Row = iconv.encode('X2,N000000001,05012345678,in,非通知,2011-04-02 10:00:00,60\n', 'cp932');
    const bytes = Buffer.concat([Buffer.from(`${CDR_HEADER}\n`), utf8Row('X1'), cp932Row, utf8Row('X3')]);
    const summary = await ingestFile(workspace.store, reference, workspace.writeFile('mixed.csv', bytes));
    expect(summary).toMatchObject({ read: 3, accepted: 2, rejected: { BAD_ENCODING: 1 } });
    expect(workspace.db.prepare('SELECT DISTINCT peer_class FROM calls').all()).toEqual([{ peer_class: 'withheld' }]);
    expect(workspace.db.prepare('SELECT line FROM rejects').all()).toEqual([{ line: 3 }]);
  });

  test('a CP932 file with one UTF-8 line rejects that line instead of decoding it as mojibake', async () => {
    const cp932 = iconv.encode(
      `${CDR_HEADER}\r\nX1,N000000001,05012345678,in,非通知,2011-04-02 10:00:00,60\r\n`,
      'cp932',
    );
    const utf8Line = Buffer.from('X2,N000000001,05012345678,in,非通知,2011-04-02 11:00:00,60\r\n', 'utf8');
    const summary = await ingestFile(
      workspace.store,
      reference,
      workspace.writeFile('mixed932.csv', Buffer.concat([cp932, utf8Line])),
    );
    expect(summary).toMatchObject({ read: 2, accepted: 1, rejected: { BAD_ENCODING: 1 } });
  });

  test('a control character (ESC) in a field is rejected before it can reach a CSV or a terminal', async () => {
    const rows = [callRow(1), 'E1,N000000001,05012345678,in,\x1b[31mevil\x1b[0m,2011-04-02 10:00:00,60'];
    const summary = await ingestFile(workspace.store, reference, workspace.writeFile('esc.csv', csv(rows)));
    expect(summary).toMatchObject({ read: 2, accepted: 1, rejected: { BAD_CHARACTER: 1 } });
    const reject = workspace.db.prepare('SELECT message FROM rejects').get() as { message: string };
    expect(reject.message).not.toContain('\x1b');
  });

  test('a NUL byte in a record is rejected', async () => {
    const summary = await ingestFile(
      workspace.store,
      reference,
      workspace.writeFile('nul.csv', csv([callRow(1), `${callRow(2)}\0`])),
    );
    expect(summary).toMatchObject({ read: 2, accepted: 1, rejected: { BAD_CHARACTER: 1 } });
  });
});

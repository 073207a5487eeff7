import { spawn, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { acquireLock } from './lock';
import { createWorkspace, csv, TempWorkspace } from '../../test-support/tempStore';
import { runCli } from '../../test-support/runCli';
import { buildCli, MEISAI_BIN } from '../../test-support/builtCli';

let workspace: TempWorkspace;
beforeEach(() => {
  workspace = createWorkspace();
  workspace.db.close();
});
afterEach(() => workspace.cleanUp());

const run = (...args: string[]) => runCli(args);
beforeAll(buildCli, 120_000);

const FILE_ROWS = ['K1,N000000001,05012345678,out,0312345678,2011-04-01 09:00:00,60'];

describe('the store lock', () => {
  test('a second run while another holds the lock exits 3 with a clear message and changes nothing', async () => {
    const held = acquireLock(workspace.dbPath, 'ingest');
    try {
      const result = await run('ingest', workspace.writeFile('a.csv', csv(FILE_ROWS)), '--db', workspace.dbPath);
      expect(result.code).toBe(3);
      expect(result.stderr).toContain(
        `another meisai run holds the store's lock ${workspace.dbPath}.lock (pid ${process.pid}`,
      );
    } finally {
      held.release();
    }
    expect(existsSync(`${workspace.dbPath}.lock`)).toBe(false);
  });

  test('a stale lock left by a killed process is taken over, and released at the end', async () => {
    const finished = spawnSync(process.execPath, ['-e', 'process.exit(0)']);
    writeFileSync(
      `${workspace.dbPath}.lock`,
      JSON.stringify({
        pid: finished.pid,
        hostname: hostname(),
        startedAt: '2011-04-01T00:00:00.000Z',
        command: 'ingest',
      }),
    );
    const result = await run(
      'ingest',
      workspace.writeFile('a.csv', csv(FILE_ROWS)),
      '--db',
      workspace.dbPath,
      '--json',
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ accepted: 1 });
    expect(existsSync(`${workspace.dbPath}.lock`)).toBe(false);
  });

  test('a stale lock whose pid another live process has taken since (started after the lock) is taken over, with a log line', async () => {
    const other = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      await new Promise((resolve) => other.once('spawn', resolve));
      // The lock says its run started in 2011: the live process of that pid started just now.
      writeFileSync(
        `${workspace.dbPath}.lock`,
        JSON.stringify({
          pid: other.pid,
          hostname: hostname(),
          startedAt: '2011-04-01T00:00:00.000Z',
          command: 'ingest',
        }),
      );
      // A real process: the log lines go to fd 2.
      const file = workspace.writeFile('a.csv', csv(FILE_ROWS));
      const result = spawnSync(process.execPath, [MEISAI_BIN, 'ingest', file, '--db', workspace.dbPath, '--json'], {
        encoding: 'utf8',
        env: { ...process.env, MEISAI_LOG_LEVEL: 'info' },
      });
      expect(result.status).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ accepted: 1 });
      const logged = result.stderr
        .split('\n')
        .filter((line) => line.includes('"stale-lock"'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(logged).toEqual([
        expect.objectContaining({
          level: 40,
          previousOwner: expect.objectContaining({ pid: other.pid }),
          staleBecause: 'its pid now belongs to a process started after the lock',
        }),
      ]);
      expect(existsSync(`${workspace.dbPath}.lock`)).toBe(false);
    } finally {
      other.kill();
    }
  });

  test('a live process that started before its lock was written still holds it (exit 3)', async () => {
    const other = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      await new Promise((resolve) => other.once('spawn', resolve));
      writeFileSync(
        `${workspace.dbPath}.lock`,
        JSON.stringify({
          pid: other.pid,
          hostname: hostname(),
          startedAt: new Date().toISOString(),
          command: 'ingest',
        }),
      );
      const result = await run('ingest', workspace.writeFile('a.csv', csv(FILE_ROWS)), '--db', workspace.dbPath);
      expect(result.code).toBe(3);
      expect(result.stderr).toContain(
        `another meisai run holds the store's lock ${workspace.dbPath}.lock (pid ${other.pid}`,
      );
    } finally {
      other.kill();
    }
  });

  test('rerate, close and files remove take the lock too', async () => {
    const held = acquireLock(workspace.dbPath, 'ingest');
    try {
      expect((await run('rerate', '--month', '2011-04', '--db', workspace.dbPath)).code).toBe(3);
      expect((await run('close', '--month', '2011-04', '--db', workspace.dbPath)).code).toBe(3);
      expect((await run('files', 'remove', '--name', 'a.csv', '--reason', 'x', '--db', workspace.dbPath)).code).toBe(3);
    } finally {
      held.release();
    }
  });
});

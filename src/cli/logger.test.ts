import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCli, MEISAI_BIN } from '../test-support/builtCli';
import { csv } from '../test-support/tempStore';
import { logFormat } from './logger';

beforeAll(buildCli, 120_000);

describe('logFormat: readable lines on a terminal, JSON for cron, pipes and files', () => {
  test.each([
    [true, '', 'pretty'],
    [false, '', 'json'],
    [true, 'json', 'json'],
    [false, 'pretty', 'pretty'],
  ] as const)('stderr a terminal: %s, MEISAI_LOG_FORMAT=%j → %s', (terminal, setting, expected) => {
    expect(logFormat(terminal, setting)).toBe(expected);
  });

  test('another MEISAI_LOG_FORMAT is bad configuration, named in one line', () => {
    expect(() => logFormat(true, 'text')).toThrow('MEISAI_LOG_FORMAT "text" is not valid: use one of json, pretty');
  });
});

/** `script` gives the run a pseudo-terminal as stdin, stdout and stderr, as an operator's shell does. */
const scriptAvailable = process.platform === 'linux' && spawnSync('script', ['-qec', 'true', '/dev/null']).status === 0;
if (!scriptAvailable) console.warn('logger.test.ts: no util-linux script(1) here: the pseudo-terminal test is skipped');
const testWithTerminal = scriptAvailable ? test : test.skip;

describe('meisai ingest, one good file and one missing', () => {
  let directory: string;
  let args: string[];
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'meisai-logs-'));
    const good = join(directory, 'day.csv');
    writeFileSync(good, csv(['K1,N000000001,05012345678,out,0312345678,2011-04-01 09:00:00,60']));
    args = ['ingest', good, join(directory, 'nosuch.csv'), '--db', join(directory, 'meisai.sqlite')];
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  const env = { ...process.env, MEISAI_LOG_LEVEL: 'info', MEISAI_LOG_FORMAT: '', NO_COLOR: '1' };

  testWithTerminal('on a terminal: readable log lines, and the failure said once, by the last line', () => {
    const quoted = [process.execPath, MEISAI_BIN, ...args].map((arg) => `'${arg}'`).join(' ');
    const run = spawnSync('script', ['-qec', quoted, '/dev/null'], { encoding: 'utf8', env });
    const screen = run.stdout.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');
    expect(run.status).toBe(1);
    // (the progress bar's text, cleared on the terminal, is still in what script recorded before a log line)
    expect(screen).toMatch(/\[\d\d:\d\d:\d\d\] INFO: file applied \{"event":"file","file":"[^"]*day\.csv"/);
    expect(screen).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: ingest finished \{"event":"run"/m);
    expect(screen).not.toContain('{"level"');
    expect(screen.match(/cannot read \S*nosuch\.csv/g)).toHaveLength(1);
    expect(screen.trimEnd().split('\n').at(-1)).toMatch(/^meisai: cannot read \S*nosuch\.csv: ENOENT/);
  });

  test('through a pipe (cron): pino JSON lines, the refused file logged as JSON, then the one plain line', () => {
    const run = spawnSync(process.execPath, [MEISAI_BIN, ...args], { encoding: 'utf8', env });
    expect(run.status).toBe(1);
    const lines = run.stderr.trimEnd().split('\n');
    const json = lines.slice(0, -1).map((line) => JSON.parse(line) as { level: number; event?: string });
    expect(json.map((line) => line.event)).toEqual(['file', 'file-refused', 'run']);
    expect(json[1]!.level).toBe(50);
    expect(lines.at(-1)).toMatch(/^meisai: cannot read \S*nosuch\.csv: ENOENT/);
  });
});

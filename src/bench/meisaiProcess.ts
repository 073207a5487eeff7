/**
 * `node bin/meisai …` as a child process of a bench, measured as a whole: wall time from spawn
 * to exit (node's start-up included), the process's peak RSS and CPU time, reported by
 * src/bench/reportPeakRss.js preloaded into it.
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { millisecondsSince } from './figures';

const PROJECT_ROOT = join(__dirname, '..', '..');
export const MEISAI_BIN = join(PROJECT_ROOT, 'bin', 'meisai');
const PEAK_RSS_REPORTER = join(__dirname, 'reportPeakRss.js');

export interface MeisaiProcessRun {
  milliseconds: bigint;
  peakRssKilobytes: bigint;
  /** User + system CPU time of the process, its worker threads included. */
  cpuMicroseconds: bigint;
  exitCode: number;
  stdout: Buffer;
  stderr: string;
}

let runsStarted = 0;

/**
 * Runs `meisai ARGS`; an exit code other than those allowed (0 by default) is an error carrying
 * the end of its stderr.
 */
export async function runMeisaiProcess(
  args: string[],
  scratchDirectory: string,
  allowedExitCodes: number[] = [0],
): Promise<MeisaiProcessRun> {
  runsStarted += 1;
  const peakRssFile = join(scratchDirectory, `peak-rss-${process.pid}-${runsStarted}.txt`);
  const startedAt = process.hrtime.bigint();
  const child = spawn(process.execPath, ['--require', PEAK_RSS_REPORTER, MEISAI_BIN, ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, MEISAI_BENCH_PEAK_RSS_FILE: peakRssFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  const milliseconds = millisecondsSince(startedAt);
  const stderrText = Buffer.concat(stderr).toString('utf8');
  if (exitCode === null || !allowedExitCodes.includes(exitCode)) {
    throw new Error(`meisai ${args.join(' ')} exited ${exitCode}:\n${stderrText.slice(-4000)}`);
  }
  const [peakRss, cpu] = readFileSync(peakRssFile, 'utf8').trim().split(' ');
  rmSync(peakRssFile, { force: true });
  return {
    milliseconds,
    peakRssKilobytes: BigInt(peakRss!),
    cpuMicroseconds: BigInt(cpu ?? '0'),
    exitCode,
    stdout: Buffer.concat(stdout),
    stderr: stderrText,
  };
}

/** The last line of a run's stdout as JSON (`--json` prints one object last). */
export function lastJsonLine<Shape>(run: MeisaiProcessRun): Shape {
  return JSON.parse(run.stdout.toString('utf8').trim().split('\n').at(-1) ?? '') as Shape;
}

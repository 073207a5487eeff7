/** The benches' CDR files: made once into the work folder, reused while the file and its counts exist. */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { millisecondsSince, secondsText } from './figures';
import { countsPath, ExpectedCounts, generatedMonth, generateCdrs, GeneratorOptions } from './generateCdrs';

export function progress(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

export interface CdrFile {
  path: string;
  expected: ExpectedCounts;
}

/** The file's name says what made it: size, seed, kind of record ids, month. */
export function cdrFileName(options: GeneratorOptions): string {
  return `cdrs-${options.cdrs}-seed-${options.seed}-${options.ids ?? 'sequential'}-${generatedMonth(options.monthOffset ?? 0).text}.csv`;
}

export function cdrFile(workDirectory: string, options: GeneratorOptions): CdrFile {
  mkdirSync(workDirectory, { recursive: true });
  const path = join(workDirectory, cdrFileName(options));
  if (existsSync(path) && existsSync(countsPath(path))) {
    progress(`reusing ${path}`);
    return { path, expected: JSON.parse(readFileSync(countsPath(path), 'utf8')) as ExpectedCounts };
  }
  progress(
    `generating ${options.cdrs} CDRs (seed ${options.seed}, ${options.ids ?? 'sequential'} ids, ${generatedMonth(options.monthOffset ?? 0).text}) into ${path}`,
  );
  const startedAt = process.hrtime.bigint();
  const expected = generateCdrs({ ...options, out: path });
  progress(`generated in ${secondsText(millisecondsSince(startedAt))} s`);
  return { path, expected };
}

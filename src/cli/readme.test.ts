import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The README's crontab example must install as written: cron knows no `\` continuation and reads `%` as a newline. */
const README = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');

function crontabBlock(): string[] {
  const start = README.indexOf('# crontab:');
  expect(start).toBeGreaterThan(-1);
  const end = README.indexOf('```', start);
  return README.slice(start, end)
    .split('\n')
    .filter((line) => line.trim() !== '');
}

test('every line of the README crontab example is a comment, a variable or one whole cron entry', () => {
  const lines = crontabBlock();
  const entries = lines.filter((line) => !line.startsWith('#') && !/^[A-Z_]+=/.test(line));
  expect(entries.length).toBeGreaterThan(0);
  for (const line of lines) {
    expect(line.trimEnd().endsWith('\\')).toBe(false);
    if (line.startsWith('#')) continue;
    expect(line).not.toMatch(/(^|[^\\])%/);
  }
  for (const entry of entries) expect(entry).toMatch(/^(\S+\s+){5}\S/);
  expect(entries.join('\n')).toContain('bin/meisai ingest --inbox');
});

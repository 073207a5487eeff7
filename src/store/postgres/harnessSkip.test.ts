import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * The harness itself, without a PostgreSQL: a nested jest run whose binaries are missing skips
 * the PostgreSQL tests with one clear line, and fails with MEISAI_REQUIRE_POSTGRES=1.
 */
const ROOT = join(__dirname, '..', '..', '..');

function jestWithoutPostgres(extra: Record<string, string>): { status: number | null; output: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, MEISAI_PG_BIN: '/nonexistent/postgresql/bin', ...extra };
  delete env.MEISAI_TEST_PG_URL;
  delete env.MEISAI_TEST_PG_SKIPPED;
  delete env.MEISAI_REQUIRE_POSTGRES;
  Object.assign(env, extra);
  delete env.JEST_WORKER_ID;
  const run = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'), '--ci', 'src/store/postgres/harness.test.ts'],
    {
      cwd: ROOT,
      env,
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

test('without PostgreSQL binaries its tests skip, and one line says so and how to run them', () => {
  const { status, output } = jestWithoutPostgres({});
  expect(status).toBe(0);
  const lines = output.split('\n').filter((line) => line.includes('PostgreSQL tests skipped'));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain('apt-get install -y postgresql');
  expect(lines[0]).toContain('MEISAI_REQUIRE_POSTGRES=1');
  expect(output).toMatch(/Tests:\s+\d+ skipped/);
});

test('with MEISAI_REQUIRE_POSTGRES=1 a missing PostgreSQL fails the run', () => {
  const { status, output } = jestWithoutPostgres({ MEISAI_REQUIRE_POSTGRES: '1' });
  expect(status).not.toBe(0);
  expect(output).toContain('MEISAI_REQUIRE_POSTGRES=1: PostgreSQL tests skipped');
});

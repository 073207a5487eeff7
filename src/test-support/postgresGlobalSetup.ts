import {
  findPostgresBinaries,
  PG_BIN_VARIABLE,
  PG_REQUIRE_VARIABLE,
  PG_SKIP_VARIABLE,
  PG_URL_VARIABLE,
  startTestCluster,
  TestCluster,
} from './postgres';

/**
 * Jest globalSetup: a throwaway PostgreSQL for the run, its URL in MEISAI_TEST_PG_URL for the
 * test workers (they are started after this, with this environment). No binaries: the
 * PostgreSQL tests skip, and the teardown says so in one line, unless MEISAI_REQUIRE_POSTGRES=1.
 */
export default async function postgresGlobalSetup(): Promise<void> {
  const given = process.env[PG_URL_VARIABLE];
  if (given !== undefined && given !== '') return;
  const bin = findPostgresBinaries();
  if (bin === undefined) {
    const reason =
      `PostgreSQL tests skipped: no PostgreSQL binaries (initdb, pg_ctl, postgres) in /usr/lib/postgresql/N/bin or ${PG_BIN_VARIABLE}; ` +
      `to run them: apt-get install -y postgresql (or set ${PG_URL_VARIABLE}=postgres://… to a server), then npm test; ${PG_REQUIRE_VARIABLE}=1 makes this a failure`;
    if (process.env[PG_REQUIRE_VARIABLE] === '1') throw new Error(`${PG_REQUIRE_VARIABLE}=1: ${reason}`);
    process.env[PG_SKIP_VARIABLE] = reason;
    process.env[PG_URL_VARIABLE] = '';
    return;
  }
  const cluster = await startTestCluster(bin);
  (globalThis as { meisaiTestCluster?: TestCluster }).meisaiTestCluster = cluster;
  process.env[PG_URL_VARIABLE] = cluster.url;
}

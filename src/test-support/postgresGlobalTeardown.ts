import { PG_SKIP_VARIABLE, PG_URL_VARIABLE, TestCluster } from './postgres';

/** Jest globalTeardown: stops the run's PostgreSQL and removes its folder; or says, in one line, that its tests were skipped. */
export default async function postgresGlobalTeardown(): Promise<void> {
  const holder = globalThis as { meisaiTestCluster?: TestCluster };
  const cluster = holder.meisaiTestCluster;
  if (cluster !== undefined) {
    holder.meisaiTestCluster = undefined;
    delete process.env[PG_URL_VARIABLE];
    cluster.stop();
  }
  const skipped = process.env[PG_SKIP_VARIABLE];
  if (skipped !== undefined) process.stderr.write(`${skipped}\n`);
}

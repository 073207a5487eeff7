import { DuckDBInstance } from '@duckdb/node-api';
import { loadReferenceFiles, ratingStatements } from './duckdbRating';
(async () => {
  const instance = await DuckDBInstance.create('/tmp/zz.duckdb', { threads: '2' });
  const c = await instance.connect();
  console.log((await c.runAndReadAll(`SELECT current_setting('threads'), current_setting('memory_limit')`)).getRows());
  const statements = ratingStatements('/tmp/g1.csv', loadReferenceFiles());
  const index = statements.findIndex((s) => s.includes('CREATE TABLE calls AS'));
  for (const s of statements.slice(0, index)) await c.run(s);
  const sql = statements[index]!.replace('CREATE TABLE calls AS', '');
  await c.run("PRAGMA enable_profiling = 'json'; PRAGMA profiling_output = '/tmp/profile.json'");
  await c.run(sql);
})();

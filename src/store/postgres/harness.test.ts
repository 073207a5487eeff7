import { Client } from 'pg';
import { createTestDatabase, describePostgres, PG_URL_VARIABLE, TestDatabase } from '../../test-support/postgres';

describePostgres('the test PostgreSQL', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('harness');
  });
  afterAll(async () => {
    await database?.drop();
  });

  test('answers SELECT 1 in a database of this test file', async () => {
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      const result = await client.query('SELECT 1 AS one, current_database() AS name');
      expect(result.rows).toEqual([{ one: 1, name: database.name }]);
    } finally {
      await client.end();
    }
  });

  test('listens on 127.0.0.1 only, with C collation (the byte order SQLite sorts by)', async () => {
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      const settings = await client.query(
        "SELECT current_setting('listen_addresses') AS listen, datcollate FROM pg_database WHERE datname = current_database()",
      );
      expect(settings.rows).toEqual([{ listen: '127.0.0.1', datcollate: 'C' }]);
      expect(new URL(process.env[PG_URL_VARIABLE]!).hostname).toBe('127.0.0.1');
    } finally {
      await client.end();
    }
  });

  test('holds only what this file wrote (harnessIsolation.test.ts writes the same table in its own database)', async () => {
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      await client.query('CREATE TABLE marker (file text)');
      await client.query('INSERT INTO marker VALUES ($1)', [__filename]);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect((await client.query('SELECT file FROM marker')).rows).toEqual([{ file: __filename }]);
    } finally {
      await client.end();
    }
  });

  test('two databases do not see each other (one per test file)', async () => {
    const other = await createTestDatabase('harness_other');
    const first = new Client({ connectionString: database.url });
    const second = new Client({ connectionString: other.url });
    await first.connect();
    await second.connect();
    try {
      await first.query('CREATE TABLE only_here (n int)');
      const there = await second.query("SELECT to_regclass('only_here') AS found");
      expect(there.rows[0].found).toBeNull();
      expect(other.name).not.toBe(database.name);
    } finally {
      await first.end();
      await second.end();
      await other.drop();
    }
  });
});

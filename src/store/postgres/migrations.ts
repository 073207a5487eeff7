/**
 * The PostgreSQL store's schema, as numbered migrations applied in order, each in its own
 * transaction, recorded in schema_migrations as on SQLite. A migration is never edited once
 * released: change the schema by adding the next one.
 *
 * Money and durations are bigint (read back as exact integers: connection.ts). Text that meisai
 * sorts (contract, month, number, record_id, call type, file name) is COLLATE "C": byte order,
 * as SQLite sorts, whatever the database's locale, so listings and statements are the same on
 * both engines.
 *
 * Partitioning: calls, the two totals tables, rejects and duplicates are partitioned by LIST of
 * a month; a month's partition is created when the first row of it arrives (partitions.ts).
 * Calls and totals by the call's month; rejects and duplicates (which may have no readable
 * month) by the month the file was received (UTC). The partitioned tables carry no foreign keys:
 * attaching a partition with one would lock `files` against the file transactions that are
 * writing it; reconcile checks every file's rows against its control totals instead.
 *
 * record_ids holds two rows per accepted call (migration 4: its month's bucket and the next, see
 * duplicateScope.ts): its primary key (record_id, bucket) is what makes two concurrent files with
 * the same record_id in duplicate scope serialise (the second waits for the first, then loses and
 * is applied again). Since migration 7 a row holds only the key and where its call is (contract_id,
 * month): de-duplication reads the content of the few record_ids it finds from calls.
 *
 * Citus: see citus.sql for the distribution (contract_id for calls, totals and statements;
 * reference tables for files and closed_months).
 */
export const PG_MIGRATIONS: { version: number; description: string; sql: string }[] = [
  {
    version: 1,
    description:
      'files, record_ids, calls, rejects, duplicates, monthly totals, statements, closed months (partitioned by month)',
    sql: `
      CREATE TABLE files (
        file_id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        name          text COLLATE "C" NOT NULL,
        sha256        text NOT NULL UNIQUE,
        bytes         bigint NOT NULL,
        encoding      text NOT NULL,
        source        text,
        ingested_at   text NOT NULL,
        records_read  bigint NOT NULL,
        accepted      bigint NOT NULL,
        rejected      bigint NOT NULL,
        duplicates    bigint NOT NULL,
        late          bigint NOT NULL DEFAULT 0,
        CHECK (records_read = accepted + rejected + duplicates)
      );
      CREATE INDEX files_by_bytes ON files (bytes);

      CREATE TABLE record_ids (
        record_id    text COLLATE "C" PRIMARY KEY,
        contract_id  text COLLATE "C" NOT NULL,
        number       text COLLATE "C" NOT NULL,
        direction    text NOT NULL,
        peer         text COLLATE "C" NOT NULL,
        start_ms     bigint NOT NULL,
        duration_ms  bigint NOT NULL,
        month        text COLLATE "C" NOT NULL,
        file_id      bigint NOT NULL,
        line         bigint NOT NULL
      );

      CREATE TABLE calls (
        contract_id        text COLLATE "C" NOT NULL,
        month              text COLLATE "C" NOT NULL,
        record_id          text COLLATE "C" NOT NULL,
        file_id            bigint NOT NULL,
        line               bigint NOT NULL,
        number             text COLLATE "C" NOT NULL,
        direction          text NOT NULL CHECK (direction IN ('out', 'in')),
        peer               text COLLATE "C" NOT NULL,
        peer_is_number     boolean NOT NULL,
        start_ms           bigint NOT NULL,
        duration_ms        bigint NOT NULL CHECK (duration_ms >= 0),
        peer_class         text NOT NULL,
        tariff_id          text NOT NULL,
        numbering_plan_id  text NOT NULL,
        rate_id            text,
        rate_prefix        text,
        units              bigint NOT NULL,
        charge_scaled      bigint NOT NULL,
        chakuwari_eligible boolean NOT NULL,
        late               boolean NOT NULL DEFAULT false,
        unrated_code       text,
        PRIMARY KEY (contract_id, month, record_id)
      ) PARTITION BY LIST (month);

      CREATE TABLE rejects (
        file_id         bigint NOT NULL,
        received_month  text COLLATE "C" NOT NULL,
        line            bigint NOT NULL,
        code            text NOT NULL,
        message         text NOT NULL,
        -- The line as read, as UTF-8 bytes: a rejected line may hold a NUL, which text cannot.
        raw             bytea NOT NULL
      ) PARTITION BY LIST (received_month);
      CREATE INDEX rejects_by_file ON rejects (file_id, line);

      CREATE TABLE duplicates (
        file_id         bigint NOT NULL,
        received_month  text COLLATE "C" NOT NULL,
        line            bigint NOT NULL,
        record_id       text COLLATE "C" NOT NULL,
        PRIMARY KEY (file_id, received_month, line)
      ) PARTITION BY LIST (received_month);

      CREATE TABLE number_type_totals (
        contract_id      text COLLATE "C" NOT NULL,
        month            text COLLATE "C" NOT NULL,
        number           text COLLATE "C" NOT NULL,
        call_type        text COLLATE "C" NOT NULL,
        calls            bigint NOT NULL,
        duration_tenths  bigint NOT NULL,
        charge_scaled    bigint NOT NULL,
        PRIMARY KEY (contract_id, month, number, call_type)
      ) PARTITION BY LIST (month);

      CREATE TABLE chakuwari_totals (
        contract_id      text COLLATE "C" NOT NULL,
        month            text COLLATE "C" NOT NULL,
        number           text COLLATE "C" NOT NULL,
        calls            bigint NOT NULL,
        duration_tenths  bigint NOT NULL,
        duration_ms      bigint NOT NULL,
        PRIMARY KEY (contract_id, month, number)
      ) PARTITION BY LIST (month);

      CREATE TABLE statements (
        contract_id     text COLLATE "C" NOT NULL,
        month           text COLLATE "C" NOT NULL,
        revision        bigint NOT NULL CHECK (revision >= 1),
        created_at      text NOT NULL,
        reason          text NOT NULL,
        statement_json  text NOT NULL,
        sha256          text NOT NULL,
        PRIMARY KEY (contract_id, month, revision)
      );

      CREATE TABLE closed_months (
        month      text COLLATE "C" PRIMARY KEY,
        closed_at  text NOT NULL
      );
    `,
  },
  {
    version: 2,
    description: 'plans and exact remainders on calls and totals, recyclable rejects (as SQLite migration 4)',
    sql: `
      -- The plan whose version rated the call (calls stored before: NULL).
      ALTER TABLE calls ADD COLUMN plan_id text;
      -- Call rounding none keeps the exact charge: charge_scaled plus this many 1/3600 of a scaled yen.
      ALTER TABLE calls ADD COLUMN charge_remainder_parts bigint NOT NULL DEFAULT 0;
      ALTER TABLE number_type_totals ADD COLUMN charge_remainder_parts bigint NOT NULL DEFAULT 0;
      -- A reject whose cause was data (NO_TARIFF, NOT_CALLABLE, BAD_PEER) keeps the record as read.
      ALTER TABLE rejects ADD COLUMN record_json text;
    `,
  },
  {
    version: 3,
    description:
      'skipped records: a fourth bucket in files, the skips table, the profile of each file (as SQLite migration 5)',
    sql: `
      ALTER TABLE files ADD COLUMN skipped bigint NOT NULL DEFAULT 0;
      -- The input profile the file was read with; NULL: the canonical CSV read without one.
      ALTER TABLE files ADD COLUMN profile text;
      -- Every record read is accepted, rejected, duplicate or skipped.
      DO $$
      DECLARE name text;
      BEGIN
        SELECT conname INTO name FROM pg_constraint
         WHERE conrelid = 'files'::regclass AND contype = 'c' AND pg_get_constraintdef(oid) LIKE '%records_read%';
        EXECUTE format('ALTER TABLE files DROP CONSTRAINT %I', name);
      END $$;
      ALTER TABLE files ADD CONSTRAINT files_records_read_adds_up CHECK (records_read = accepted + rejected + duplicates + skipped);
      -- One row per skipped record: where it was and the profile's reason.
      CREATE TABLE skips (
        file_id  bigint NOT NULL REFERENCES files(file_id),
        line     bigint NOT NULL,
        reason   text NOT NULL,
        PRIMARY KEY (file_id, line)
      );
    `,
  },
  {
    version: 4,
    description:
      'the one duplicate rule: record_ids unique per (record_id, month bucket), a start month and the next (as SQLite)',
    sql: `
      -- A record_id was unique store-wide; the rule of both engines (duplicateScope.ts) is a start in
      -- the same month or the month on either side. Each stored call now has two rows: bucket = its
      -- month's number (year × 12 + month − 1) and the next, and (record_id, bucket) is the key, so two
      -- calls of one record_id whose months are at most one apart share a bucket: the second is refused.
      ALTER TABLE record_ids DROP CONSTRAINT record_ids_pkey;
      ALTER TABLE record_ids ADD COLUMN bucket integer;
      UPDATE record_ids SET bucket = substr(month, 1, 4)::integer * 12 + substr(month, 6, 2)::integer - 1;
      INSERT INTO record_ids (record_id, contract_id, number, direction, peer, start_ms, duration_ms, month, file_id, line, bucket)
        SELECT record_id, contract_id, number, direction, peer, start_ms, duration_ms, month, file_id, line, bucket + 1 FROM record_ids;
      ALTER TABLE record_ids ALTER COLUMN bucket SET NOT NULL;
      ALTER TABLE record_ids ADD CONSTRAINT record_ids_pkey PRIMARY KEY (record_id, bucket);
    `,
  },
  {
    version: 5,
    description: "subscriptions, recycled rejects and each file's recycled count (as SQLite migration 4)",
    sql: `
      -- Contracts (number = '') and single numbers subscribed to a plan from a Japan-time date on.
      CREATE TABLE subscriptions (
        contract_id     text COLLATE "C" NOT NULL,
        number          text COLLATE "C" NOT NULL DEFAULT '',
        effective_from  text COLLATE "C" NOT NULL,
        plan            text NOT NULL,
        imported_from   text NOT NULL,
        imported_at     text NOT NULL,
        PRIMARY KEY (contract_id, number, effective_from)
      );
      -- Rejects of the file accepted later by recycle (they count among accepted from then on).
      ALTER TABLE files ADD COLUMN recycled bigint NOT NULL DEFAULT 0;
      -- Each recycled record: where it was read, why it had been rejected, when it was accepted.
      CREATE TABLE recycled (
        file_id      bigint NOT NULL,
        line         bigint NOT NULL,
        record_id    text COLLATE "C" NOT NULL,
        code         text NOT NULL,
        message      text NOT NULL,
        recycled_at  text NOT NULL,
        PRIMARY KEY (file_id, line)
      );
    `,
  },
  {
    version: 6,
    description: 'customers, invoices (immutable) and invoice numbers per issuer (as SQLite migration 7)',
    sql: `
      -- Who is billed for what: a contract's billing name and each number with the dates it was active.
      CREATE TABLE customers (
        contract_id    text COLLATE "C" NOT NULL,
        number         text COLLATE "C" NOT NULL,
        active_from    text COLLATE "C" NOT NULL,
        active_to      text COLLATE "C",
        name           text NOT NULL,
        imported_from  text NOT NULL,
        imported_at    text NOT NULL,
        PRIMARY KEY (contract_id, number, active_from)
      );
      -- The last invoice number given per issuer: its row lock serialises concurrent bill runs.
      CREATE TABLE invoice_sequences (
        issuer       text COLLATE "C" PRIMARY KEY,
        last_number  bigint NOT NULL CHECK (last_number >= 1)
      );
      -- Issued invoices and notes, as issued: the JSON and its sha256, never changed.
      CREATE TABLE invoices (
        contract_id         text COLLATE "C" NOT NULL,
        invoice_number      text COLLATE "C" NOT NULL,
        issuer              text COLLATE "C" NOT NULL,
        sequence            bigint NOT NULL,
        month               text COLLATE "C" NOT NULL,
        kind                text NOT NULL CHECK (kind IN ('invoice', 'credit-note', 'debit-note')),
        corrects            text COLLATE "C",
        statement_revision  bigint,
        issued_at           text NOT NULL,
        total               text NOT NULL,
        invoice_json        text NOT NULL,
        sha256              text NOT NULL,
        PRIMARY KEY (contract_id, invoice_number),
        CHECK ((kind = 'invoice') = (corrects IS NULL))
      );
      CREATE UNIQUE INDEX invoices_one_per_month ON invoices (contract_id, month) WHERE kind = 'invoice';
      CREATE INDEX invoices_by_month ON invoices (month);
      CREATE FUNCTION meisai_invoices_never_change() RETURNS trigger LANGUAGE plpgsql AS $fn$
        BEGIN RAISE EXCEPTION 'an issued invoice never changes'; END $fn$;
      CREATE TRIGGER invoices_never_change BEFORE UPDATE OR DELETE ON invoices FOR EACH ROW EXECUTE FUNCTION meisai_invoices_never_change();
    `,
  },
  {
    version: 7,
    description: 'file removals: who took a file back, when, why, and what left the store (as SQLite migration 8)',
    sql: `
      -- A file taken back by files remove: its rows leave the store, its files row stays; this row
      -- says who removed it, when, why, and how many rows went or were promoted.
      CREATE TABLE file_removals (
        file_id             bigint PRIMARY KEY REFERENCES files(file_id),
        removed_at          text NOT NULL,
        removed_by          text NOT NULL,
        reason              text NOT NULL,
        calls_removed       bigint NOT NULL,
        rejects_removed     bigint NOT NULL,
        duplicates_removed  bigint NOT NULL,
        skips_removed       bigint NOT NULL,
        promoted            bigint NOT NULL
      );
    `,
  },
  {
    version: 8,
    description:
      'thin record_ids: the key, where the call is (contract_id, month) and the file line that stored it; its content is read from calls',
    sql: `
      -- Every accepted call writes two record_ids rows (its buckets): they carried a copy of the
      -- call's identity, which de-duplication now reads from the call itself (calls' primary key,
      -- only for the record_ids found). Dropping the columns rewrites nothing; new rows are narrow.
      -- file_id and line stay: files remove (migration 7) finds and moves a file's rows by them.
      ALTER TABLE record_ids
        DROP COLUMN number, DROP COLUMN direction, DROP COLUMN peer, DROP COLUMN start_ms, DROP COLUMN duration_ms;
    `,
  },
];

export const PG_KNOWN_VERSION = Math.max(...PG_MIGRATIONS.map((migration) => migration.version));

/** The partitioned tables, and the column each is partitioned by. */
export const PARTITIONED_TABLES = {
  calls: 'month',
  number_type_totals: 'month',
  chakuwari_totals: 'month',
  rejects: 'received_month',
  duplicates: 'received_month',
} as const;

export type PartitionedTable = keyof typeof PARTITIONED_TABLES;

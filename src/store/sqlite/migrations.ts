import type { Db } from './db';
import { buildKeyPartsVersionSix, callsVersionSix } from './migrationSix';

/**
 * The store's schema, as numbered migrations applied in order, each in its own transaction.
 * A migration is never edited once released: change the schema by adding the next one.
 */
export const MIGRATIONS: {
  version: number;
  description: string;
  sql: string;
  /**
   * The migration rebuilds a table other tables reference (SQLite cannot change a CHECK in place):
   * foreign keys are switched off around its transaction, as SQLite's documented procedure
   * requires, and `PRAGMA foreign_key_check` must find nothing before it commits.
   */
  rebuildsReferencedTable?: boolean;
  /** Work the SQL cannot do (e.g. a hash computed in JavaScript), run after it in the same transaction. */
  after?: (db: Db) => void;
}[] = [
  {
    version: 1,
    description: 'files, calls, rejects, duplicates and monthly totals',
    sql: `
      CREATE TABLE files (
        file_id       INTEGER PRIMARY KEY,
        name          TEXT NOT NULL,
        sha256        TEXT NOT NULL UNIQUE,
        bytes         INTEGER NOT NULL,
        encoding      TEXT NOT NULL,
        source        TEXT,
        ingested_at   TEXT NOT NULL,
        records_read  INTEGER NOT NULL,
        accepted      INTEGER NOT NULL,
        rejected      INTEGER NOT NULL,
        duplicates    INTEGER NOT NULL,
        CHECK (records_read = accepted + rejected + duplicates)
      );

      -- One row per accepted call leg, with how it was classified and rated.
      CREATE TABLE calls (
        record_id          TEXT PRIMARY KEY,
        file_id            INTEGER NOT NULL REFERENCES files(file_id),
        line               INTEGER NOT NULL,
        contract_id        TEXT NOT NULL,
        number             TEXT NOT NULL,
        direction          TEXT NOT NULL CHECK (direction IN ('out', 'in')),
        peer               TEXT NOT NULL,
        peer_is_number     INTEGER NOT NULL,
        start_ms           INTEGER NOT NULL,
        duration_ms        INTEGER NOT NULL CHECK (duration_ms >= 0),
        month              TEXT NOT NULL,
        peer_class         TEXT NOT NULL,
        tariff_id          TEXT NOT NULL,
        numbering_plan_id  TEXT NOT NULL,
        rate_id            TEXT,
        rate_prefix        TEXT,
        units              INTEGER NOT NULL,
        charge_scaled      INTEGER NOT NULL,
        chakuwari_eligible INTEGER NOT NULL
      );
      CREATE INDEX calls_by_statement ON calls (contract_id, month, number);

      CREATE TABLE rejects (
        reject_id  INTEGER PRIMARY KEY,
        file_id    INTEGER NOT NULL REFERENCES files(file_id),
        line       INTEGER NOT NULL,
        code       TEXT NOT NULL,
        message    TEXT NOT NULL,
        raw        TEXT NOT NULL
      );
      CREATE INDEX rejects_by_file ON rejects (file_id, line);

      CREATE TABLE duplicates (
        file_id    INTEGER NOT NULL REFERENCES files(file_id),
        line       INTEGER NOT NULL,
        record_id  TEXT NOT NULL,
        PRIMARY KEY (file_id, line)
      ) WITHOUT ROWID;

      -- Per number, month and call type: the sums behind one statement row (outbound, duration > 0).
      CREATE TABLE number_type_totals (
        contract_id      TEXT NOT NULL,
        month            TEXT NOT NULL,
        number           TEXT NOT NULL,
        call_type        TEXT NOT NULL,
        calls            INTEGER NOT NULL,
        duration_tenths  INTEGER NOT NULL,
        charge_scaled    INTEGER NOT NULL,
        PRIMARY KEY (contract_id, month, number, call_type)
      ) WITHOUT ROWID;

      -- Per number and month: eligible inbound time behind the 着割 row.
      CREATE TABLE chakuwari_totals (
        contract_id      TEXT NOT NULL,
        month            TEXT NOT NULL,
        number           TEXT NOT NULL,
        calls            INTEGER NOT NULL,
        duration_tenths  INTEGER NOT NULL,
        duration_ms      INTEGER NOT NULL,
        PRIMARY KEY (contract_id, month, number)
      ) WITHOUT ROWID;

      -- Per contract and month and call type: the unrounded sums over all numbers.
      CREATE VIEW contract_type_totals AS
        SELECT contract_id, month, call_type,
               SUM(calls) AS calls, SUM(duration_tenths) AS duration_tenths, SUM(charge_scaled) AS charge_scaled
          FROM number_type_totals
         GROUP BY contract_id, month, call_type;
    `,
  },
  {
    version: 2,
    description: 'statement revisions, closed months, late and unrateable calls',
    sql: `
      -- Issued statements: every revision is kept, as the exact JSON that was printed.
      CREATE TABLE statements (
        contract_id     TEXT NOT NULL,
        month           TEXT NOT NULL,
        revision        INTEGER NOT NULL CHECK (revision >= 1),
        created_at      TEXT NOT NULL,
        reason          TEXT NOT NULL,
        statement_json  TEXT NOT NULL,
        sha256          TEXT NOT NULL,
        PRIMARY KEY (contract_id, month, revision)
      ) WITHOUT ROWID;

      -- Invoiced months: their statements change only through rerate --force.
      CREATE TABLE closed_months (
        month      TEXT PRIMARY KEY,
        closed_at  TEXT NOT NULL
      ) WITHOUT ROWID;

      -- A call that arrived after its month was closed: stored, not in the totals until re-rated with --force.
      ALTER TABLE calls ADD COLUMN late INTEGER NOT NULL DEFAULT 0;
      -- Set when a re-rate could no longer rate the call (e.g. the corrected plan makes its peer NOT_CALLABLE).
      ALTER TABLE calls ADD COLUMN unrated_code TEXT;
      ALTER TABLE files ADD COLUMN late INTEGER NOT NULL DEFAULT 0;
      CREATE INDEX calls_by_month ON calls (month, contract_id);
    `,
  },
  {
    version: 3,
    description: 'calls without month indexes: ingest appends in record_id order',
    sql: `
      -- Two indexes on calls by month and contract made every insert land at a random place in
      -- them: ingest slowed as the store grew. Statements read the totals tables (indexed by
      -- their keys); per-call reads of a month (rerate, reconcile, calls) scan calls instead.
      DROP INDEX calls_by_statement;
      DROP INDEX calls_by_month;
    `,
  },
  {
    version: 4,
    description: 'plans and subscriptions, exact remainders, recyclable rejects',
    sql: `
      -- Contracts (number = '') and single numbers subscribed to a plan from a Japan-time date on.
      CREATE TABLE subscriptions (
        contract_id     TEXT NOT NULL,
        number          TEXT NOT NULL DEFAULT '',
        effective_from  TEXT NOT NULL,
        plan            TEXT NOT NULL,
        imported_from   TEXT NOT NULL,
        imported_at     TEXT NOT NULL,
        PRIMARY KEY (contract_id, number, effective_from)
      ) WITHOUT ROWID;
      -- The plan whose version rated the call (calls stored before version 4: NULL).
      ALTER TABLE calls ADD COLUMN plan_id TEXT;
      -- Call rounding none keeps the exact charge: charge_scaled plus this many 1/3600 of a scaled yen.
      ALTER TABLE calls ADD COLUMN charge_remainder_parts INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE number_type_totals ADD COLUMN charge_remainder_parts INTEGER NOT NULL DEFAULT 0;
      -- A reject whose cause was data (NO_TARIFF, NOT_CALLABLE, BAD_PEER) keeps the record as read, for recycle.
      ALTER TABLE rejects ADD COLUMN record_json TEXT;
      -- Rejects of the file accepted later by recycle (they count among accepted from then on).
      ALTER TABLE files ADD COLUMN recycled INTEGER NOT NULL DEFAULT 0;
      -- Each recycled record: where it was read, why it had been rejected, when it was accepted.
      CREATE TABLE recycled (
        file_id      INTEGER NOT NULL REFERENCES files(file_id),
        line         INTEGER NOT NULL,
        record_id    TEXT NOT NULL,
        code         TEXT NOT NULL,
        message      TEXT NOT NULL,
        recycled_at  TEXT NOT NULL,
        PRIMARY KEY (file_id, line)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 5,
    description: 'skipped records: a fourth bucket in the files table, the skips table, the profile of each file',
    rebuildsReferencedTable: true,
    sql: `
      -- Records an input profile counts as not calls (unanswered, internal legs) are skipped, with a
      -- reason: every record read is now accepted, rejected, duplicate or skipped, and the files
      -- table's CHECK says so. A CHECK cannot be altered in SQLite, so files is rebuilt (calls,
      -- rejects, duplicates and recycled keep referencing it by name; foreign keys are off meanwhile and
      -- checked before the commit). Existing files had no skipped records: skipped = 0.
      CREATE TABLE files_v5 (
        file_id       INTEGER PRIMARY KEY,
        name          TEXT NOT NULL,
        sha256        TEXT NOT NULL UNIQUE,
        bytes         INTEGER NOT NULL,
        encoding      TEXT NOT NULL,
        source        TEXT,
        ingested_at   TEXT NOT NULL,
        records_read  INTEGER NOT NULL,
        accepted      INTEGER NOT NULL,
        rejected      INTEGER NOT NULL,
        duplicates    INTEGER NOT NULL,
        late          INTEGER NOT NULL DEFAULT 0,
        recycled      INTEGER NOT NULL DEFAULT 0,
        skipped       INTEGER NOT NULL DEFAULT 0,
        -- The input profile the file was read with; NULL: the canonical CSV read without one.
        profile       TEXT,
        CHECK (records_read = accepted + rejected + duplicates + skipped)
      );
      -- SELECT * on purpose: files as versions 1-4 leave it has exactly these thirteen columns in this
      -- order; should an earlier migration ever add one, this INSERT fails (too many values) and the
      -- migration is not applied, rather than the rebuild dropping that column's data.
      INSERT INTO files_v5 SELECT *, 0, NULL FROM files;
      DROP TABLE files;
      ALTER TABLE files_v5 RENAME TO files;

      -- One row per skipped record: where it was and the profile's reason.
      CREATE TABLE skips (
        file_id  INTEGER NOT NULL REFERENCES files(file_id),
        line     INTEGER NOT NULL,
        reason   TEXT NOT NULL,
        PRIMARY KEY (file_id, line)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 6,
    description: 'calls appended by call_id: per-month de-duplication keys and a month-contract index written in order',
    after: buildKeyPartsVersionSix,
    sql: callsVersionSix(),
  },
  {
    version: 7,
    description: 'customers, invoices (immutable) and invoice numbers per issuer',
    sql: `
      -- Who is billed for what: a contract's billing name and each number with the dates it was active.
      CREATE TABLE customers (
        contract_id    TEXT NOT NULL,
        number         TEXT NOT NULL,
        active_from    TEXT NOT NULL,
        active_to      TEXT,
        name           TEXT NOT NULL,
        imported_from  TEXT NOT NULL,
        imported_at    TEXT NOT NULL,
        PRIMARY KEY (contract_id, number, active_from)
      );
      -- The last invoice number given per issuer: numbers are sequential and never reused.
      CREATE TABLE invoice_sequences (
        issuer       TEXT PRIMARY KEY,
        last_number  INTEGER NOT NULL CHECK (last_number >= 1)
      );
      -- Issued invoices and notes, as issued: the JSON and its sha256, never changed.
      CREATE TABLE invoices (
        contract_id         TEXT NOT NULL,
        invoice_number      TEXT NOT NULL,
        issuer              TEXT NOT NULL,
        sequence            INTEGER NOT NULL,
        month               TEXT NOT NULL,
        kind                TEXT NOT NULL CHECK (kind IN ('invoice', 'credit-note', 'debit-note')),
        corrects            TEXT,
        statement_revision  INTEGER,
        issued_at           TEXT NOT NULL,
        total               TEXT NOT NULL,
        invoice_json        TEXT NOT NULL,
        sha256              TEXT NOT NULL,
        PRIMARY KEY (contract_id, invoice_number),
        UNIQUE (issuer, sequence),
        CHECK ((kind = 'invoice') = (corrects IS NULL))
      );
      CREATE UNIQUE INDEX invoices_one_per_month ON invoices (contract_id, month) WHERE kind = 'invoice';
      CREATE INDEX invoices_by_month ON invoices (month);
      CREATE TRIGGER invoices_never_change BEFORE UPDATE ON invoices BEGIN SELECT RAISE(ABORT, 'an issued invoice never changes'); END;
      CREATE TRIGGER invoices_never_deleted BEFORE DELETE ON invoices BEGIN SELECT RAISE(ABORT, 'an issued invoice is never deleted'); END;
    `,
  },
  {
    version: 8,
    description: 'file removals: who took a file back, when, why, and what left the store',
    sql: `
      -- A file ingested by mistake and taken back by files remove: its calls, rejects, duplicates
      -- and skips leave the store; its files row stays (its sha256 and control totals as ingested),
      -- and this row says who removed it, when, why, and how many rows went or were promoted.
      CREATE TABLE file_removals (
        file_id             INTEGER PRIMARY KEY REFERENCES files(file_id),
        removed_at          TEXT NOT NULL,
        removed_by          TEXT NOT NULL,
        reason              TEXT NOT NULL,
        calls_removed       INTEGER NOT NULL,
        rejects_removed     INTEGER NOT NULL,
        duplicates_removed  INTEGER NOT NULL,
        skips_removed       INTEGER NOT NULL,
        promoted            INTEGER NOT NULL
      );
    `,
  },
  {
    version: 9,
    description: "monthly totals keyed month first: a new month's rows are appended, not spread among earlier months",
    sql: `
      -- Keyed contract first, a new month's totals rows went in beside each contract's earlier
      -- months: a fresh month into a store of ten paid for upserts all over the tables. Month first,
      -- they land together at the end; a contract's months are found one month at a time.
      DROP VIEW contract_type_totals;
      CREATE TABLE number_type_totals_by_month (
        month                   TEXT NOT NULL,
        contract_id             TEXT NOT NULL,
        number                  TEXT NOT NULL,
        call_type               TEXT NOT NULL,
        calls                   INTEGER NOT NULL,
        duration_tenths         INTEGER NOT NULL,
        charge_scaled           INTEGER NOT NULL,
        charge_remainder_parts  INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (month, contract_id, number, call_type)
      ) WITHOUT ROWID;
      INSERT INTO number_type_totals_by_month
        (month, contract_id, number, call_type, calls, duration_tenths, charge_scaled, charge_remainder_parts)
        SELECT month, contract_id, number, call_type, calls, duration_tenths, charge_scaled, charge_remainder_parts
          FROM number_type_totals ORDER BY month, contract_id, number, call_type;
      DROP TABLE number_type_totals;
      ALTER TABLE number_type_totals_by_month RENAME TO number_type_totals;
      CREATE TABLE chakuwari_totals_by_month (
        month            TEXT NOT NULL,
        contract_id      TEXT NOT NULL,
        number           TEXT NOT NULL,
        calls            INTEGER NOT NULL,
        duration_tenths  INTEGER NOT NULL,
        duration_ms      INTEGER NOT NULL,
        PRIMARY KEY (month, contract_id, number)
      ) WITHOUT ROWID;
      INSERT INTO chakuwari_totals_by_month (month, contract_id, number, calls, duration_tenths, duration_ms)
        SELECT month, contract_id, number, calls, duration_tenths, duration_ms
          FROM chakuwari_totals ORDER BY month, contract_id, number;
      DROP TABLE chakuwari_totals;
      ALTER TABLE chakuwari_totals_by_month RENAME TO chakuwari_totals;
      CREATE VIEW contract_type_totals AS
        SELECT contract_id, month, call_type,
               SUM(calls) AS calls, SUM(duration_tenths) AS duration_tenths, SUM(charge_scaled) AS charge_scaled
          FROM number_type_totals
         GROUP BY contract_id, month, call_type;
    `,
  },
];

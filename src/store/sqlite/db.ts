import type Database from 'better-sqlite3';

/** An open SQLite store. Its own module, so the migrations can name it without importing connection.ts, which runs them. */
export type Db = Database.Database;

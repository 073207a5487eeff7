/** Whether --db names a PostgreSQL server (a postgres:// or postgresql:// URL) rather than a SQLite file. */
export function isPostgresUrl(value: string): boolean {
  return /^postgres(ql)?:\/\//i.test(value);
}

// What the server says is going on in a test database: advisory locks held
// (the migration lock among them) and statements running, to poll instead of sleeping.
import type { TestDatabase } from './database.ts';

export async function advisoryLocks(db: TestDatabase): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    `select count(*)::int as n from pg_locks where locktype = 'advisory' and database = (select oid from pg_database where datname = current_database())`,
  );
  return row!.n;
}

/** Other sessions running a statement whose text matches `like` (SQL LIKE). */
export async function runningStatements(db: TestDatabase, like: string): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    `select count(*)::int as n from pg_stat_activity where state = 'active' and query like $1 and pid <> pg_backend_pid() and datname = current_database()`,
    [like],
  );
  return row!.n;
}

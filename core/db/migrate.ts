import { raw, sql, type SqlDriver, type Statement } from "./sql.ts";

/**
 * One numbered schema change. The list for a database kind is append-only: an
 * applied migration is never edited or renumbered, a change is a new entry.
 */
export interface Migration {
  version: number;
  name: string;
  statements: string[];
}

interface AppliedRow {
  version: number;
  name: string;
}

/**
 * Brings a database up to the newest migration, all pending ones in one
 * transaction. The applied versions live in `schema_migrations` because
 * workerd forbids `PRAGMA user_version`.
 *
 * Throws if the list is not 1…n in order, or if an applied migration was
 * renamed: both mean someone edited history, and carrying on could corrupt data.
 */
export async function migrate(db: SqlDriver, migrations: readonly Migration[]): Promise<number> {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(`migration list is not append-only: entry ${index} has version ${migration.version}, expected ${index + 1}`);
    }
  });

  await db.run(
    raw(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      applied_at TEXT NOT NULL
    )`),
  );
  const applied = await db.all<AppliedRow>(sql`SELECT version, name FROM schema_migrations ORDER BY version`);
  for (const row of applied) {
    const known = migrations[row.version - 1];
    if (known === undefined) {
      throw new Error(`database is at migration ${row.version} (${row.name}), newer than this build knows`);
    }
    if (known.name !== row.name) {
      throw new Error(`migration ${row.version} was applied as "${row.name}" but is now "${known.name}"`);
    }
  }

  const pending = migrations.slice(applied.length);
  if (pending.length === 0) return applied.length;

  const now = new Date().toISOString();
  const statements: Statement[] = pending.flatMap((migration) => [
    ...migration.statements.map(raw),
    sql`INSERT INTO schema_migrations (version, name, applied_at) VALUES (${migration.version}, ${migration.name}, ${now})`,
  ]);
  await db.batch(statements);
  return migrations.length;
}

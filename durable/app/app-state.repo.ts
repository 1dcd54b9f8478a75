import { sql, type SqlDriver } from "../db/sql.ts";

/** The app's own config and sealed secrets, as stored in its actor database. */
export class AppStateRepository {
  readonly #db: SqlDriver;

  constructor(db: SqlDriver) {
    this.#db = db;
  }

  async getConfig<T>(key: string): Promise<T | null> {
    const row = await this.#db.one<{ value_json: string }>(sql`SELECT value_json FROM config WHERE key = ${key}`);
    return row ? (JSON.parse(row.value_json) as T) : null;
  }

  async putConfig(key: string, value: unknown, now: string): Promise<void> {
    await this.#db.run(sql`
      INSERT INTO config (key, value_json, updated_at) VALUES (${key}, ${JSON.stringify(value)}, ${now})
      ON CONFLICT (key) DO UPDATE SET value_json = excluded.value_json, updated_at = excluded.updated_at`);
  }

  async getSealedSecret(name: string): Promise<string | null> {
    const row = await this.#db.one<{ sealed: string }>(sql`SELECT sealed FROM secrets WHERE name = ${name}`);
    return row?.sealed ?? null;
  }

  async putSealedSecret(name: string, sealed: string, now: string): Promise<void> {
    await this.#db.run(sql`
      INSERT INTO secrets (name, sealed, updated_at) VALUES (${name}, ${sealed}, ${now})
      ON CONFLICT (name) DO UPDATE SET sealed = excluded.sealed, updated_at = excluded.updated_at`);
  }

  async deleteSecret(name: string): Promise<void> {
    await this.#db.run(sql`DELETE FROM secrets WHERE name = ${name}`);
  }

  async secretNames(): Promise<string[]> {
    const rows = await this.#db.all<{ name: string }>(sql`SELECT name FROM secrets ORDER BY name`);
    return rows.map((row) => row.name);
  }
}

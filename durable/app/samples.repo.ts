import { sql, type SqlDriver, type Statement } from "../../core/db/sql.ts";

export interface SampleRow {
  name: string;
  content: string;
  size_bytes: number;
  updated_at: string;
}

/** The app's sample pages, as stored in its actor database (the `samples` table). */
export class SamplesRepository {
  readonly #db: SqlDriver;

  constructor(db: SqlDriver) {
    this.#db = db;
  }

  /** Every page without its content, by name. */
  list(): Promise<Omit<SampleRow, "content">[]> {
    return this.#db.all(sql`SELECT name, size_bytes, updated_at FROM samples ORDER BY name`);
  }

  get(name: string): Promise<SampleRow | null> {
    return this.#db.one<SampleRow>(sql`SELECT * FROM samples WHERE name = ${name}`);
  }

  async count(): Promise<number> {
    return (await this.#db.one<{ n: number }>(sql`SELECT COUNT(*) AS n FROM samples`))?.n ?? 0;
  }

  /** Writes a page, replacing one of the same name (or, with `keep`, leaving it as it is). */
  put(row: SampleRow, options: { keep?: boolean } = {}): Statement {
    return options.keep
      ? sql`INSERT INTO samples (name, content, size_bytes, updated_at) VALUES (${row.name}, ${row.content}, ${row.size_bytes}, ${row.updated_at})
            ON CONFLICT (name) DO NOTHING`
      : sql`INSERT INTO samples (name, content, size_bytes, updated_at) VALUES (${row.name}, ${row.content}, ${row.size_bytes}, ${row.updated_at})
            ON CONFLICT (name) DO UPDATE SET content = excluded.content, size_bytes = excluded.size_bytes, updated_at = excluded.updated_at`;
  }

  async batch(statements: Statement[]): Promise<void> {
    await this.#db.batch(statements);
  }
}

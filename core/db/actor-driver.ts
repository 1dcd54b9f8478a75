import { SqlError, type RunResult, type SqlDriver, type Statement } from "./sql.ts";

/**
 * The driver over an actor's own SQLite database. workerd's SQL API is
 * synchronous; the interface is async so the same repositories also run over
 * libSQL. `batch` uses `transactionSync`, since workerd forbids `BEGIN`.
 */
export class ActorSqlDriver implements SqlDriver {
  readonly #storage: DurableObjectStorage;

  constructor(storage: DurableObjectStorage) {
    this.#storage = storage;
  }

  #exec(statement: Statement): SqlStorageCursor<Record<string, SqlStorageValue>> {
    try {
      return this.#storage.sql.exec(statement.text, ...statement.params);
    } catch (error) {
      throw new SqlError(error, statement.text);
    }
  }

  async all<Row>(statement: Statement): Promise<Row[]> {
    return this.#exec(statement).toArray() as Row[];
  }

  async one<Row>(statement: Statement): Promise<Row | null> {
    const rows = this.#exec(statement).toArray();
    return (rows[0] as Row | undefined) ?? null;
  }

  async run(statement: Statement): Promise<RunResult> {
    return this.#runSync(statement);
  }

  async batch(statements: readonly Statement[]): Promise<RunResult[]> {
    return this.#storage.transactionSync(() => statements.map((statement) => this.#runSync(statement)));
  }

  #runSync(statement: Statement): RunResult {
    const cursor = this.#exec(statement);
    // Drain the cursor so that RETURNING clauses and multi-row writes complete.
    cursor.toArray();
    return { changes: cursor.rowsWritten };
  }
}

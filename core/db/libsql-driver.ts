import type { Client, InStatement, ResultSet } from "@libsql/client";
import { SqlError, type RunResult, type SqlDriver, type Statement } from "./sql.ts";

/**
 * The driver over `@libsql/client`: Node-side repository tests (`:memory:`)
 * and the admin CLI, which opens an app's database file while the node is down.
 */
export class LibsqlDriver implements SqlDriver {
  readonly #client: Client;

  constructor(client: Client) {
    this.#client = client;
  }

  async #execute(statement: Statement): Promise<ResultSet> {
    try {
      return await this.#client.execute(toLibsql(statement));
    } catch (error) {
      throw new SqlError(error, statement.text);
    }
  }

  async all<Row>(statement: Statement): Promise<Row[]> {
    return toObjects<Row>(await this.#execute(statement));
  }

  async one<Row>(statement: Statement): Promise<Row | null> {
    return toObjects<Row>(await this.#execute(statement))[0] ?? null;
  }

  async run(statement: Statement): Promise<RunResult> {
    return { changes: (await this.#execute(statement)).rowsAffected };
  }

  async batch(statements: readonly Statement[]): Promise<RunResult[]> {
    try {
      const results = await this.#client.batch(statements.map(toLibsql), "write");
      return results.map((result) => ({ changes: result.rowsAffected }));
    } catch (error) {
      throw new SqlError(error, statements.map((s) => s.text).join("; "));
    }
  }
}

const toLibsql = (statement: Statement): InStatement => ({ sql: statement.text, args: [...statement.params] });

/** libSQL rows are array-like with column getters; repositories expect plain objects like workerd returns. */
function toObjects<Row>(result: ResultSet): Row[] {
  return result.rows.map((row) => {
    const object: Record<string, unknown> = {};
    result.columns.forEach((column, index) => {
      const value = row[index];
      object[column] = typeof value === "bigint" ? Number(value) : value;
    });
    return object as Row;
  });
}

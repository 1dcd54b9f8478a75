// The one way SQL is written in StreamHub: plain SQL text in a tagged template,
// values bound as parameters, never spliced in. Repositories hold these next to
// the code that needs them, so a reader sees the query where it runs.

export type SqlValue = string | number | null;

export interface Statement {
  readonly text: string;
  readonly params: readonly SqlValue[];
}

/** sql`SELECT * FROM apps WHERE name = ${name}` → { text: "… = ?", params: [name] } */
export function sql(strings: TemplateStringsArray, ...values: SqlValue[]): Statement {
  return { text: strings.join("?"), params: values };
}

/** A statement without parameters, for schema migrations. */
export const raw = (text: string): Statement => ({ text, params: [] });

export interface RunResult {
  /** Rows inserted, updated or deleted. */
  changes: number;
}

/**
 * The small driver interface every repository is written against. Two
 * implementations: the actor's own SQLite (`ctx.storage.sql`) and
 * `@libsql/client` for Node-side tests and the admin CLI.
 */
export interface SqlDriver {
  all<Row>(statement: Statement): Promise<Row[]>;
  one<Row>(statement: Statement): Promise<Row | null>;
  run(statement: Statement): Promise<RunResult>;
  /** Runs every statement in one transaction: all of them apply, or none. */
  batch(statements: readonly Statement[]): Promise<RunResult[]>;
}

/** A failed query, carrying the SQL text (never the bound values, which may be secrets). */
export class SqlError extends Error {
  readonly query: string;
  constructor(cause: unknown, query: string) {
    const message = cause instanceof Error ? cause.message : String(cause);
    super(`${message} — in query: ${query}`, { cause });
    this.name = "SqlError";
    this.query = query;
  }
}

/**
 * The column (`table.column`) whose UNIQUE or PRIMARY KEY constraint a failed
 * write broke, or null if it failed for another reason.
 */
export function uniqueViolationOn(error: unknown): string | null {
  const cause = error instanceof SqlError ? error.cause : error;
  const message = cause instanceof Error ? cause.message : String(cause);
  return /(?:UNIQUE|PRIMARY KEY) constraint failed: ([\w.]+)/.exec(message)?.[1] ?? null;
}

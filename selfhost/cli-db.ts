// The node's databases as files: where workerd keeps each actor's SQLite
// database under DATA_DIR (selfhost/workerd.capnp: one folder per actor class,
// named by its uniqueKey; one `<actor id>.sqlite` per actor, and a
// `metadata.sqlite` per class holding its actors' alarms), which actor each
// file belongs to, whether a node is running on them, and a SqlDriver over
// node:sqlite so that the CLI reuses the actors' own repositories.
//
// workerd opens these files through SQLite's own unix VFS (rooted with openat;
// see workerd's src/workerd/util/sqlite.c++) in WAL mode, so its locks are
// ordinary POSIX locks and its WAL index an ordinary -shm file: another
// process's SQLite sees a consistent, committed snapshot in a read
// transaction, and readers never block workerd's writer. Writing from outside
// while workerd runs would make workerd's own writes wait or fail, so the
// CLI writes only while the node is stopped.
import { existsSync, readdirSync, readFileSync, readlinkSync, realpathSync } from "node:fs";
import { join, resolve } from "node:path";
import { DatabaseSync, type SQLInputValue } from "node:sqlite";
import { SqlError, type RunResult, type SqlDriver, type Statement } from "../core/db/sql.ts";

/** The uniqueKeys of selfhost/workerd.capnp (never changed: they name these folders). */
export const ACTOR_FOLDERS = { registry: "streamhub-registry", app: "streamhub-app", quota: "streamhub-quota-ledger" } as const;

export type DatabaseKind = "registry" | "app" | "quota" | "alarms" | "other";

export interface DatabaseFile {
  /** Relative to DATA_DIR, e.g. `actors/streamhub-app/<id>.sqlite`. */
  path: string;
  kind: DatabaseKind;
}

export const actorsDir = (dataDir: string) => resolve(dataDir, "actors");

/** Every actor database under DATA_DIR (the -wal and -shm files are SQLite's, not databases). */
export function listDatabases(dataDir: string): DatabaseFile[] {
  const root = actorsDir(dataDir);
  if (!existsSync(root)) return [];
  const files: DatabaseFile[] = [];
  for (const folder of readdirSync(root, { withFileTypes: true }).filter((entry) => entry.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const kind = (Object.entries(ACTOR_FOLDERS).find(([, name]) => name === folder.name)?.[0] ?? "other") as DatabaseKind;
    for (const file of readdirSync(join(root, folder.name)).filter((name) => name.endsWith(".sqlite")).sort()) {
      files.push({ path: `actors/${folder.name}/${file}`, kind: file === "metadata.sqlite" ? "alarms" : kind });
    }
  }
  return files;
}

/** The Registry's database file, or null when the node never started on this DATA_DIR. */
export function registryDatabase(dataDir: string): string | null {
  const found = listDatabases(dataDir).find((db) => db.kind === "registry");
  return found ? resolve(dataDir, found.path) : null;
}

/**
 * The processes running a node on this DATA_DIR: a workerd started with
 * `--directory-path data=<DATA_DIR>/actors` (as selfhost/start.ts starts it),
 * or any process holding one of its databases open. Linux /proc; the caller's
 * own process is left out.
 */
export function processesUsing(dataDir: string): number[] {
  // The folder as given and as it really is (a symlinked DATA_DIR is the same node).
  const roots = new Set([actorsDir(dataDir)]);
  try {
    roots.add(realpathSync(actorsDir(dataDir)));
  } catch {
    // Not there yet: no node can be using it through its real path either.
  }
  const found = new Set<number>();
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  for (const pid of pids) {
    if (Number(pid) === process.pid) continue;
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      if (argv.some((arg) => [...roots].some((root) => arg === `data=${root}` || arg === `data=${root}/`))) {
        found.add(Number(pid));
        continue;
      }
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
        if ([...roots].some((root) => target.startsWith(`${root}/`))) {
          found.add(Number(pid));
          break;
        }
      }
    } catch {
      // Gone, or not ours to look at.
    }
  }
  return [...found];
}

/** Opens an actor database as workerd keeps it (WAL), waiting up to 10 s for a lock rather than failing. */
export function openDatabase(path: string, options: { readOnly: boolean }): DatabaseSync {
  const db = new DatabaseSync(path, { readOnly: options.readOnly });
  db.exec("PRAGMA busy_timeout = 10000");
  return db;
}

/** The SqlDriver over node:sqlite: the actors' repositories, run by the CLI on a stopped node's files. */
export class NodeSqliteDriver implements SqlDriver {
  readonly #db: DatabaseSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  #prepare(statement: Statement) {
    try {
      const prepared = this.#db.prepare(statement.text);
      prepared.setReadBigInts(false);
      return prepared;
    } catch (error) {
      throw new SqlError(error, statement.text);
    }
  }

  async all<Row>(statement: Statement): Promise<Row[]> {
    return this.#prepare(statement).all(...(statement.params as SQLInputValue[])) as Row[];
  }

  async one<Row>(statement: Statement): Promise<Row | null> {
    return (this.#prepare(statement).get(...(statement.params as SQLInputValue[])) as Row | undefined) ?? null;
  }

  async run(statement: Statement): Promise<RunResult> {
    try {
      return { changes: Number(this.#prepare(statement).run(...(statement.params as SQLInputValue[])).changes) };
    } catch (error) {
      throw error instanceof SqlError ? error : new SqlError(error, statement.text);
    }
  }

  async batch(statements: readonly Statement[]): Promise<RunResult[]> {
    this.#db.exec("BEGIN IMMEDIATE");
    try {
      const results: RunResult[] = [];
      for (const statement of statements) results.push(await this.run(statement));
      this.#db.exec("COMMIT");
      return results;
    } catch (error) {
      this.#db.exec("ROLLBACK");
      throw error;
    }
  }
}

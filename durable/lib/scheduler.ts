import { sql, type SqlDriver } from "../../core/db/sql.ts";
import { describeError, log } from "../../core/log.ts";

/** A task's work: runs what is due and says when it is next due (null: nothing left to do). */
export type TaskRunner = (now: number) => Promise<number | null>;

/** How long a running task holds its row: if the actor dies mid-run, the task runs again after this. */
const LEASE_MS = 60_000;
/** A task that threw is tried again after this. */
const RETRY_AFTER_ERROR_MS = 30_000;

/**
 * The one alarm of an actor, over one schedule table (Cloudflare's `agents`
 * scheduler in miniature): `schedule (task TEXT PRIMARY KEY, due_at INTEGER)`
 * in the actor's own database, one row per kind of work. Capabilities say when a task is due with
 * `at` (the earliest request wins) and the alarm runs every due task, then
 * re-arms itself to the earliest row. A task that is running holds its row for
 * a lease, so a crash mid-run only delays it; work asked for during a run is
 * kept, not overwritten by the run's own answer.
 */
export class Scheduler<Task extends string> {
  readonly #db: SqlDriver;
  readonly #storage: DurableObjectStorage;
  /** The alarm time this actor last set (undefined: not known yet, ask storage). */
  #armedAt: number | null | undefined;
  /**
   * Each task's due time as this scheduler last wrote it (it is the table's
   * only writer): asking again for a time no earlier costs no write — the
   * common case, e.g. the webhook backstop asked for by every event of a burst.
   */
  readonly #dueAt = new Map<Task, number>();

  constructor(db: SqlDriver, storage: DurableObjectStorage) {
    this.#db = db;
    this.#storage = storage;
  }

  /** Makes `task` due no later than `dueAt`. */
  async at(task: Task, dueAt: number): Promise<void> {
    const known = this.#dueAt.get(task);
    if (known !== undefined && known <= dueAt) return;
    await this.#db.run(sql`
      INSERT INTO schedule (task, due_at) VALUES (${task}, ${dueAt})
      ON CONFLICT (task) DO UPDATE SET due_at = MIN(due_at, excluded.due_at)`);
    this.#dueAt.set(task, Math.min(dueAt, known ?? dueAt));
    await this.#armNoLaterThan(dueAt);
  }

  /** Drops `task` (its work is done before it came due) and re-arms to what is left. */
  async cancel(task: Task): Promise<void> {
    const { changes } = await this.#db.run(sql`DELETE FROM schedule WHERE task = ${task}`);
    this.#dueAt.delete(task);
    if (changes > 0) await this.arm();
  }

  /** When `task` is next due, or null. */
  async dueAt(task: Task): Promise<number | null> {
    return (await this.#db.one<{ due_at: number }>(sql`SELECT due_at FROM schedule WHERE task = ${task}`))?.due_at ?? null;
  }

  /** Runs every task that is due, each once, and re-arms the alarm to the earliest row left. */
  async runDue(runners: Record<Task, TaskRunner>, now = Date.now()): Promise<Task[]> {
    const due = await this.#db.all<{ task: Task }>(sql`SELECT task FROM schedule WHERE due_at <= ${now} ORDER BY due_at`);
    const leaseUntil = now + LEASE_MS;
    for (const { task } of due) {
      await this.#db.run(sql`UPDATE schedule SET due_at = ${leaseUntil} WHERE task = ${task}`);
      this.#dueAt.set(task, leaseUntil);
      let next: number | null;
      try {
        next = await runners[task](now);
      } catch (error) {
        log("error", "scheduled task failed; it will be tried again", { task, ...describeError(error) });
        next = Date.now() + RETRY_AFTER_ERROR_MS;
      }
      // A row still at the lease was not asked for during the run: the run's answer stands.
      // One moved earlier was: the earlier of the two stands.
      if (next === null) {
        await this.#db.run(sql`DELETE FROM schedule WHERE task = ${task} AND due_at = ${leaseUntil}`);
      } else {
        await this.#db.run(sql`
          UPDATE schedule SET due_at = CASE WHEN due_at = ${leaseUntil} THEN ${next} ELSE MIN(due_at, ${next}) END
          WHERE task = ${task}`);
      }
      this.#dueAt.delete(task);
    }
    await this.arm();
    return due.map((row) => row.task);
  }

  /** Sets the alarm to the earliest row (or clears it). */
  async arm(): Promise<void> {
    const next = (await this.#db.one<{ next: number | null }>(sql`SELECT MIN(due_at) AS next FROM schedule`))?.next ?? null;
    if (next === null) {
      if (this.#armedAt !== null) await this.#storage.deleteAlarm();
    } else if (this.#armedAt !== next) {
      await this.#storage.setAlarm(next);
    }
    this.#armedAt = next;
  }

  /** The alarm fired: it is no longer set. */
  fired(): void {
    this.#armedAt = null;
  }

  /** Drops every task and the alarm (an actor that is no more, such as a deleted app, has no work). */
  async clear(): Promise<void> {
    await this.#db.run(sql`DELETE FROM schedule`);
    await this.#storage.deleteAlarm();
    this.reset();
  }

  /** Forgets what it knew of the alarm and the table (the storage was wiped). */
  reset(): void {
    this.#armedAt = undefined;
    this.#dueAt.clear();
  }

  // Most calls find the alarm already early enough: no storage write then.
  async #armNoLaterThan(dueAt: number): Promise<void> {
    if (this.#armedAt === undefined) this.#armedAt = await this.#storage.getAlarm();
    if (this.#armedAt !== null && this.#armedAt <= dueAt) return;
    await this.#storage.setAlarm(dueAt);
    this.#armedAt = dueAt;
  }
}

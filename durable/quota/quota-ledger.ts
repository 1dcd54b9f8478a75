import { DurableObject } from "cloudflare:workers";
import { randomBytes, toBase64Url } from "../../core/crypto/encoding.ts";
import { ActorSqlDriver } from "../../core/db/actor-driver.ts";
import { migrate } from "../../core/db/migrate.ts";
import { registry } from "../../core/actors.ts";
import { describeError, log } from "../../core/log.ts";
import { QUOTA_METRICS, type QuotaMetric, type Quotas } from "../registry/plans.ts";
import { ledgerSeries, reportTenant } from "../metrics/tenant-numbers.ts";
import { LedgerRepository, type Hold, type MetricUsage } from "./ledger.repo.ts";
import { ledgerMigrations } from "./migrations.ts";

export interface ReserveRequest {
  /** The ledger's key: the quota metric itself, or a monthly key of it (`maxRecordingMinutesMonth:2026-11`). */
  metric: string;
  amount: number;
  /**
   * The limit: given by the caller, or looked up as `quota` of `tenantId`'s
   * limits, which the ledger keeps (see `setLimits`). -1 is unlimited.
   */
  limit?: number;
  tenantId?: string;
  quota?: QuotaMetric;
  /** In `log` mode a reservation over the limit is granted and flagged, not refused. */
  enforce: boolean;
  /** How long an uncommitted reservation holds before it lapses (a crashed request cannot leak usage). */
  holdMs?: number;
  /**
   * Who the reservation is held for (a publisher: `publisher:<room>/<identity>`).
   * While one holds, a reservation for the same holder shares it instead of taking another.
   */
  holder?: string;
}

export type ReserveResult =
  | { ok: true; reservationId: string; used: number; limit: number; overLimit: boolean; shared: boolean }
  | { ok: false; code: "quota_exceeded"; used: number; limit: number };

const DEFAULT_HOLD_MS = 5 * 60_000;

/**
 * How long the ledger trusts the tenant's limits it read from the Registry.
 * Changes made through the API are pushed at once (`setLimits`); this bounds
 * anything else (a plan's limits changed by an upgrade).
 */
const LIMITS_TTL_MS = 60_000;

/**
 * One per tenant (`idFromName(tenantId)`): the quota ledger. Every reservation
 * of a tenant goes through this one actor, whose calls run one at a time, so
 * concurrent requests can never overshoot a limit; other tenants have their
 * own ledgers and never wait on this one.
 *
 * Callers reserve before they act, then commit when the thing exists or
 * release when it failed. Usage that ends later (an app deleted, a stream
 * stopped) is given back with `adjust`. The tenant's limits are known here
 * (read from the Registry once a minute at most, pushed on change), so a
 * reservation never asks the Registry.
 */
export class QuotaLedger extends DurableObject<Env> {
  readonly #ledger: LedgerRepository;
  #limits: { quotas: Quotas | null; until: number } | null = null;
  #limitsRead: Promise<void> | null = null;
  #unwritten: { id: string; metric: string; amount: number; expiresAt: number; holder: string | null }[] = [];
  #writing: Promise<void> | null = null;
  /** Usage per metric as last read or written here. */
  readonly #usage = new Map<string, MetricUsage>();
  /** The alarm time last set (undefined: unknown until asked). */
  #armedAt: number | null | undefined;
  /** A report to /metrics is due (one per burst of changes). */
  #reportTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const db = new ActorSqlDriver(ctx.storage);
    this.#ledger = new LedgerRepository(db);
    void ctx.blockConcurrencyWhile(() => migrate(db, ledgerMigrations));
  }

  async reserve(request: ReserveRequest): Promise<ReserveResult> {
    const limit = request.limit ?? (await this.#limitOf(request));
    const now = Date.now();
    const held = request.holder ? await this.#holdOf(request.holder) : undefined;
    if (held && held.expires_at > now) {
      const { committed, pending } = await this.#usageOf(request.metric);
      return { ok: true, reservationId: held.id, used: committed + pending - held.amount, limit, overLimit: false, shared: true };
    }
    // A lapsed hold the alarm has not cleared yet gives its amount back first.
    if (held) await this.release(held.id);
    const usage = await this.#usageOf(request.metric);
    const used = usage.committed + usage.pending;
    const overLimit = limit !== -1 && used + request.amount > limit;
    if (overLimit && request.enforce) return { ok: false, code: "quota_exceeded", used, limit };

    const reservationId = `rsv_${toBase64Url(randomBytes(12))}`;
    const expiresAt = now + (request.holdMs ?? DEFAULT_HOLD_MS);
    // Counted in memory at once, and held in the rows waiting for the next group commit:
    // concurrent calls decide against both.
    usage.pending += request.amount;
    await this.#written({ id: reservationId, metric: request.metric, amount: request.amount, expiresAt, holder: request.holder ?? null });
    await this.#armNoLaterThan(expiresAt);
    this.#changed();
    return { ok: true, reservationId, used, limit, overLimit, shared: false };
  }

  /**
   * What `holder` holds goes into committed usage (a publisher's stream
   * started); with nothing held (the hold lapsed, or there was none) `metric`
   * is counted all the same. True when a hold was committed.
   */
  async commitHeld(holder: string, metric: string): Promise<boolean> {
    await this.#settled();
    const held = await this.#holdOf(holder);
    if (held && (await this.commit(held.id))) return true;
    await this.adjust(metric, 1);
    return false;
  }

  async commit(reservationId: string): Promise<boolean> {
    await this.#settled();
    const committed = await this.#ledger.commit(reservationId);
    if (!committed) return false;
    this.#changed();
    const usage = this.#usage.get(committed.metric);
    if (usage) {
      usage.committed += committed.amount;
      usage.pending = Math.max(0, usage.pending - committed.amount);
    }
    return true;
  }

  async release(reservationId: string): Promise<boolean> {
    await this.#settled();
    const released = await this.#ledger.release(reservationId);
    if (!released) return false;
    this.#changed();
    const usage = this.#usage.get(released.metric);
    if (usage) usage.pending = Math.max(0, usage.pending - released.amount);
    return true;
  }

  async adjust(metric: string, delta: number): Promise<void> {
    await this.#ledger.adjust(metric, delta);
    this.#usage.delete(metric);
    this.#changed();
  }

  /** Replaces committed usage with a count from its source of truth (e.g. the apps that exist). */
  async reconcile(metric: string, committed: number): Promise<void> {
    await this.#ledger.setCommitted(metric, committed);
    this.#usage.delete(metric);
    this.#changed();
  }

  async usage(): Promise<Record<string, MetricUsage>> {
    await this.#settled();
    return this.#ledger.allUsage();
  }

  /** The tenant's limits changed (the Registry pushes them); null forgets them (read again on next use). */
  async setLimits(quotas: Quotas | null): Promise<void> {
    this.#limits = quotas ? { quotas, until: Date.now() + LIMITS_TTL_MS } : null;
    this.#changed();
  }

  /** The tenant's limit for the metric (-1, unlimited, when the tenant is unknown). */
  async limitOf(tenantId: string, quota: QuotaMetric): Promise<number> {
    return this.#limitOf({ tenantId, quota });
  }

  override async alarm(): Promise<void> {
    this.#armedAt = null;
    await this.#settled();
    for (const lapsed of await this.#ledger.expire(Date.now())) {
      const usage = this.#usage.get(lapsed.metric);
      if (usage) usage.pending = Math.max(0, usage.pending - lapsed.amount);
    }
    const next = await this.#ledger.nextExpiry();
    if (next !== null) await this.#armNoLaterThan(next);
    this.#changed();
  }

  /**
   * The tenant's usage and limits go to /metrics (the Metrics actor) a second
   * after a change, once per burst: a scrape never asks the ledgers.
   */
  #changed(): void {
    const tenant = this.ctx.id.name;
    if (this.#reportTimer !== null || tenant === undefined) return;
    this.#reportTimer = setTimeout(() => {
      this.#reportTimer = null;
      void this.#report(tenant).catch((error: unknown) => log("warn", "could not read the tenant's numbers for /metrics", { tenant, ...describeError(error) }));
    }, 1_000);
  }

  async #report(tenant: string): Promise<void> {
    const limits = Object.fromEntries(await Promise.all(QUOTA_METRICS.map(async (quota) => [quota, await this.#limitOf({ tenantId: tenant, quota })] as const)));
    await reportTenant(this.env, tenant, "ledger", ledgerSeries(await this.usage(), limits as Record<QuotaMetric, number>));
  }

  /**
   * Reservations decided meanwhile are written together, in one transaction (a
   * group commit): each caller is answered only once its row is stored.
   */
  #written(row: { id: string; metric: string; amount: number; expiresAt: number; holder: string | null }): Promise<void> {
    this.#unwritten.push(row);
    this.#writing ??= new Promise((resolve) => setTimeout(resolve, 0)).then(async () => {
      const rows = this.#unwritten;
      this.#unwritten = [];
      this.#writing = null;
      try {
        await this.#ledger.reserveMany(rows);
      } catch (error) {
        // Not stored, so not held: what was counted in memory for them goes back.
        for (const row of rows) {
          const usage = this.#usage.get(row.metric);
          if (usage) usage.pending = Math.max(0, usage.pending - row.amount);
        }
        throw error;
      }
    });
    return this.#writing;
  }

  /** Reservations still being written are stored before anything reads or changes them in the database. */
  async #settled(): Promise<void> {
    while (this.#writing) await this.#writing.catch(() => {});
  }

  // This actor is the only writer of its tables, so what it read once it keeps
  // in step itself: a reservation reads no row.
  async #usageOf(metric: string): Promise<MetricUsage> {
    let usage = this.#usage.get(metric);
    if (!usage) {
      usage = await this.#ledger.usage(metric);
      this.#usage.set(metric, usage);
    }
    return usage;
  }

  /**
   * What `holder` holds: a reservation still waiting for its group commit, or
   * one stored. Read from the database rather than kept in memory: a tenant's
   * open holds (one per publisher token minted in the last five minutes) would
   * otherwise sit in the isolate's heap, which every full collection marks —
   * 30,000 of them made each pause of the whole node 35–50 ms longer.
   * (A batch leaves `#unwritten` in the same synchronous step that stores it,
   * so a hold is always in one of the two.)
   */
  async #holdOf(holder: string): Promise<Hold | undefined> {
    const waiting = this.#unwritten.find((row) => row.holder === holder);
    if (waiting) return { id: waiting.id, metric: waiting.metric, amount: waiting.amount, expires_at: waiting.expiresAt, holder };
    return (await this.#ledger.holdOf(holder)) ?? undefined;
  }

  async #limitOf(request: { tenantId?: string; quota?: QuotaMetric }): Promise<number> {
    if (!request.tenantId || !request.quota) return -1;
    if (!this.#limits || this.#limits.until <= Date.now()) {
      // Concurrent reservations share one read of the Registry.
      this.#limitsRead ??= registry(this.env)
        .getTenant(request.tenantId)
        .then((tenant) => {
          this.#limits = { quotas: tenant?.quotas ?? null, until: Date.now() + LIMITS_TTL_MS };
        })
        .finally(() => {
          this.#limitsRead = null;
        });
      await this.#limitsRead;
    }
    return this.#limits?.quotas?.[request.quota] ?? -1;
  }


  // Reservations mostly expire after the alarm already set: no storage write then.
  async #armNoLaterThan(at: number): Promise<void> {
    if (this.#armedAt === undefined) this.#armedAt = await this.ctx.storage.getAlarm();
    if (this.#armedAt !== null && this.#armedAt <= at) return;
    await this.ctx.storage.setAlarm(at);
    this.#armedAt = at;
  }
}

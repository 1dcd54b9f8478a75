import { DurableObject } from "cloudflare:workers";
import { randomBytes, toBase64Url } from "../../core/crypto/encoding.ts";
import { ActorSqlDriver } from "../../core/db/actor-driver.ts";
import { migrate } from "../../core/db/migrate.ts";
import { LedgerRepository, type MetricUsage } from "./ledger.repo.ts";
import { ledgerMigrations } from "./migrations.ts";

export interface ReserveRequest {
  metric: string;
  amount: number;
  /** The tenant's limit for the metric; -1 is unlimited. */
  limit: number;
  /** In `log` mode a reservation over the limit is granted and flagged, not refused. */
  enforce: boolean;
  /** How long an uncommitted reservation holds before it lapses (a crashed request cannot leak usage). */
  holdMs?: number;
}

export type ReserveResult =
  | { ok: true; reservationId: string; used: number; limit: number; overLimit: boolean }
  | { ok: false; code: "quota_exceeded"; used: number; limit: number };

const DEFAULT_HOLD_MS = 5 * 60_000;

/**
 * One per tenant (`idFromName(tenantId)`): the quota ledger. Every reservation
 * of a tenant goes through this one actor, whose calls run one at a time, so
 * concurrent requests can never overshoot a limit; other tenants have their
 * own ledgers and never wait on this one.
 *
 * Callers reserve before they act, then commit when the thing exists or
 * release when it failed. Usage that ends later (an app deleted, a stream
 * stopped) is given back with `adjust`.
 */
export class QuotaLedger extends DurableObject<Env> {
  readonly #ledger: LedgerRepository;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const db = new ActorSqlDriver(ctx.storage);
    this.#ledger = new LedgerRepository(db);
    void ctx.blockConcurrencyWhile(() => migrate(db, ledgerMigrations));
  }

  async reserve(request: ReserveRequest): Promise<ReserveResult> {
    const { committed, pending } = await this.#ledger.usage(request.metric);
    const used = committed + pending;
    const overLimit = request.limit !== -1 && used + request.amount > request.limit;
    if (overLimit && request.enforce) return { ok: false, code: "quota_exceeded", used, limit: request.limit };

    const reservationId = `rsv_${toBase64Url(randomBytes(12))}`;
    const expiresAt = Date.now() + (request.holdMs ?? DEFAULT_HOLD_MS);
    await this.#ledger.reserve(reservationId, request.metric, request.amount, expiresAt);
    await this.#armAlarm();
    return { ok: true, reservationId, used, limit: request.limit, overLimit };
  }

  async commit(reservationId: string): Promise<boolean> {
    return this.#ledger.commit(reservationId);
  }

  async release(reservationId: string): Promise<boolean> {
    return this.#ledger.release(reservationId);
  }

  async adjust(metric: string, delta: number): Promise<void> {
    await this.#ledger.adjust(metric, delta);
  }

  /** Replaces committed usage with a count from its source of truth (e.g. the apps that exist). */
  async reconcile(metric: string, committed: number): Promise<void> {
    await this.#ledger.setCommitted(metric, committed);
  }

  async usage(): Promise<Record<string, MetricUsage>> {
    return this.#ledger.allUsage();
  }

  override async alarm(): Promise<void> {
    await this.#ledger.expire(Date.now());
    await this.#armAlarm();
  }

  async #armAlarm(): Promise<void> {
    const next = await this.#ledger.nextExpiry();
    if (next === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(next);
  }
}

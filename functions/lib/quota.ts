import type { Context } from "hono";
import type { QuotaMetric } from "../../durable/registry/plans.ts";
import { appActor, quotaLedger, registry } from "../../core/actors.ts";
import type { AppEnv } from "./context.ts";
import { quotaExceeded } from "./errors.ts";
import { describeError, log } from "../../core/log.ts";

/**
 * How a quota applies to this caller: enforced in `on` mode, recorded as
 * WOULD-DENY in `log` mode, skipped in `off` mode. Superadmins, global tokens
 * and callers without a tenant are exempt (API.md §1.2): their use is still
 * counted, never refused. App-scoped tokens are bound by their app's tenant.
 */
export function quotaEnforced(c: Context<AppEnv>): boolean {
  // No caller (StreamHub acting on its own, e.g. auto-record): the tenant's limits apply.
  const auth = c.get("auth");
  return c.get("config").STREAMHUB_AUTHZ_ENFORCE === "on" && (!auth || (!auth.isSuperadmin && auth.tenantId !== null));
}

/**
 * A `quota.exceeded` event on the app the request is about (denied, or let
 * through over the limit), delivered to its webhooks like any other event.
 */
export async function quotaEvent(c: Context<AppEnv>, tenantId: string, metric: QuotaMetric, limit: number, used: number, denied: boolean): Promise<void> {
  const app = c.get("app");
  if (!app) return;
  try {
    await appActor(c.env, app.name).recordAppEvent("quota.exceeded", { tenantId, metric, limit, used, denied });
  } catch (error) {
    log("error", "could not record a quota event", { requestId: c.get("requestId"), ...describeError(error) });
  }
}

/** At 80 % of a limit or more, a `quota.warning` event on the app, at most once a day per metric. */
export async function quotaWarning(c: Context<AppEnv>, tenantId: string, metric: QuotaMetric, limit: number, used: number): Promise<void> {
  const app = c.get("app");
  if (!app || limit <= 0 || used < 0.8 * limit) return;
  try {
    await appActor(c.env, app.name).warnQuotaOnce({ tenantId, metric, limit, used });
  } catch (error) {
    log("error", "could not record a quota warning", { requestId: c.get("requestId"), ...describeError(error) });
  }
}

/** Records a quota decision that let a request through over its limit (log mode or exempt callers). */
export async function recordOverLimit(c: Context<AppEnv>, tenantId: string, metric: QuotaMetric, limit: number, used: number): Promise<void> {
  const mode = c.get("config").STREAMHUB_AUTHZ_ENFORCE;
  const auth = c.get("auth");
  const exempt = auth ? auth.isSuperadmin || auth.tenantId === null : false;
  const message = exempt
    ? `quota ${metric} over its limit for tenant ${tenantId} (${used} of ${limit}); caller exempt`
    : `WOULD-DENY quota ${metric} for tenant ${tenantId} (${used} of ${limit})`;
  if (mode === "off" && !exempt) return;
  try {
    await registry(c.env).appendLog({
      level: "warn",
      source: "quota",
      tenantId,
      appId: c.req.param("app") ?? null,
      message,
      metaJson: JSON.stringify({ metric, limit, used, userId: auth?.userId ?? "streamhub", requestId: c.get("requestId") }),
    });
  } catch (error) {
    log("error", "could not record a quota decision", { requestId: c.get("requestId"), ...describeError(error) });
  }
}

/** A held reservation: commit once the thing exists, release if it could not be made. */
export interface QuotaReservation {
  reservationId: string;
  expiresAt: number;
  commit(): Promise<void>;
  release(): Promise<void>;
}

/**
 * Reserves `amount` of a ledger-counted metric (streams, recording minutes,
 * egress) for a tenant before the work starts. Over the limit in `on` mode →
 * 429 quota_exceeded with metric, limit and used.
 */
export async function reserveQuota(
  c: Context<AppEnv>,
  tenantId: string,
  metric: QuotaMetric,
  options: {
    amount?: number;
    holdMs: number;
    /** The ledger's key when it is not the metric itself (monthly metrics). */
    ledgerKey?: string;
    /** Who the slot is held for: a hold for the same holder is shared, not taken twice. */
    holder?: string;
  },
): Promise<QuotaReservation> {
  const ledger = quotaLedger(c.env, tenantId);
  const expiresAt = Date.now() + options.holdMs;
  // The ledger knows the tenant's limits; nothing here asks the Registry.
  const result = await ledger.reserve({ metric: options.ledgerKey ?? metric, quota: metric, tenantId, amount: options.amount ?? 1, enforce: quotaEnforced(c), holdMs: options.holdMs, holder: options.holder });
  if (!result.ok) {
    await quotaEvent(c, tenantId, metric, result.limit, result.used, true);
    throw quotaExceeded(metric, result.limit, result.used);
  }
  if (result.overLimit) {
    await recordOverLimit(c, tenantId, metric, result.limit, result.used);
    await quotaEvent(c, tenantId, metric, result.limit, result.used, false);
  } else if (!result.shared) {
    await quotaWarning(c, tenantId, metric, result.limit, result.used + (options.amount ?? 1));
  }
  return {
    reservationId: result.reservationId,
    expiresAt,
    commit: async () => void (await ledger.commit(result.reservationId)),
    release: async () => void (await ledger.release(result.reservationId)),
  };
}

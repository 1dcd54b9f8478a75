import type { Config } from "../../core/config.ts";
import type { SecretBoxKey } from "../../core/crypto/secret-box.ts";
import type { SqlDriver } from "../../core/db/sql.ts";
import type { AppMetrics } from "./app-metrics.ts";
import type { EventLog } from "./event-log.ts";
import type { Scheduler } from "../lib/scheduler.ts";

/** Everything time-based an app actor does, each a row of its one schedule table (durable/lib/scheduler.ts). */
export type AppTask = "webhooks" | "reconcile" | "retention" | "audit_forward" | "analytics";

/** Who an app actor is: adopted from the Registry at the app's first use (AppActor), then stored. */
export interface AppIdentity {
  name: string;
  roomPrefix: string;
  /** The tenant whose quota ledger counts this app's streams. */
  tenantId: string;
  /** The app's id in the Registry, never reused: which app of this name the database belongs to (absent in databases from before it was kept). */
  appId?: number;
}

/**
 * What a capability of the app actor may use of its host: the app's database,
 * who the app is, the settings, the key for secrets at rest, the event log,
 * the one schedule, and the tenant's quota ledger. Capabilities never reach
 * into each other's tables; where one needs another, the actor passes it in.
 */
export interface AppHost {
  readonly db: SqlDriver;
  readonly env: Env;
  readonly events: EventLog;
  readonly scheduler: Scheduler<AppTask>;
  /** What the app reports to /metrics (app-metrics.ts). */
  readonly metrics: AppMetrics;
  config(): Config;
  identity(): Promise<AppIdentity>;
  secretKey(): Promise<SecretBoxKey>;
  /** The tenant's quota ledger. */
  ledger(tenantId: string): DurableObjectStub<import("../quota/quota-ledger.ts").QuotaLedger>;
}

// In their own file so that the CLI (selfhost/cli-sealed.ts) binds to the very same contexts.
export { ingressKeyContext, secretContext, webhookSecretContext } from "./secret-contexts.ts";

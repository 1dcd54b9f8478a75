// A capability under test gets a real host: the storage of a fresh AppActor
// inside workerd (migrated by its constructor), a schedule over it, an event
// log, and the tenant's real quota ledger.
import { env, runInDurableObject } from "cloudflare:test";
import { configFromEnv } from "../../core/config.ts";
import { secretBoxKey } from "../../core/crypto/secret-box.ts";
import { ActorSqlDriver } from "../../core/db/actor-driver.ts";
import { AppMetrics } from "./app-metrics.ts";
import { EventLog } from "./event-log.ts";
import type { AppHost, AppIdentity } from "./host.ts";
import { Scheduler } from "../lib/scheduler.ts";

export interface TestHost extends AppHost {
  storage: DurableObjectStorage;
  /** How many times the event log said an event was recorded. */
  recorded: () => number;
}

let next = 0;

/** Runs `body` inside a never-used app actor, with a host for capabilities and a unique app and tenant. */
export function withHost<T>(body: (host: TestHost) => Promise<T>, options: { onRecorded?: () => void } = {}): Promise<T> {
  const identity: AppIdentity = { name: `cap-${Date.now().toString(36)}-${next}`, roomPrefix: `cap${next}`, tenantId: `tenant-cap-${Date.now().toString(36)}-${next++}` };
  return runInDurableObject(env.APP.get(env.APP.newUniqueId()), async (_instance, state) => {
    const db = new ActorSqlDriver(state.storage);
    // The migration schedules retention for actors that predate the schedule; a test starts with none.
    await db.run({ text: "DELETE FROM schedule", params: [] });
    let recorded = 0;
    const config = configFromEnv(env);
    const host: TestHost = {
      db,
      env,
      storage: state.storage,
      scheduler: new Scheduler(db, state.storage),
      events: new EventLog(db, () => {
        recorded++;
        options.onRecorded?.();
      }),
      metrics: new AppMetrics({ db, env, identity: async () => identity }),
      config: () => config,
      identity: async () => identity,
      secretKey: () => secretBoxKey(config.STREAMHUB_SECRET_KEY),
      ledger: (tenantId) => env.QUOTA.get(env.QUOTA.idFromName(tenantId)),
      recorded: () => recorded,
    };
    return body(host);
  });
}

// Stubs of the actors, by name. The Registry is a singleton; each app's actor
// is addressed by the app's name, which never changes.

export const registry = (env: Env) => env.REGISTRY.get(env.REGISTRY.idFromName("registry"));

export const appActor = (env: Env, app: string) => env.APP.get(env.APP.idFromName(app));

export const quotaLedger = (env: Env, tenantId: string) => env.QUOTA.get(env.QUOTA.idFromName(tenantId));

/** The one actor /metrics reads: app actors, quota ledgers and Workers report to it. */
export const metricsActor = (env: Env) => env.METRICS.get(env.METRICS.idFromName("metrics"));

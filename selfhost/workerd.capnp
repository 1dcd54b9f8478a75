# StreamHub under plain workerd: the production path that `npm start` runs.
#
#   workerd serve selfhost/workerd.capnp \
#     --socket-addr http=127.0.0.1:3020 \
#     --directory-path data=/abs/DATA_DIR/actors \
#     --directory-path assets=/abs/web/dist
#
# selfhost/start.ts fills in those overrides (workerd wants absolute disk paths)
# and the environment. The Worker is the very bundle `wrangler deploy` would
# upload (dist/worker/index.js, built by selfhost/build.ts).

using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .streamhub),
    # Every actor's SQLite database, one folder per class (named by uniqueKey).
    (name = "data", disk = (path = "data", writable = true)),
    # The dashboard's static files, served read-only.
    (name = "assets", disk = (path = "web/dist", writable = false)),
    # Outbound fetches: LiveKit and webhook receivers are often on loopback or a
    # private network, which workerd blocks unless allowed here.
    (name = "internet", network = (allow = ["public", "private", "local"], tlsOptions = (trustBrowserCas = true))),
    # Outbound fetches to URLs tenants configure (webhook endpoints, S3 buckets)
    # while STREAMHUB_WEBHOOK_ALLOW_PRIVATE / STREAMHUB_S3_ALLOW_PRIVATE are off:
    # workerd resolves the name and connects to public addresses only, so a name
    # that resolves to loopback, a private network or 169.254.169.254 is refused
    # here (the URL text check cannot see that). Bound as PUBLIC_NET; core/outbound.ts.
    (name = "public-internet", network = (allow = ["public"], tlsOptions = (trustBrowserCas = true))),
  ],
  sockets = [
    (name = "http", address = "127.0.0.1:3020", http = (), service = "main"),
  ],
  # A young generation of at most 8 MB (V8's default grows it to 16): collected more
  # often, each collection a shorter pause, which every request in flight waits out.
  # Under load that pause was the whole of the p99 (README, Operations, "Tail latency").
  # After a full collection the old generation may grow to 6× what survived before the
  # next one (V8's own choice was about 3×): workerd makes every full collection a single
  # pause of 60–110 ms, so under load they now come half as often, for some 25 MB more
  # memory at the peak, and 8–13 ms more at each start: any flag V8 counts in its flag
  # hash (this one; not the semi-space cap) makes workerd compile its own bootstrap
  # scripts instead of taking them from its code cache (README, Operations, "Full collections").
  # bench/baseline/workerd.capnp runs with the same flags (checked by a test).
  v8Flags = ["--max-semi-space-size=8", "--heap-growing-percent=500"],
);

const streamhub :Workerd.Worker = (
  modules = [
    (name = "index.js", esModule = embed "../dist/worker/index.js"),
  ],
  # Must equal compatibility_date in wrangler.toml (checked by a test).
  compatibilityDate = "2026-11-01",
  # Dates from 2026-08-04 turn Node.js compatibility on by default. The Worker uses no
  # Node API (no node:* import, no process, no Buffer), so here it is off: workerd then
  # does not set up Node's modules and globals in the isolate it starts, about 6 ms of
  # a start (20 interleaved starts each way: 74 against 80 ms to the first 200), and a
  # dependency that reached for a Node built-in would fail every e2e test's start
  # rather than be shimmed. wrangler.toml leaves it on: the vitest plugin's own test
  # runner imports Node modules. The bench's baseline Worker runs with the same flags
  # (both checked by test/toolchain.node.test.ts).
  compatibilityFlags = ["no_nodejs_compat", "no_nodejs_compat_v2"],
  bindings = [
    (name = "REGISTRY", durableObjectNamespace = "Registry"),
    (name = "APP", durableObjectNamespace = "AppActor"),
    (name = "QUOTA", durableObjectNamespace = "QuotaLedger"),
    (name = "METRICS", durableObjectNamespace = "MetricsActor"),
    (name = "ASSETS", service = "assets"),
    # Only public addresses (see "public-internet" above); not in wrangler.toml:
    # a Worker on Cloudflare never reaches private addresses in the first place.
    (name = "PUBLIC_NET", service = "public-internet"),
    # Settings: every variable of functions/config.ts, read from the environment
    # (an unset variable is simply absent; the schema applies the default).
    (name = "LIVEKIT_URL", fromEnvironment = "LIVEKIT_URL"),
    (name = "LIVEKIT_API_KEY", fromEnvironment = "LIVEKIT_API_KEY"),
    (name = "LIVEKIT_API_SECRET", fromEnvironment = "LIVEKIT_API_SECRET"),
    (name = "PUBLIC_BASE_URL", fromEnvironment = "PUBLIC_BASE_URL"),
    (name = "PUBLIC_WS_URL", fromEnvironment = "PUBLIC_WS_URL"),
    (name = "STREAMHUB_PUBLIC_URL", fromEnvironment = "STREAMHUB_PUBLIC_URL"),
    (name = "RTMP_PUBLIC_HOST", fromEnvironment = "RTMP_PUBLIC_HOST"),
    (name = "STREAMHUB_JWT_SECRET", fromEnvironment = "STREAMHUB_JWT_SECRET"),
    (name = "STREAMHUB_SECRET_KEY", fromEnvironment = "STREAMHUB_SECRET_KEY"),
    (name = "STREAMHUB_API_TOKEN", fromEnvironment = "STREAMHUB_API_TOKEN"),
    (name = "STREAMHUB_AUTHZ_ENFORCE", fromEnvironment = "STREAMHUB_AUTHZ_ENFORCE"),
    (name = "ADMIN_USER", fromEnvironment = "ADMIN_USER"),
    (name = "ADMIN_PASS", fromEnvironment = "ADMIN_PASS"),
    (name = "METRICS_TOKEN", fromEnvironment = "METRICS_TOKEN"),
    (name = "TRUSTED_PROXIES", fromEnvironment = "TRUSTED_PROXIES"),
    (name = "TRUST_CLOUDFLARE", fromEnvironment = "TRUST_CLOUDFLARE"),
    (name = "STREAMHUB_WEBHOOK_ALLOW_PRIVATE", fromEnvironment = "STREAMHUB_WEBHOOK_ALLOW_PRIVATE"),
    (name = "STREAMHUB_S3_ALLOW_PRIVATE", fromEnvironment = "STREAMHUB_S3_ALLOW_PRIVATE"),
    (name = "STREAMHUB_CLUSTER_TOKEN", fromEnvironment = "STREAMHUB_CLUSTER_TOKEN"),
    (name = "STREAMHUB_CLUSTER_REDIS_URL", fromEnvironment = "STREAMHUB_CLUSTER_REDIS_URL"),
    (name = "AUTH_RATE_LIMIT_MAX", fromEnvironment = "AUTH_RATE_LIMIT_MAX"),
    (name = "AUTH_RATE_LIMIT_WINDOW_MS", fromEnvironment = "AUTH_RATE_LIMIT_WINDOW_MS"),
    (name = "LOG_LEVEL", fromEnvironment = "LOG_LEVEL"),
    (name = "LOG_RETENTION_DAYS", fromEnvironment = "LOG_RETENTION_DAYS"),
    (name = "REQUEST_LOG_LEVEL", fromEnvironment = "REQUEST_LOG_LEVEL"),
    (name = "WEBHOOK_TIMEOUT_MS", fromEnvironment = "WEBHOOK_TIMEOUT_MS"),
    (name = "WEBHOOK_RETENTION_DAYS", fromEnvironment = "WEBHOOK_RETENTION_DAYS"),
    (name = "WEBHOOK_ROTATION_GRACE_S", fromEnvironment = "WEBHOOK_ROTATION_GRACE_S"),
    (name = "LIVE_SWEEP_INTERVAL_S", fromEnvironment = "LIVE_SWEEP_INTERVAL_S"),
    (name = "CORS_ALLOWED_ORIGINS", fromEnvironment = "CORS_ALLOWED_ORIGINS"),
    (name = "STREAMHUB_MAX_BODY_BYTES", fromEnvironment = "STREAMHUB_MAX_BODY_BYTES"),
  ],
  durableObjectNamespaces = [
    # The uniqueKey names the on-disk folder of every database: never change it.
    (className = "Registry", uniqueKey = "streamhub-registry", enableSql = true),
    (className = "AppActor", uniqueKey = "streamhub-app", enableSql = true),
    (className = "QuotaLedger", uniqueKey = "streamhub-quota-ledger", enableSql = true),
    (className = "MetricsActor", uniqueKey = "streamhub-metrics", enableSql = true),
  ],
  durableObjectStorage = (localDisk = "data"),
  globalOutbound = "internet",
);

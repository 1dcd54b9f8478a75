import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { LIVEKIT_TEST_KEY, LIVEKIT_TEST_SECRET } from "./test/livekit/global-setup.ts";

// Two kinds of tests, one run:
// - "workers": unit, route and actor tests inside workerd (the vitest plugin),
//   with the bindings of wrangler.toml and per-test isolated actor storage.
// - "node": tests that need a real process — the libSQL driver, and the
//   end-to-end tests that start workerd exactly as `npm start` does.
export default defineConfig({
  test: {
    projects: [
      {
        plugins: [
          cloudflareTest(({ inject }) => ({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: {
                STREAMHUB_SECRET_KEY: "test-secret-key-0123456789abcdef0123456789",
                STREAMHUB_API_TOKEN: "sk_test_bootstrap_token_0123456789abcdefghijk",
                STREAMHUB_JWT_SECRET: "test-jwt-secret-0123456789abcdef0123456789",
                ADMIN_USER: "ops@streamhub.test",
                ADMIN_PASS: "break-glass-password-1",
                STREAMHUB_CLUSTER_TOKEN: "test-cluster-token-0123456789",
                METRICS_TOKEN: "test-metrics-token-0123456789",
                // Only 5xx in the access log: a line per request would bury the tests' output
                // (request-log's own test sets the level it checks).
                REQUEST_LOG_LEVEL: "error",
                // The LiveKit stand-in started by test/livekit/global-setup.ts.
                LIVEKIT_URL: inject("livekitUrl"),
                LIVEKIT_API_KEY: LIVEKIT_TEST_KEY,
                LIVEKIT_API_SECRET: LIVEKIT_TEST_SECRET,
                // The verifying S3 started by test/s3/global-setup.ts (read by tests only).
                TEST_S3: JSON.stringify(inject("s3")),
                // The verifying webhook receiver started by test/webhooks/global-setup.ts.
                TEST_WEBHOOK_RECEIVER: inject("webhookReceiverUrl"),
                // The receiver is on loopback.
                STREAMHUB_WEBHOOK_ALLOW_PRIVATE: "1",
                // So is the test S3.
                STREAMHUB_S3_ALLOW_PRIVATE: "1",
                // No sweep of the stand-in's rooms behind the tests' backs: it would race the webhooks
                // they deliver (reconcile.test.ts makes one come due when it means to).
                LIVE_SWEEP_INTERVAL_S: "0",
              },
            },
          })),
        ],
        test: {
          name: "workers",
          globalSetup: ["test/livekit/global-setup.ts", "test/s3/global-setup.ts", "test/webhooks/global-setup.ts"],
          include: ["core/**/*.test.ts", "functions/**/*.test.ts", "durable/**/*.test.ts"],
          exclude: ["**/*.node.test.ts"],
        },
      },
      {
        test: {
          name: "node",
          environment: "node",
          include: ["**/*.node.test.ts", "test/e2e/**/*.test.ts", "test/compat/**/*.test.ts", "test/fuzz/**/*.test.ts"],
          exclude: ["node_modules/**"],
          globalSetup: ["test/e2e/global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});

import type { Migration } from "../../core/db/migrate.ts";

// The schema of the one Metrics actor, append-only.
export const metricsMigrations: Migration[] = [
  {
    version: 1,
    name: "reported series",
    statements: [
      // Each app's last report: its gauges as they were, its counters as totals since the app began reporting.
      `CREATE TABLE app_series (
        app TEXT PRIMARY KEY,
        tenant TEXT NOT NULL,
        gauges_json TEXT NOT NULL,
        counters_json TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      )`,
      // Series of the node as a whole (the Workers' HTTP counters: source 'worker') and of each tenant
      // (source 'tenant:ledger:<id>' from its quota ledger, 'tenant:registry:<id>' from the Registry; labelled with the tenant).
      `CREATE TABLE node_series (
        source TEXT PRIMARY KEY,
        series_json TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      )`,
    ],
  },
];

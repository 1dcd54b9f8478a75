import type { Migration } from "../db/migrate.ts";

// The schema of every app's own database, append-only: never edit an applied
// entry, add one. Later issues add streams, ingresses, VODs, webhooks, …
export const appMigrations: Migration[] = [
  {
    version: 1,
    name: "config and secrets",
    statements: [
      `CREATE TABLE config (
        key TEXT PRIMARY KEY,
        value_json TEXT NOT NULL,
        updated_at TEXT NOT NULL
      )`,
      // Values are AES-GCM sealed under STREAMHUB_SECRET_KEY (durable/crypto/secret-box.ts).
      `CREATE TABLE secrets (
        name TEXT PRIMARY KEY,
        sealed TEXT NOT NULL,
        updated_at TEXT NOT NULL
      )`,
    ],
  },
  {
    version: 2,
    name: "audit log",
    statements: [
      `CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        ts TEXT NOT NULL,
        actor TEXT NOT NULL,
        via TEXT,
        method TEXT NOT NULL,
        path TEXT NOT NULL,
        status INTEGER NOT NULL,
        ip TEXT,
        request_id TEXT NOT NULL
      )`,
    ],
  },
];

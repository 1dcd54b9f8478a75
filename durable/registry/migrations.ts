import type { Migration } from "../db/migrate.ts";

// The Registry's schema, append-only: never edit an applied entry, add one.
export const registryMigrations: Migration[] = [
  {
    version: 1,
    name: "apps and api tokens",
    statements: [
      // AUTOINCREMENT: a deleted app's numeric id is never handed to a new app.
      `CREATE TABLE apps (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL UNIQUE,
        display_name TEXT NOT NULL,
        livekit_room_prefix TEXT NOT NULL UNIQUE,
        tenant_id TEXT,
        settings_json TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      )`,
      `CREATE TABLE api_tokens (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        token_hash TEXT NOT NULL UNIQUE,
        scope TEXT NOT NULL CHECK (scope IN ('global', 'app')),
        app_id INTEGER,
        tenant_id TEXT,
        allowed_ips_json TEXT NOT NULL DEFAULT '[]',
        last_used_at TEXT,
        created_at TEXT NOT NULL,
        revoked_at TEXT
      )`,
      `CREATE INDEX api_tokens_app ON api_tokens (app_id)`,
    ],
  },
];

import type { Migration } from "../../core/db/migrate.ts";

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
  {
    version: 2,
    name: "tenants, users, sessions, quotas, logs and audit",
    statements: [
      `CREATE TABLE tenants (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        plan TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      )`,
      // The tenant of the operator's own apps, global tokens and the break-glass admin.
      `INSERT INTO tenants (id, name, plan, created_at, updated_at)
        VALUES ('platform', 'Platform', 'platform', strftime('%Y-%m-%dT%H:%M:%fZ'), strftime('%Y-%m-%dT%H:%M:%fZ'))`,
      `UPDATE apps SET tenant_id = 'platform' WHERE tenant_id IS NULL`,
      `UPDATE api_tokens SET tenant_id = 'platform' WHERE tenant_id IS NULL`,
      `CREATE INDEX apps_tenant ON apps (tenant_id)`,
      `CREATE TABLE users (
        id TEXT PRIMARY KEY,
        email TEXT NOT NULL UNIQUE,
        password_hash TEXT,
        status TEXT NOT NULL CHECK (status IN ('active', 'pending', 'disabled')),
        is_superadmin INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      )`,
      // One membership per user: a user works in one tenant (API.md AuthContext has one tenantId).
      `CREATE TABLE memberships (
        user_id TEXT PRIMARY KEY,
        tenant_id TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('owner', 'editor', 'viewer')),
        created_at TEXT NOT NULL
      )`,
      `CREATE INDEX memberships_tenant ON memberships (tenant_id)`,
      // Per-tenant overrides of the plan's limits; NULL keeps the plan's value.
      `CREATE TABLE quotas (
        tenant_id TEXT PRIMARY KEY,
        max_apps INTEGER,
        max_concurrent_streams INTEGER,
        max_recording_minutes_month INTEGER,
        max_egress_gb_month INTEGER,
        max_storage_gb INTEGER
      )`,
      `CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        revoked_at TEXT,
        ip TEXT,
        user_agent TEXT
      )`,
      `CREATE INDEX sessions_user ON sessions (user_id)`,
      `CREATE TABLE login_throttle (
        key TEXT PRIMARY KEY,
        window_started_at INTEGER NOT NULL,
        failures INTEGER NOT NULL
      )`,
      `CREATE TABLE server_logs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        ts TEXT NOT NULL,
        level TEXT NOT NULL,
        source TEXT NOT NULL,
        tenant_id TEXT,
        app_id TEXT,
        message TEXT NOT NULL,
        meta_json TEXT NOT NULL DEFAULT '{}'
      )`,
      `CREATE INDEX server_logs_ts ON server_logs (ts)`,
      `CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        ts TEXT NOT NULL,
        actor TEXT NOT NULL,
        via TEXT,
        tenant_id TEXT,
        app TEXT,
        method TEXT NOT NULL,
        path TEXT NOT NULL,
        status INTEGER NOT NULL,
        ip TEXT,
        request_id TEXT NOT NULL
      )`,
      `CREATE INDEX audit_log_tenant ON audit_log (tenant_id, id)`,
    ],
  },
  {
    version: 3,
    name: "audit rows forwarded by app actors",
    statements: [
      // App actors forward their audit rows in batches; each row carries where it came from
      // (`<app>@<initialized at>#<row id>`), so a batch sent twice adds nothing.
      `ALTER TABLE audit_log ADD COLUMN source TEXT`,
      `CREATE UNIQUE INDEX audit_log_source ON audit_log (source) WHERE source IS NOT NULL`,
    ],
  },
  {
    version: 4,
    name: "retired app names",
    statements: [
      // An app's actor database is created at its first use and wiped when the app is deleted. A
      // create that reuses a deleted app's name wipes it again first, in case that wipe never finished.
      `CREATE TABLE retired_app_names (
        name TEXT PRIMARY KEY,
        retired_at TEXT NOT NULL
      )`,
    ],
  },
  {
    version: 5,
    name: "one schedule",
    statements: [
      // The Registry's one alarm: the daily log retention and the LiveKit sweep (durable/lib/scheduler.ts).
      `CREATE TABLE schedule (
        task TEXT PRIMARY KEY,
        due_at INTEGER NOT NULL
      )`,
    ],
  },
  {
    version: 6,
    name: "cluster nodes",
    statements: [
      // The node registry (API.md §1.1): LiveKit nodes that joined with the cluster token. `url` is
      // the node's public LiveKit URL, handed to clients in join tokens while the node is active.
      `CREATE TABLE nodes (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        ip TEXT NOT NULL,
        url TEXT,
        region TEXT,
        status TEXT NOT NULL CHECK (status IN ('unknown', 'active', 'draining', 'disabled')),
        stats_json TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        last_seen_at TEXT
      )`,
    ],
  },
];

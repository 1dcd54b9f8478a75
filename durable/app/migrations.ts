import type { Migration } from "../../core/db/migrate.ts";

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
      // Values are AES-GCM sealed under STREAMHUB_SECRET_KEY (core/crypto/secret-box.ts).
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
  {
    version: 3,
    name: "streams, participants, events",
    statements: [
      // One row per publisher (`<room>/<identity>`), kept after it ends.
      `CREATE TABLE streams (
        stream_id TEXT PRIMARY KEY,
        type TEXT NOT NULL,
        room TEXT NOT NULL,
        participant TEXT NOT NULL,
        ingress_id TEXT,
        status TEXT NOT NULL CHECK (status IN ('active', 'ended')),
        started_at TEXT NOT NULL,
        ended_at TEXT,
        end_reason TEXT,
        last_stats_json TEXT NOT NULL DEFAULT '{}',
        quota_held INTEGER NOT NULL DEFAULT 0
      )`,
      `CREATE INDEX streams_status ON streams (status, room)`,
      // Who is in each room now, as LiveKit's webhooks (and reconciliation) say.
      `CREATE TABLE participants (
        room TEXT NOT NULL,
        identity TEXT NOT NULL,
        sid TEXT NOT NULL,
        hidden INTEGER NOT NULL,
        kind TEXT NOT NULL,
        tracks INTEGER NOT NULL DEFAULT 0,
        joined_at TEXT NOT NULL,
        PRIMARY KEY (room, identity)
      )`,
      // Publisher tokens hold a concurrent-stream slot in the tenant's quota ledger until used or lapsed.
      `CREATE TABLE publisher_slots (
        room TEXT NOT NULL,
        identity TEXT NOT NULL,
        reservation_id TEXT NOT NULL,
        expires_at INTEGER NOT NULL,
        PRIMARY KEY (room, identity)
      )`,
      // Everything that happened to the app, in order; the outbound webhook issue delivers these.
      `CREATE TABLE events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        type TEXT NOT NULL,
        ts TEXT NOT NULL,
        data_json TEXT NOT NULL
      )`,
      `CREATE TABLE ingress_participants (
        room TEXT NOT NULL,
        identity TEXT NOT NULL,
        ingress_id TEXT NOT NULL,
        input_type TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (room, identity)
      )`,
      // LiveKit webhook ids already handled (kept 24 h): a repeat changes nothing.
      `CREATE TABLE seen_events (
        event_id TEXT PRIMARY KEY,
        seen_at INTEGER NOT NULL
      )`,
    ],
  },
  {
    version: 4,
    name: "ingresses",
    statements: [
      // RTMP, WHIP and URL ingresses of LiveKit; an RTSP source is an RTMP ingress fed by the relay sidecar.
      `CREATE TABLE ingresses (
        ingress_id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        input_type TEXT NOT NULL CHECK (input_type IN ('rtmp', 'whip', 'url', 'rtsp')),
        room TEXT NOT NULL,
        participant_identity TEXT NOT NULL,
        participant_name TEXT NOT NULL,
        source_url TEXT,
        ingest_url TEXT NOT NULL,
        stream_key_sealed TEXT,
        password_hash TEXT,
        validated_at TEXT,
        transcoding INTEGER NOT NULL,
        status TEXT NOT NULL DEFAULT 'inactive',
        created_at TEXT NOT NULL,
        started_at TEXT,
        ended_at TEXT,
        relay_status TEXT,
        relay_error TEXT,
        relay_restarts INTEGER NOT NULL DEFAULT 0,
        relay_updated_at TEXT
      )`,
      `CREATE INDEX ingresses_room ON ingresses (room)`,
    ],
  },
  {
    version: 5,
    name: "vods",
    statements: [
      // Recordings: LiveKit egress writes the file to the app's own bucket; egress webhooks move the status.
      `CREATE TABLE vods (
        id TEXT PRIMARY KEY,
        egress_id TEXT NOT NULL UNIQUE,
        room TEXT NOT NULL,
        stream_id TEXT,
        mode TEXT NOT NULL CHECK (mode IN ('room-composite', 'participant')),
        file_key TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('recording', 'uploading', 'ready', 'failed')),
        size_bytes INTEGER,
        duration_s REAL,
        width INTEGER,
        height INTEGER,
        format TEXT NOT NULL DEFAULT 'mp4',
        started_at TEXT NOT NULL,
        ended_at TEXT,
        error TEXT,
        reservation_id TEXT
      )`,
      `CREATE INDEX vods_room ON vods (room, started_at)`,
      `CREATE INDEX vods_status ON vods (status)`,
    ],
  },
  {
    version: 6,
    name: "live hls",
    statements: [
      // One live HLS egress per room at a time, writing to <prefix>/hls/<room slug>/ in the app's bucket.
      `CREATE TABLE hls (
        room TEXT PRIMARY KEY,
        egress_id TEXT NOT NULL UNIQUE,
        playlist_key TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('active', 'stopped')),
        started_at TEXT NOT NULL,
        ended_at TEXT
      )`,
    ],
  },
  {
    version: 7,
    name: "outbound webhooks",
    statements: [
      `CREATE TABLE webhook_endpoints (
        id TEXT PRIMARY KEY,
        url TEXT NOT NULL,
        events_json TEXT NOT NULL,
        enabled INTEGER NOT NULL,
        description TEXT,
        secret_sealed TEXT NOT NULL,
        previous_secret_sealed TEXT,
        previous_valid_until INTEGER,
        disabled_reason TEXT,
        failing_since INTEGER,
        legacy INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      )`,
      // The outbox: written with the event that causes it, delivered by the alarm, kept as the delivery log.
      `CREATE TABLE webhook_deliveries (
        id TEXT PRIMARY KEY,
        endpoint_id TEXT NOT NULL,
        message_id TEXT NOT NULL,
        event TEXT NOT NULL,
        body TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER,
        last_status INTEGER,
        last_error TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      )`,
      `CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at)`,
      `CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, created_at)`,
      `CREATE TABLE webhook_attempts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        delivery_id TEXT NOT NULL,
        at TEXT NOT NULL,
        status INTEGER,
        duration_ms INTEGER NOT NULL,
        error TEXT,
        response TEXT
      )`,
      `CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, id)`,
    ],
  },
  {
    version: 8,
    name: "one schedule, usage counters, publisher slots in the ledger",
    statements: [
      // The one alarm's work: a row per task with when it is next due (durable/lib/scheduler.ts).
      `CREATE TABLE schedule (
        task TEXT PRIMARY KEY,
        due_at INTEGER NOT NULL
      )`,
      // An app from before the schedule table had its webhook retries, fan-out and LiveKit checks on
      // its alarm, and prunes nothing yet: all of it is due now. (A new actor has no identity yet: no rows.)
      `INSERT INTO schedule (task, due_at)
        SELECT task, 0 FROM (SELECT 'webhooks' AS task UNION ALL SELECT 'reconcile' UNION ALL SELECT 'retention')
        WHERE EXISTS (SELECT 1 FROM config WHERE key = 'identity')`,
      // Its audit rows were written to the global log by the request itself: none is forwarded again.
      `INSERT INTO config (key, value_json, updated_at)
        SELECT 'audit_forwarded', CAST(last AS TEXT), strftime('%Y-%m-%dT%H:%M:%fZ') FROM (SELECT COALESCE(MAX(id), 0) AS last FROM audit_log)
        WHERE EXISTS (SELECT 1 FROM config WHERE key = 'identity')`,
      // High-frequency machine traffic (join and play tokens) is counted, not audited row by row.
      `CREATE TABLE usage_counters (
        day TEXT NOT NULL,
        metric TEXT NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (day, metric)
      )`,
      // A publisher token's slot is held in the tenant's quota ledger (by room and identity), so a
      // mint writes nothing here. A slot held at the upgrade lapses there; its stream is still counted.
      `DROP TABLE publisher_slots`,
    ],
  },
  {
    version: 9,
    name: "sample pages",
    statements: [
      // The app's sample pages, served at /samples/{app}/{name}: the generated defaults
      // (written at their first use, restored by regenerate) and any the app's editors add.
      `CREATE TABLE samples (
        name TEXT PRIMARY KEY,
        content TEXT NOT NULL,
        size_bytes INTEGER NOT NULL,
        updated_at TEXT NOT NULL
      )`,
    ],
  },
  {
    version: 10,
    name: "quality of experience",
    statements: [
      // What players report about each view (several reports a view, the latest kept), for analytics.
      // Nothing about the viewer: no address, user agent or identity. Pruned by the daily retention task.
      `CREATE TABLE qoe_views (
        view_id TEXT PRIMARY KEY,
        room TEXT NOT NULL,
        path TEXT NOT NULL CHECK (path IN ('webrtc', 'hls', 'none')),
        first_frame_ms INTEGER,
        rebuffer_ms INTEGER NOT NULL,
        rebuffer_count INTEGER NOT NULL,
        watched_ms INTEGER NOT NULL,
        errors_json TEXT NOT NULL,
        started_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        final INTEGER NOT NULL
      )`,
      `CREATE INDEX qoe_views_started ON qoe_views (started_at)`,
      `CREATE INDEX qoe_views_room ON qoe_views (room, started_at)`,
    ],
  },
  {
    version: 11,
    name: "analytics history and stream sessions",
    statements: [
      // The app's live numbers, each the peak over one UTC minute (epoch ms of its start); a minute
      // with nothing live has no row. Kept 7 days, rolled up into analytics_hours (kept 90 days).
      `CREATE TABLE analytics_minutes (
        minute INTEGER PRIMARY KEY,
        streams INTEGER NOT NULL,
        viewers INTEGER NOT NULL,
        publishers INTEGER NOT NULL,
        ingest_kbps INTEGER
      )`,
      `CREATE TABLE analytics_hours (
        hour INTEGER PRIMARY KEY,
        streams INTEGER NOT NULL,
        viewers INTEGER NOT NULL,
        publishers INTEGER NOT NULL,
        ingest_kbps INTEGER,
        live_minutes INTEGER NOT NULL
      )`,
      // One row per time a stream was live: opened when it starts, its viewer figures moved as
      // LiveKit's participant webhooks change the room, closed (with its unique viewers) when it ends.
      // viewer_ms integrates concurrent viewers over time up to changed_at (the watch time).
      `CREATE TABLE stream_sessions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        stream_id TEXT NOT NULL,
        room TEXT NOT NULL,
        type TEXT NOT NULL,
        participant TEXT NOT NULL,
        ingress_id TEXT,
        started_at TEXT NOT NULL,
        ended_at TEXT,
        end_reason TEXT,
        viewers_now INTEGER NOT NULL DEFAULT 0,
        peak_viewers INTEGER NOT NULL DEFAULT 0,
        viewer_ms INTEGER NOT NULL DEFAULT 0,
        changed_at INTEGER NOT NULL,
        unique_viewers INTEGER,
        ingest_kbps INTEGER,
        stalled_reason TEXT,
        health TEXT NOT NULL DEFAULT 'healthy' CHECK (health IN ('healthy', 'degraded', 'stalled'))
      )`,
      `CREATE INDEX stream_sessions_stream ON stream_sessions (stream_id, started_at)`,
      `CREATE INDEX stream_sessions_started ON stream_sessions (started_at)`,
      `CREATE INDEX stream_sessions_open ON stream_sessions (room) WHERE ended_at IS NULL`,
      // Who watched an open session (for its unique viewers); emptied when the session closes.
      `CREATE TABLE session_viewers (
        session_id INTEGER NOT NULL,
        identity TEXT NOT NULL,
        PRIMARY KEY (session_id, identity)
      ) WITHOUT ROWID`,
    ],
  },
];

import type { Migration } from "../../core/db/migrate.ts";

// The schema of each tenant's quota ledger, append-only.
export const ledgerMigrations: Migration[] = [
  {
    version: 1,
    name: "usage and reservations",
    statements: [
      // What is in use for good: apps that exist, streams that run, minutes recorded this month.
      `CREATE TABLE usage (
        metric TEXT PRIMARY KEY,
        committed INTEGER NOT NULL
      )`,
      // Held while a request works; counted as used until committed, released or expired.
      `CREATE TABLE reservations (
        id TEXT PRIMARY KEY,
        metric TEXT NOT NULL,
        amount INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      )`,
      `CREATE INDEX reservations_metric ON reservations (metric)`,
      `CREATE INDEX reservations_expiry ON reservations (expires_at)`,
    ],
  },
  {
    version: 2,
    name: "reservations held for someone",
    statements: [
      // A publisher token's slot is held for its room and identity: a token minted again shares it,
      // and the stream that starts commits it (durable/app/livekit-events.ts). The ledger keeps the
      // open holds and each metric's pending sum in memory (it is their only writer), so a
      // reservation is one row written, with no index but its expiry's to keep up (until
      // migration 3: the holds left memory).
      `ALTER TABLE reservations ADD COLUMN holder TEXT`,
      `DROP INDEX reservations_metric`,
    ],
  },
  {
    version: 3,
    name: "holds found by holder",
    statements: [
      // The open holds are no longer kept in memory (quota-ledger.ts, #holdOf): at 30,000 held
      // slots they were 4 MB of the isolate's heap, marked by every full collection of the node.
      // A reservation is looked up by its holder instead; those without one are not indexed.
      `CREATE INDEX reservations_holder ON reservations (holder) WHERE holder IS NOT NULL`,
    ],
  },
];

// Every secret sealed at rest in an app's database (core/crypto/secret-box.ts),
// with the context it is bound to: what `doctor` tries to open and what
// `rotate-secret-key` re-seals. Three columns hold them (durable/app/migrations.ts).
import type { DatabaseSync } from "node:sqlite";
import { ingressKeyContext, secretContext, webhookSecretContext } from "../durable/app/secret-contexts.ts";

export interface SealedValue {
  /** Where it is, for messages: never the value. */
  label: string;
  context: string;
  sealed: string;
  /** The statement that stores a re-sealed value in its place. */
  update: { text: string; params: string[] };
}

/** The app's name as its actor recorded it (config `identity`), or null for an actor never initialized. */
export function appNameOf(db: DatabaseSync): string | null {
  try {
    const row = db.prepare("SELECT value_json FROM config WHERE key = 'identity'").get() as { value_json: string } | undefined;
    return row ? ((JSON.parse(row.value_json) as { name?: string }).name ?? null) : null;
  } catch {
    return null;
  }
}

const hasTable = (db: DatabaseSync, table: string) => db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) !== undefined;

export function sealedValues(db: DatabaseSync, app: string): SealedValue[] {
  const values: SealedValue[] = [];
  if (hasTable(db, "secrets")) {
    for (const row of db.prepare("SELECT name, sealed FROM secrets").all() as { name: string; sealed: string }[]) {
      values.push({ label: `${app}: secret ${row.name}`, context: secretContext(app, row.name), sealed: row.sealed, update: { text: "UPDATE secrets SET sealed = ? WHERE name = ?", params: [row.name] } });
    }
  }
  if (hasTable(db, "ingresses")) {
    for (const row of db.prepare("SELECT ingress_id, stream_key_sealed FROM ingresses WHERE stream_key_sealed IS NOT NULL").all() as { ingress_id: string; stream_key_sealed: string }[]) {
      values.push({
        label: `${app}: stream key of ingress ${row.ingress_id}`,
        context: ingressKeyContext(app, row.ingress_id),
        sealed: row.stream_key_sealed,
        update: { text: "UPDATE ingresses SET stream_key_sealed = ? WHERE ingress_id = ?", params: [row.ingress_id] },
      });
    }
  }
  if (hasTable(db, "webhook_endpoints")) {
    const rows = db.prepare("SELECT id, secret_sealed, previous_secret_sealed FROM webhook_endpoints").all() as { id: string; secret_sealed: string; previous_secret_sealed: string | null }[];
    for (const row of rows) {
      const context = webhookSecretContext(app, row.id);
      values.push({ label: `${app}: secret of webhook ${row.id}`, context, sealed: row.secret_sealed, update: { text: "UPDATE webhook_endpoints SET secret_sealed = ? WHERE id = ?", params: [row.id] } });
      if (row.previous_secret_sealed) {
        values.push({
          label: `${app}: previous secret of webhook ${row.id}`,
          context,
          sealed: row.previous_secret_sealed,
          update: { text: "UPDATE webhook_endpoints SET previous_secret_sealed = ? WHERE id = ?", params: [row.id] },
        });
      }
    }
  }
  return values;
}

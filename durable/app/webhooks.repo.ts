import { sql, type SqlDriver, type Statement } from "../../core/db/sql.ts";

export interface EndpointRow {
  id: string;
  url: string;
  events_json: string;
  enabled: number;
  description: string | null;
  secret_sealed: string;
  previous_secret_sealed: string | null;
  previous_valid_until: number | null;
  disabled_reason: string | null;
  failing_since: number | null;
  legacy: number;
  created_at: string;
  updated_at: string;
}

export type DeliveryStatus = "pending" | "delivered" | "failed";

export interface DeliveryRow {
  id: string;
  endpoint_id: string;
  message_id: string;
  event: string;
  body: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: number | null;
  last_status: number | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

export interface AttemptRow {
  id: number;
  delivery_id: string;
  at: string;
  status: number | null;
  duration_ms: number;
  error: string | null;
  response: string | null;
}

/** Webhook endpoints, the outbox of deliveries (also the delivery log), and their attempts. */
export class WebhooksRepository {
  readonly #db: SqlDriver;

  constructor(db: SqlDriver) {
    this.#db = db;
  }

  endpoints(): Promise<EndpointRow[]> {
    return this.#db.all<EndpointRow>(sql`SELECT * FROM webhook_endpoints ORDER BY created_at, id`);
  }

  endpoint(id: string): Promise<EndpointRow | null> {
    return this.#db.one<EndpointRow>(sql`SELECT * FROM webhook_endpoints WHERE id = ${id}`);
  }

  async insertEndpoint(row: Omit<EndpointRow, "previous_secret_sealed" | "previous_valid_until" | "disabled_reason" | "failing_since">): Promise<void> {
    await this.#db.run(sql`
      INSERT INTO webhook_endpoints (id, url, events_json, enabled, description, secret_sealed, legacy, created_at, updated_at)
      VALUES (${row.id}, ${row.url}, ${row.events_json}, ${row.enabled}, ${row.description}, ${row.secret_sealed}, ${row.legacy}, ${row.created_at}, ${row.updated_at})`);
  }

  async updateEndpoint(id: string, changes: { url: string; events_json: string; enabled: number; description: string | null; disabled_reason: string | null }, now: string): Promise<void> {
    await this.#db.run(sql`
      UPDATE webhook_endpoints SET url = ${changes.url}, events_json = ${changes.events_json}, enabled = ${changes.enabled},
        description = ${changes.description}, disabled_reason = ${changes.disabled_reason},
        failing_since = CASE WHEN ${changes.enabled} = 1 THEN NULL ELSE failing_since END, updated_at = ${now}
      WHERE id = ${id}`);
  }

  async rotateSecret(id: string, sealed: string, previousSealed: string, previousValidUntil: number, now: string): Promise<void> {
    await this.#db.run(sql`
      UPDATE webhook_endpoints SET secret_sealed = ${sealed}, previous_secret_sealed = ${previousSealed},
        previous_valid_until = ${previousValidUntil}, updated_at = ${now}
      WHERE id = ${id}`);
  }

  async disable(id: string, reason: string, now: string): Promise<void> {
    await this.#db.run(sql`UPDATE webhook_endpoints SET enabled = 0, disabled_reason = ${reason}, updated_at = ${now} WHERE id = ${id}`);
  }

  async markFailing(id: string, since: number | null): Promise<void> {
    await this.#db.run(sql`UPDATE webhook_endpoints SET failing_since = ${since} WHERE id = ${id}`);
  }

  /** Removes an endpoint with its outbox and log. */
  async deleteEndpoint(id: string): Promise<boolean> {
    const results = await this.#db.batch([
      sql`DELETE FROM webhook_attempts WHERE delivery_id IN (SELECT id FROM webhook_deliveries WHERE endpoint_id = ${id})`,
      sql`DELETE FROM webhook_deliveries WHERE endpoint_id = ${id}`,
      sql`DELETE FROM webhook_endpoints WHERE id = ${id}`,
    ]);
    return (results[2]?.changes ?? 0) > 0;
  }

  insertDelivery(row: Pick<DeliveryRow, "id" | "endpoint_id" | "message_id" | "event" | "body" | "next_attempt_at" | "created_at">): Statement {
    return sql`
      INSERT INTO webhook_deliveries (id, endpoint_id, message_id, event, body, status, next_attempt_at, created_at, updated_at)
      VALUES (${row.id}, ${row.endpoint_id}, ${row.message_id}, ${row.event}, ${row.body}, 'pending', ${row.next_attempt_at}, ${row.created_at}, ${row.created_at})`;
  }

  async batch(statements: Statement[]): Promise<void> {
    await this.#db.batch(statements);
  }

  delivery(id: string): Promise<DeliveryRow | null> {
    return this.#db.one<DeliveryRow>(sql`SELECT * FROM webhook_deliveries WHERE id = ${id}`);
  }

  /**
   * Takes due deliveries, oldest first, and leases them until `leaseUntil` so a
   * concurrent run (the alarm, a test or replay) does not send them twice. If
   * the attempt never records (a crash), the lease runs out and they go again:
   * at least once.
   */
  async claimDue(now: number, limit: number, leaseUntil: number): Promise<DeliveryRow[]> {
    // One statement takes and leases them. A disabled endpoint's queue waits for it to be enabled again (its test pings still go).
    const rows = await this.#db.all<DeliveryRow & { seq: number }>(sql`
      UPDATE webhook_deliveries SET next_attempt_at = ${leaseUntil}
      WHERE id IN (
        SELECT d.id FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
        WHERE d.status = 'pending' AND d.next_attempt_at <= ${now} AND (e.enabled = 1 OR d.event = 'webhook.test')
        ORDER BY d.next_attempt_at, d.rowid LIMIT ${limit})
      RETURNING *, rowid AS seq`);
    // RETURNING gives no order: oldest first, in the order they were written (events fanned out together share created_at).
    return rows.sort((a, b) => a.seq - b.seq).map(({ seq: _, ...row }) => row);
  }

  /** Enabled endpoints that are failing and have deliveries waiting: the ones worth a probe. */
  failingWithBacklog(): Promise<{ id: string; failing_since: number }[]> {
    return this.#db.all<{ id: string; failing_since: number }>(sql`
      SELECT e.id, e.failing_since FROM webhook_endpoints e
      WHERE e.enabled = 1 AND e.failing_since IS NOT NULL
        AND EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.endpoint_id = e.id AND d.status = 'pending')`);
  }

  /**
   * Takes an endpoint's oldest waiting delivery that is not due yet (and not
   * among `exclude`, those in flight) for a probe, leased as claimDue does.
   * Returns it with the time it was due, which a failed probe gives back.
   */
  async claimOldestWaiting(endpointId: string, now: number, leaseUntil: number, exclude: string[]): Promise<{ delivery: DeliveryRow; dueAt: number } | null> {
    const oldest = await this.#db.one<DeliveryRow>(sql`
      SELECT * FROM webhook_deliveries
      WHERE endpoint_id = ${endpointId} AND status = 'pending' AND id NOT IN (SELECT value FROM json_each(${JSON.stringify(exclude)}))
      ORDER BY created_at, rowid LIMIT 1`);
    if (!oldest || oldest.next_attempt_at === null || oldest.next_attempt_at <= now) return null;
    const [delivery] = await this.#db.all<DeliveryRow>(sql`
      UPDATE webhook_deliveries SET next_attempt_at = ${leaseUntil}
      WHERE id = ${oldest.id} AND status = 'pending' AND next_attempt_at = ${oldest.next_attempt_at}
      RETURNING *`);
    return delivery ? { delivery, dueAt: oldest.next_attempt_at } : null;
  }

  /** An endpoint answers again: everything it has waiting (but `exclude`, in flight) is due `now`. */
  async releaseBacklog(endpointId: string, now: number, exclude: string[]): Promise<number> {
    return (
      await this.#db.run(sql`
        UPDATE webhook_deliveries SET next_attempt_at = ${now}
        WHERE endpoint_id = ${endpointId} AND status = 'pending' AND next_attempt_at > ${now}
          AND id NOT IN (SELECT value FROM json_each(${JSON.stringify(exclude)}))`)
    ).changes;
  }

  /** Takes one pending delivery (a test ping, a replay) and leases it, as claimDue does. */
  async claim(id: string, leaseUntil: number): Promise<DeliveryRow[]> {
    return this.#db.all<DeliveryRow>(sql`
      UPDATE webhook_deliveries SET next_attempt_at = ${leaseUntil} WHERE id = ${id} AND status = 'pending' RETURNING *`);
  }

  async nextDue(): Promise<number | null> {
    return (
      (
        await this.#db.one<{ next: number | null }>(sql`
          SELECT MIN(d.next_attempt_at) AS next FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
          WHERE d.status = 'pending' AND (e.enabled = 1 OR d.event = 'webhook.test')`)
      )?.next ?? null
    );
  }

  /** The statements that record one attempt and move its delivery on (committed in batches by the caller). */
  attemptStatements(deliveryId: string, attempt: Omit<AttemptRow, "id" | "delivery_id">, outcome: { status: DeliveryStatus; attempts: number; nextAttemptAt: number | null }): Statement[] {
    return [
      sql`INSERT INTO webhook_attempts (delivery_id, at, status, duration_ms, error, response)
          VALUES (${deliveryId}, ${attempt.at}, ${attempt.status}, ${attempt.duration_ms}, ${attempt.error}, ${attempt.response})`,
      sql`UPDATE webhook_deliveries SET status = ${outcome.status}, attempts = ${outcome.attempts}, next_attempt_at = ${outcome.nextAttemptAt},
            last_status = ${attempt.status}, last_error = ${attempt.error}, updated_at = ${attempt.at}
          WHERE id = ${deliveryId}`,
    ];
  }

  /** Puts a delivery back in the outbox to go now (replay), keeping its message id. */
  async requeue(id: string, now: number, nowIso: string): Promise<boolean> {
    return (await this.#db.run(sql`UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = ${now}, updated_at = ${nowIso} WHERE id = ${id}`)).changes > 0;
  }

  async deliveries(endpointId: string, status: DeliveryStatus | undefined, limit: number, offset: number): Promise<{ rows: DeliveryRow[]; total: number }> {
    const rows = status
      ? await this.#db.all<DeliveryRow>(sql`SELECT * FROM webhook_deliveries WHERE endpoint_id = ${endpointId} AND status = ${status} ORDER BY created_at DESC, id LIMIT ${limit} OFFSET ${offset}`)
      : await this.#db.all<DeliveryRow>(sql`SELECT * FROM webhook_deliveries WHERE endpoint_id = ${endpointId} ORDER BY created_at DESC, id LIMIT ${limit} OFFSET ${offset}`);
    const count = status
      ? await this.#db.one<{ total: number }>(sql`SELECT COUNT(*) AS total FROM webhook_deliveries WHERE endpoint_id = ${endpointId} AND status = ${status}`)
      : await this.#db.one<{ total: number }>(sql`SELECT COUNT(*) AS total FROM webhook_deliveries WHERE endpoint_id = ${endpointId}`);
    return { rows, total: count?.total ?? 0 };
  }

  attempts(deliveryId: string): Promise<AttemptRow[]> {
    return this.#db.all<AttemptRow>(sql`SELECT * FROM webhook_attempts WHERE delivery_id = ${deliveryId} ORDER BY id`);
  }

  /**
   * Keeps the log bounded by age and by count: finished deliveries older than
   * `before`, and beyond the newest `keep` of each endpoint, go with their
   * attempts. Pending ones are never pruned. Run daily by the retention task:
   * each endpoint's cut-off is one indexed lookup, not a count per row.
   */
  async pruneFinished(before: string, keep: number): Promise<number> {
    const statements: Statement[] = [
      sql`DELETE FROM webhook_attempts WHERE delivery_id IN (SELECT id FROM webhook_deliveries WHERE status <> 'pending' AND updated_at < ${before})`,
      sql`DELETE FROM webhook_deliveries WHERE status <> 'pending' AND updated_at < ${before}`,
    ];
    for (const { id } of await this.#db.all<{ id: string }>(sql`SELECT id FROM webhook_endpoints`)) {
      const cutoff = await this.#db.one<{ created_at: string }>(sql`
        SELECT created_at FROM webhook_deliveries WHERE endpoint_id = ${id} ORDER BY created_at DESC LIMIT 1 OFFSET ${keep - 1}`);
      if (!cutoff) continue;
      statements.push(
        sql`DELETE FROM webhook_attempts WHERE delivery_id IN (
              SELECT id FROM webhook_deliveries WHERE endpoint_id = ${id} AND status <> 'pending' AND created_at < ${cutoff.created_at})`,
        sql`DELETE FROM webhook_deliveries WHERE endpoint_id = ${id} AND status <> 'pending' AND created_at < ${cutoff.created_at}`,
      );
    }
    const results = await this.#db.batch(statements);
    return results.filter((_, i) => i % 2 === 1).reduce((sum, r) => sum + r.changes, 0);
  }
}

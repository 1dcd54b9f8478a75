import { randomBytes, toBase64Url } from "../../core/crypto/encoding.ts";
import { openSecret, sealSecret } from "../../core/crypto/secret-box.ts";
import type { Statement } from "../../core/db/sql.ts";
import { describeError, log } from "../../core/log.ts";
import { isPrivateTarget } from "../../core/net.ts";
import { outbound } from "../../core/outbound.ts";
import { AppStateRepository } from "./app-state.repo.ts";
import { webhookSecretContext, type AppHost, type AppIdentity } from "./host.ts";
import { attempt, DELIVERY_TIMEOUT_MS, DISABLE_FAILING_AFTER_MS, MAX_IN_FLIGHT_PER_ENDPOINT, verdict, type AttemptResult } from "./webhook-delivery.ts";
import { generateWebhookSecret, legacySignature, standardSignature } from "./webhook-signing.ts";
import { WebhooksRepository, type DeliveryRow, type DeliveryStatus, type EndpointRow } from "./webhooks.repo.ts";

/** Finished deliveries kept in each endpoint's log, besides the age limit (WEBHOOK_RETENTION_DAYS). */
export const DELIVERY_LOG_KEEP = 10_000;
/** Due deliveries taken per round; a round that took this many is followed by another at once. */
const CLAIM_PER_ROUND = 256;
/** Events turned into deliveries per statement batch. */
const FAN_OUT_BATCH = 500;
/** Attempt results written per transaction while a round runs. */
const RECORD_BATCH = 32;
/**
 * While deliveries are under way the schedule holds the webhook task this far
 * ahead: if the actor dies mid-round, the alarm picks the outbox up again.
 */
const BACKSTOP_MS = 2_000;
/**
 * How often a failing endpoint with deliveries waiting is probed (its oldest
 * waiting delivery, sent early): a tenth of how long it has been failing,
 * between 10 s and 5 min. A receiver back after two minutes is found within
 * about 12 s; one dead for a day costs a request every 5 minutes. A probe
 * that fails uses up none of the delivery's retries.
 */
const PROBE_MIN_MS = 10_000;
const PROBE_MAX_MS = 300_000;
const probeInterval = (failingForMs: number) => Math.min(PROBE_MAX_MS, Math.max(PROBE_MIN_MS, Math.round(failingForMs / 10)));

/**
 * Outbound webhooks: endpoints, the outbox (deliveries fanned out from the
 * event log by a cursor, in the same transaction that advances it), delivery
 * with retries, and the delivery log. Delivery starts as soon as an event is
 * recorded (one pump per actor, merging every request for a run) rather than
 * on the next alarm, so hand-off takes milliseconds; the schedule's `webhooks`
 * task is the durable backstop and carries the retry times.
 */
export class Webhooks {
  readonly #host: AppHost;
  readonly #repo: WebhooksRepository;
  /** The app's key-value config, where the fan-out cursor is kept. */
  readonly #config: AppStateRepository;
  /** The actor's clock for delivery times (tests move it instead of sleeping through retry delays). */
  readonly #now: () => number;
  #pumping: Promise<void> | null = null;
  #again = false;
  /** Deliveries this actor has sent and not yet recorded: a released backlog must not send them twice. */
  readonly #inFlight = new Set<string>();
  /** When each failing endpoint was last probed (lost with the actor: it is then probed at its next run). */
  readonly #probedAt = new Map<string, number>();

  constructor(host: AppHost, options: { now?: () => number } = {}) {
    this.#host = host;
    this.#now = options.now ?? Date.now;
    this.#repo = new WebhooksRepository(host.db);
    this.#config = new AppStateRepository(host.db);
  }

  // ── Endpoints ──────────────────────────────────────────────────────────────

  async create(input: { url: string; events: string[]; enabled: boolean; description: string | null; legacySecret?: string }): Promise<{ endpoint: WebhookEndpointView; secret: string }> {
    const identity = await this.#host.identity();
    const id = `whep_${toBase64Url(randomBytes(9))}`;
    const secret = input.legacySecret ?? generateWebhookSecret();
    const now = new Date().toISOString();
    await this.#repo.insertEndpoint({
      id,
      url: input.url,
      events_json: JSON.stringify(input.events),
      enabled: input.enabled ? 1 : 0,
      description: input.description,
      secret_sealed: await sealSecret(await this.#host.secretKey(), secret, webhookSecretContext(identity.name, id)),
      legacy: input.legacySecret ? 1 : 0,
      created_at: now,
      updated_at: now,
    });
    return { endpoint: (await this.get(id))!, secret };
  }

  async list(): Promise<WebhookEndpointView[]> {
    return (await this.#repo.endpoints()).map(endpointView);
  }

  async get(id: string): Promise<WebhookEndpointView | null> {
    const row = await this.#repo.endpoint(id);
    return row ? endpointView(row) : null;
  }

  async update(id: string, changes: { url?: string; events?: string[]; enabled?: boolean; description?: string | null }): Promise<WebhookEndpointView | null> {
    const row = await this.#repo.endpoint(id);
    if (!row) return null;
    const enabled = changes.enabled ?? row.enabled === 1;
    await this.#repo.updateEndpoint(
      id,
      {
        url: changes.url ?? row.url,
        events_json: changes.events ? JSON.stringify(changes.events) : row.events_json,
        enabled: enabled ? 1 : 0,
        description: changes.description === undefined ? row.description : changes.description,
        disabled_reason: enabled ? null : (row.disabled_reason ?? "disabled by a user"),
      },
      new Date().toISOString(),
    );
    // Enabled again: its waiting queue is due.
    if (enabled) this.kick();
    return this.get(id);
  }

  async delete(id: string): Promise<boolean> {
    return this.#repo.deleteEndpoint(id);
  }

  /**
   * The original's per-app `callbackUrl` / `callbackSecret` as one endpoint
   * (marked legacy): set, changed or removed along with the app settings.
   * `storedSecret` is the app's saved callbackSecret, used when none is given.
   */
  async syncLegacy(url: string | null, secret: string | null | undefined, storedSecret: () => Promise<string | null>): Promise<void> {
    const identity = await this.#host.identity();
    const legacy = (await this.#repo.endpoints()).find((e) => e.legacy === 1);
    if (url === null) {
      if (legacy) await this.#repo.deleteEndpoint(legacy.id);
      return;
    }
    if (!legacy) {
      const stored = secret === undefined ? await storedSecret() : secret;
      // Marked legacy even before a callbackSecret is set, so that a later callbackUrl moves this endpoint instead of adding one.
      await this.create({ url, events: ["all"], enabled: true, description: "callbackUrl (legacy app setting)", legacySecret: stored ?? generateWebhookSecret() });
      return;
    }
    await this.#repo.updateEndpoint(legacy.id, { url, events_json: legacy.events_json, enabled: legacy.enabled, description: legacy.description, disabled_reason: legacy.disabled_reason }, new Date().toISOString());
    if (secret) {
      const sealed = await sealSecret(await this.#host.secretKey(), secret, webhookSecretContext(identity.name, legacy.id));
      await this.#repo.rotateSecret(legacy.id, sealed, legacy.secret_sealed, Date.now(), new Date().toISOString());
    }
  }

  /** A new secret, shown once; the previous one keeps signing alongside for `graceSeconds`. */
  async rotateSecret(id: string, graceSeconds: number): Promise<{ secret: string; previousValidUntil: string } | null> {
    const identity = await this.#host.identity();
    const row = await this.#repo.endpoint(id);
    if (!row) return null;
    const secret = generateWebhookSecret();
    const validUntil = Date.now() + graceSeconds * 1000;
    const sealed = await sealSecret(await this.#host.secretKey(), secret, webhookSecretContext(identity.name, id));
    await this.#repo.rotateSecret(id, sealed, row.secret_sealed, validUntil, new Date().toISOString());
    return { secret, previousValidUntil: new Date(validUntil).toISOString() };
  }

  // ── Test pings, the log, replay ────────────────────────────────────────────

  /** Queues a `webhook.test` ping for one endpoint (even a disabled one) and delivers it now. */
  async test(id: string): Promise<string | null> {
    const identity = await this.#host.identity();
    if (!(await this.#repo.endpoint(id))) return null;
    const now = this.#now();
    const messageId = `msg_${toBase64Url(randomBytes(12))}`;
    const body = envelope(messageId, "webhook.test", identity.name, now, { endpointId: id, message: "This is a test event from StreamHub." });
    const deliveryId = `dlv_${toBase64Url(randomBytes(12))}`;
    await this.#repo.batch([this.#repo.insertDelivery({ id: deliveryId, endpoint_id: id, message_id: messageId, event: "webhook.test", body, next_attempt_at: now, created_at: new Date(now).toISOString() })]);
    await this.#deliverOne(deliveryId);
    return deliveryId;
  }

  async deliveries(endpointId: string, status: DeliveryStatus | undefined, limit: number, offset: number): Promise<{ deliveries: DeliveryView[]; total: number }> {
    const { rows, total } = await this.#repo.deliveries(endpointId, status, limit, offset);
    return { deliveries: rows.map(deliveryView), total };
  }

  async delivery(endpointId: string, deliveryId: string): Promise<(DeliveryView & { body: string; attemptLog: AttemptView[] }) | null> {
    const row = await this.#repo.delivery(deliveryId);
    if (!row || row.endpoint_id !== endpointId) return null;
    const attemptLog = (await this.#repo.attempts(deliveryId)).map((a) => ({ at: a.at, status: a.status, durationMs: a.duration_ms, error: a.error, response: a.response }));
    return { ...deliveryView(row), body: row.body, attemptLog };
  }

  /** Sends a delivery again, now, byte for byte and with the same webhook-id. */
  async replay(endpointId: string, deliveryId: string): Promise<boolean> {
    const row = await this.#repo.delivery(deliveryId);
    if (!row || row.endpoint_id !== endpointId) return false;
    const now = this.#now();
    await this.#repo.requeue(deliveryId, now, new Date(now).toISOString());
    await this.#deliverOne(deliveryId);
    return true;
  }

  // ── Delivery ───────────────────────────────────────────────────────────────

  /**
   * New events were recorded: make sure the outbox is worked now, and that the
   * schedule will come back to it should this run not finish.
   */
  kick(): void {
    void this.#host.scheduler.at("webhooks", this.#now() + BACKSTOP_MS).catch((error) => log("error", "could not schedule webhook delivery", describeError(error)));
    void this.pump().catch((error) => log("error", "webhook delivery failed", describeError(error)));
  }

  /** Sends one delivery now, on its own: a test ping or a replay does not wait behind a backlog. */
  async #deliverOne(deliveryId: string): Promise<void> {
    const [delivery] = await this.#repo.claim(deliveryId, this.#now() + 2 * DELIVERY_TIMEOUT_MS);
    if (!delivery) return;
    const endpoint = await this.#repo.endpoint(delivery.endpoint_id);
    if (!endpoint) return;
    await this.#repo.batch(await this.#deliver(endpoint, delivery, await this.#signer(await this.#host.identity(), endpoint)));
  }

  /** Attempts everything due at `now` (a later time lets tests reach retries); returns how many were attempted. */
  async deliverDue(now: number): Promise<number> {
    if (this.#pumping) await this.#pumping;
    let total = 0;
    for (;;) {
      const taken = await this.#round(now);
      total += taken;
      if (taken < CLAIM_PER_ROUND) return total;
    }
  }

  /**
   * The schedule's `webhooks` task: work the outbox, then say when the next
   * retry is due. A pump already under way keeps going on its own (the alarm
   * does not wait behind a burst): the task only comes back to check on it.
   */
  async runScheduled(): Promise<number | null> {
    if (this.#pumping) return this.#now() + BACKSTOP_MS;
    await this.pump();
    return this.#nextDue();
  }

  /** When the webhook task is next due: the earliest retry, or the earliest probe of a failing endpoint. */
  async #nextDue(): Promise<number | null> {
    const now = this.#now();
    let next = await this.#repo.nextDue();
    for (const endpoint of await this.#repo.failingWithBacklog()) {
      const probeAt = this.#probeDueAt(endpoint, now);
      if (next === null || probeAt < next) next = probeAt;
    }
    return next;
  }

  #probeDueAt(endpoint: { id: string; failing_since: number }, now: number): number {
    return (this.#probedAt.get(endpoint.id) ?? endpoint.failing_since) + probeInterval(now - endpoint.failing_since);
  }

  /**
   * Probes of failing endpoints that are due (and get no delivery this round
   * anyway): each endpoint's oldest waiting delivery, claimed to be sent now.
   */
  async #claimProbes(now: number, busy: Set<string>): Promise<{ delivery: DeliveryRow; dueAt: number }[]> {
    const probes: { delivery: DeliveryRow; dueAt: number }[] = [];
    for (const endpoint of await this.#repo.failingWithBacklog()) {
      if (busy.has(endpoint.id) || now < this.#probeDueAt(endpoint, now)) continue;
      // Probed or not (nothing waiting is claimable), it is not asked again before its next interval.
      this.#probedAt.set(endpoint.id, now);
      const probe = await this.#repo.claimOldestWaiting(endpoint.id, now, now + 2 * DELIVERY_TIMEOUT_MS, [...this.#inFlight]);
      if (probe) probes.push(probe);
    }
    return probes;
  }

  /** One delivery loop per actor: a request while it runs makes it go round once more. */
  pump(): Promise<void> {
    if (this.#pumping) {
      this.#again = true;
      return this.#pumping;
    }
    this.#pumping = (async () => {
      try {
        do {
          this.#again = false;
          if ((await this.#round(this.#now())) >= CLAIM_PER_ROUND) this.#again = true;
        } while (this.#again);
        // Nothing is due now: the schedule keeps the next retry (the backstop row, if any, clears itself).
        const next = await this.#nextDue();
        if (next !== null) await this.#host.scheduler.at("webhooks", next);
      } finally {
        this.#pumping = null;
      }
    })();
    return this.#pumping;
  }

  /** Fans new events out, then attempts what is due (a few at a time per endpoint); returns how many were taken. */
  async #round(now: number): Promise<number> {
    await this.#fanOut(now);
    // Leased past any attempt's timeout; a run that dies leaves them to the next one.
    const due = await this.#repo.claimDue(now, CLAIM_PER_ROUND, this.#now() + 2 * DELIVERY_TIMEOUT_MS);
    for (const delivery of due) this.#inFlight.add(delivery.id);
    const byEndpoint = new Map<string, { deliveries: DeliveryRow[]; probe?: { dueAt: number } }>();
    for (const delivery of due) byEndpoint.set(delivery.endpoint_id, { deliveries: [...(byEndpoint.get(delivery.endpoint_id)?.deliveries ?? []), delivery] });
    const probes = await this.#claimProbes(now, new Set(byEndpoint.keys()));
    for (const { delivery, dueAt } of probes) {
      this.#inFlight.add(delivery.id);
      byEndpoint.set(delivery.endpoint_id, { deliveries: [delivery], probe: { dueAt } });
    }
    if (byEndpoint.size === 0) return 0;
    const identity = await this.#host.identity();
    // Attempts are in flight until their outcome is written (a released backlog must not take them again).
    const results: { id: string; statements: Statement[] }[] = [];
    const flush = async () => {
      if (results.length === 0) return;
      const written = results.splice(0);
      await this.#repo.batch(written.flatMap((r) => r.statements));
      for (const { id } of written) this.#inFlight.delete(id);
    };
    try {
      // One endpoint that fails (its secret cannot be opened) leaves the others' recorded attempts to be written.
      const outcomes = await Promise.allSettled(
        [...byEndpoint].map(async ([endpointId, { deliveries, probe }]) => {
          const endpoint = await this.#repo.endpoint(endpointId);
          if (!endpoint) return;
          const signer = await this.#signer(identity, endpoint);
          let next = 0;
          // A pool, not waves: a slow receiver's answer does not hold up the other slots.
          const worker = async () => {
            while (next < deliveries.length) {
              const delivery = deliveries[next++]!;
              results.push({ id: delivery.id, statements: await this.#deliver(endpoint, delivery, signer, probe) });
              if (results.length >= RECORD_BATCH) await flush();
            }
          };
          await Promise.all(Array.from({ length: Math.min(MAX_IN_FLIGHT_PER_ENDPOINT, deliveries.length) }, worker));
        }),
      );
      await flush();
      for (const outcome of outcomes) if (outcome.status === "rejected") log("error", "webhook delivery to an endpoint failed; its deliveries go again after their lease", describeError(outcome.reason));
    } finally {
      for (const delivery of due) this.#inFlight.delete(delivery.id);
      for (const { delivery } of probes) this.#inFlight.delete(delivery.id);
    }
    return due.length;
  }

  /**
   * Turns recorded app events into deliveries for every enabled endpoint that
   * subscribes to them. The events table is the outbox: a cursor of the last
   * event fanned out is advanced in the same transaction as the deliveries it
   * creates, so after a crash fan-out resumes exactly where it stopped.
   */
  async #fanOut(now: number): Promise<void> {
    const identity = await this.#host.identity();
    for (;;) {
      const events = await this.#host.events.after((await this.#config.getConfig<number>("webhook_cursor")) ?? 0, FAN_OUT_BATCH);
      if (events.length === 0) return;
      const endpoints = (await this.#repo.endpoints()).filter((e) => e.enabled === 1);
      const nowIso = new Date(now).toISOString();
      const statements: Statement[] = [];
      for (const event of events) {
        const targets = endpoints.filter((e) => subscribes(e, event.type));
        if (targets.length === 0) continue;
        const messageId = `msg_${toBase64Url(randomBytes(12))}`;
        // Serialized once: every endpoint, retry and replay sends these exact bytes.
        const body = envelope(messageId, event.type, identity.name, Date.parse(event.ts), JSON.parse(event.dataJson) as Record<string, unknown>);
        for (const endpoint of targets) {
          statements.push(this.#repo.insertDelivery({ id: `dlv_${toBase64Url(randomBytes(12))}`, endpoint_id: endpoint.id, message_id: messageId, event: event.type, body, next_attempt_at: now, created_at: nowIso }));
        }
      }
      statements.push(this.#config.putConfigStatement("webhook_cursor", events.at(-1)!.id, nowIso));
      await this.#repo.batch(statements);
    }
  }

  /** The endpoint's secrets, opened once per round (the newest first; the previous one during a rotation). */
  async #signer(identity: AppIdentity, endpoint: EndpointRow): Promise<string[]> {
    const key = await this.#host.secretKey();
    const secrets = [await openSecret(key, endpoint.secret_sealed, webhookSecretContext(identity.name, endpoint.id))];
    if (endpoint.previous_secret_sealed && (endpoint.previous_valid_until ?? 0) > Date.now()) {
      secrets.push(await openSecret(key, endpoint.previous_secret_sealed, webhookSecretContext(identity.name, endpoint.id)));
    }
    return secrets;
  }

  /**
   * One attempt; returns the statements that record it (written in batches by
   * the round). A probe that does not get through gives the delivery back as
   * it was (its retries untouched), the attempt only logged.
   */
  async #deliver(endpoint: EndpointRow, delivery: DeliveryRow, secrets: string[], probe?: { dueAt: number }): Promise<Statement[]> {
    const now = this.#now();
    const attemptsMade = delivery.attempts + 1;
    let result: AttemptResult;
    if (!this.#host.config().STREAMHUB_WEBHOOK_ALLOW_PRIVATE && isPrivateTarget(endpoint.url)) {
      result = { status: null, error: "refused: the URL is on a private network (STREAMHUB_WEBHOOK_ALLOW_PRIVATE=1 allows it)", response: null, durationMs: 0, retryAfterMs: null };
    } else {
      const timestamp = Math.floor(now / 1000);
      const headers = {
        "Content-Type": "application/json",
        "User-Agent": "streamhub-core/callbacks",
        "webhook-id": delivery.message_id,
        "webhook-timestamp": String(timestamp),
        "webhook-signature": await standardSignature(secrets, delivery.message_id, timestamp, delivery.body),
        "X-StreamHub-Event": delivery.event,
        "X-StreamHub-Delivery": delivery.message_id,
        "X-StreamHub-Timestamp": new Date(now).toISOString(),
        "X-StreamHub-Signature": await legacySignature(secrets[0]!, delivery.body),
      };
      // Private addresses off: through the public-only network, which catches a name resolving to one (core/outbound.ts).
      result = await attempt(endpoint.url, headers, delivery.body, outbound(this.#host.env, this.#host.config().STREAMHUB_WEBHOOK_ALLOW_PRIVATE));
    }

    const decided = result.error?.startsWith("refused:") ? ({ outcome: "failed" } as const) : verdict(result, attemptsMade, this.#now());
    const status: DeliveryStatus = decided.outcome === "delivered" ? "delivered" : decided.outcome === "retry" ? "pending" : "failed";
    const givenBack = probe !== undefined && decided.outcome !== "delivered" && decided.outcome !== "gone";
    this.#host.metrics.attempt(delivery.event, status === "pending" ? "failed" : status === "failed" ? "dropped" : "delivered", status === "delivered" ? (this.#now() - Date.parse(delivery.created_at)) / 1000 : null);
    const statements = this.#repo.attemptStatements(
      delivery.id,
      { at: new Date(this.#now()).toISOString(), status: result.status, duration_ms: result.durationMs, error: result.error, response: result.response },
      givenBack
        ? { status: "pending", attempts: delivery.attempts, nextAttemptAt: probe.dueAt }
        : { status, attempts: attemptsMade, nextAttemptAt: decided.outcome === "retry" ? decided.nextAttemptAt : null },
    );

    // The endpoint's health is written at once: later attempts of this round read it.
    if (decided.outcome === "delivered") {
      this.#probedAt.delete(endpoint.id);
      if (endpoint.failing_since !== null) {
        endpoint.failing_since = null;
        await this.#repo.markFailing(endpoint.id, null);
        await this.#catchUp(endpoint.id, now);
      }
      return statements;
    }
    // It was just tried: that is as good as a probe.
    this.#probedAt.set(endpoint.id, now);
    const disable = async (reason: string) => {
      if (endpoint.enabled !== 1) return;
      endpoint.enabled = 0;
      await this.#repo.disable(endpoint.id, reason, new Date().toISOString());
      await this.#host.events.record("webhook.endpoint_disabled", { endpointId: endpoint.id, url: endpoint.url, reason }, new Date().toISOString());
    };
    if (decided.outcome === "gone") {
      await disable("the receiver answered 410 Gone");
      return statements;
    }
    const failingSince = endpoint.failing_since ?? now;
    if (endpoint.failing_since === null) {
      endpoint.failing_since = now;
      await this.#repo.markFailing(endpoint.id, now);
    }
    if (now - failingSince > DISABLE_FAILING_AFTER_MS) await disable("every delivery has failed for over 3 days");
    return statements;
  }

  /**
   * A failing endpoint answered: everything it has waiting is due now, in the
   * order it was written, rather than at each delivery's next retry.
   */
  async #catchUp(endpointId: string, now: number): Promise<void> {
    const released = await this.#repo.releaseBacklog(endpointId, now, [...this.#inFlight]);
    if (released === 0) return;
    log("info", "webhook endpoint answers again; its waiting deliveries go now", { endpointId, deliveries: released });
    if (this.#pumping) this.#again = true;
    else void this.pump().catch((error) => log("error", "webhook delivery failed", describeError(error)));
  }

  /** Retention: finished deliveries older than `before`, and beyond the newest DELIVERY_LOG_KEEP per endpoint, go. */
  async prune(before: string): Promise<number> {
    return this.#repo.pruneFinished(before, DELIVERY_LOG_KEEP);
  }
}

/** The body every delivery of an event carries (API.md §4.2, plus `type`). */
function envelope(id: string, event: string, app: string, at: number, data: Record<string, unknown>): string {
  const room = typeof data.room === "string" ? data.room : null;
  return JSON.stringify({ id, event, type: event, app, room, ts: new Date(at).toISOString(), timestamp: Math.floor(at / 1000), data });
}

const subscribes = (endpoint: EndpointRow, event: string) => {
  const events = JSON.parse(endpoint.events_json) as string[];
  return events.includes("all") || events.includes(event);
};

export interface WebhookEndpointView {
  id: string;
  url: string;
  events: string[];
  enabled: boolean;
  description: string | null;
  disabledReason: string | null;
  failingSince: string | null;
  rotatingUntil: string | null;
  secretSet: true;
  legacy: boolean;
  createdAt: string;
  updatedAt: string;
}

const endpointView = (row: EndpointRow): WebhookEndpointView => ({
  id: row.id,
  url: row.url,
  events: JSON.parse(row.events_json) as string[],
  enabled: row.enabled === 1,
  description: row.description,
  disabledReason: row.disabled_reason,
  failingSince: row.failing_since === null ? null : new Date(row.failing_since).toISOString(),
  rotatingUntil: row.previous_valid_until && row.previous_valid_until > Date.now() ? new Date(row.previous_valid_until).toISOString() : null,
  secretSet: true,
  legacy: row.legacy === 1,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export interface DeliveryView {
  id: string;
  webhookId: string;
  event: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface AttemptView {
  at: string;
  status: number | null;
  durationMs: number;
  error: string | null;
  response: string | null;
}

const deliveryView = (row: DeliveryRow): DeliveryView => ({
  id: row.id,
  webhookId: row.message_id,
  event: row.event,
  status: row.status,
  attempts: row.attempts,
  nextAttemptAt: row.next_attempt_at === null ? null : new Date(row.next_attempt_at).toISOString(),
  lastStatus: row.last_status,
  lastError: row.last_error,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

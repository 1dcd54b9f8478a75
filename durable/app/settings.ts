import { registry } from "../../core/actors.ts";
import { maskSecret, openSecret, sealSecret } from "../../core/crypto/secret-box.ts";
import type { S3Credentials, S3Settings } from "../../core/s3.ts";
import { AppStateRepository, type AppAuditEntry } from "./app-state.repo.ts";
import { secretContext, type AppHost, type AppIdentity } from "./host.ts";

/** Audit rows forwarded to the Registry's global log per call. */
const AUDIT_FORWARD_BATCH = 500;

export interface AppActorSummary {
  identity: AppIdentity;
  initializedAt: string;
  secretNames: string[];
}

/**
 * Who the app is, its settings and sealed secrets (the S3 keys among them),
 * and its audit log — the app's own record of every mutating call on it,
 * forwarded in batches to the Registry's global log by the schedule's
 * `audit_forward` task (durably: a cursor advances once the Registry has them).
 */
export class Settings {
  readonly #host: AppHost;
  readonly #repo: AppStateRepository;

  constructor(host: AppHost) {
    this.#host = host;
    this.#repo = new AppStateRepository(host.db);
  }

  async get<T>(key: string): Promise<T | null> {
    return this.#repo.getConfig<T>(key);
  }

  async put(key: string, value: unknown): Promise<void> {
    await this.#repo.putConfig(key, value, new Date().toISOString());
  }

  /** Writes who the app is (a new app, or one re-created in an emptied database). */
  async initialize(identity: AppIdentity, now: string): Promise<void> {
    await this.#host.db.batch([this.#repo.putConfigStatement("identity", identity, now), this.#repo.putConfigStatement("initialized_at", now, now)]);
  }

  async summary(): Promise<AppActorSummary | null> {
    const identity = await this.#repo.getConfig<AppIdentity>("identity");
    const initializedAt = await this.#repo.getConfig<string>("initialized_at");
    if (!identity || !initializedAt) return null;
    return { identity, initializedAt, secretNames: await this.#repo.secretNames() };
  }

  /** Stores a secret sealed under STREAMHUB_SECRET_KEY; returns its masked form. Null clears it. */
  async setSecret(name: string, plaintext: string | null): Promise<string | null> {
    const identity = await this.#host.identity();
    if (plaintext === null) {
      await this.#repo.deleteSecret(name);
      return null;
    }
    const sealed = await sealSecret(await this.#host.secretKey(), plaintext, secretContext(identity.name, name));
    await this.#repo.putSealedSecret(name, sealed, new Date().toISOString());
    return maskSecret(plaintext);
  }

  /** The plaintext of a stored secret, for the actor's own outbound calls (never returned by the API). */
  async revealSecret(name: string): Promise<string | null> {
    const identity = await this.#host.identity();
    const sealed = await this.#repo.getSealedSecret(name);
    if (sealed === null) return null;
    return openSecret(await this.#host.secretKey(), sealed, secretContext(identity.name, name));
  }

  // ── S3 ─────────────────────────────────────────────────────────────────────

  /** The app's bucket settings without its keys (nothing opened); null when never configured. */
  s3Settings(): Promise<S3Settings | null> {
    return this.#repo.getConfig<S3Settings>("s3");
  }

  /** The app's bucket settings and whether its keys are set (masked); null when never configured. */
  async s3View(): Promise<{ settings: S3Settings; keyMasked: string | null; secretMasked: string | null } | null> {
    const settings = await this.s3Settings();
    if (!settings) return null;
    const credentials = await this.s3Credentials();
    return {
      settings,
      keyMasked: credentials ? maskSecret(credentials.accessKeyId) : null,
      secretMasked: credentials ? maskSecret(credentials.secretAccessKey) : null,
    };
  }

  /** The bucket egress writes to and StreamHub reads from: its settings and keys, or null unless both are set. */
  async bucket(): Promise<{ settings: S3Settings; credentials: S3Credentials } | null> {
    const settings = await this.s3Settings();
    const credentials = settings && (await this.s3Credentials());
    return settings && credentials ? { settings, credentials } : null;
  }

  /** Saves settings the Worker has proven to work; the keys are sealed like every secret. */
  async putS3(settings: S3Settings, credentials: S3Credentials): Promise<void> {
    await this.setSecret("s3AccessKeyId", credentials.accessKeyId);
    await this.setSecret("s3SecretAccessKey", credentials.secretAccessKey);
    await this.#repo.putConfig("s3", settings, new Date().toISOString());
  }

  /** The bucket's keys, for StreamHub's own calls (probe, egress uploads, presigning); never returned by the API. */
  async s3Credentials(): Promise<S3Credentials | null> {
    const accessKeyId = await this.revealSecret("s3AccessKeyId");
    const secretAccessKey = await this.revealSecret("s3SecretAccessKey");
    return accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : null;
  }

  // ── Quota warnings ─────────────────────────────────────────────────────────

  /** At 80 % of a limit or more, `quota.warning` for the metric, at most once a day (UTC) per app; true when recorded now. */
  async warnQuotaOnce(data: { tenantId: string; metric: string; limit: number; used: number }): Promise<boolean> {
    if (data.limit <= 0 || data.used < 0.8 * data.limit) return false;
    const today = new Date().toISOString().slice(0, 10);
    const key = `quota_warning:${data.metric}`;
    if ((await this.#repo.getConfig<string>(key)) === today) return false;
    const now = new Date().toISOString();
    await this.#repo.putConfig(key, today, now);
    await this.#host.events.record("quota.warning", data, now);
    return true;
  }

  // ── Audit ──────────────────────────────────────────────────────────────────

  /** Throws for an app that is not (or no longer) initialized: its caller then writes to the global log instead. */
  async appendAudit(entry: AppAuditEntry): Promise<void> {
    await this.#host.identity();
    await this.#repo.appendAudit(entry);
    await this.#host.scheduler.at("audit_forward", Date.now());
  }

  async listAudit(limit: number, offset: number): Promise<{ entries: (AppAuditEntry & { id: number })[]; total: number }> {
    return this.#repo.listAudit(limit, offset);
  }

  /** The schedule's `audit_forward` task: the next batch of rows to the global log; again at once while more wait. */
  async forwardAudit(now: number): Promise<number | null> {
    const identity = await this.#host.identity();
    const cursor = (await this.#repo.getConfig<number>("audit_forwarded")) ?? 0;
    const rows = await this.#repo.auditAfter(cursor, AUDIT_FORWARD_BATCH);
    if (rows.length === 0) return null;
    // Which row of which incarnation of the app: a re-created app of the same name starts its ids again.
    const incarnation = `${identity.name}@${(await this.#repo.getConfig<string>("initialized_at")) ?? ""}`;
    await registry(this.#host.env).appendAuditBatch(
      rows.map(({ id, ...entry }) => ({ ...entry, tenantId: identity.tenantId, app: identity.name, source: `${incarnation}#${id}` })),
    );
    await this.#repo.putConfig("audit_forwarded", rows.at(-1)!.id, new Date(now).toISOString());
    return rows.length === AUDIT_FORWARD_BATCH ? now : null;
  }

  /** Retention: audit rows older than `before` that the global log already has. */
  async pruneAudit(before: string): Promise<number> {
    const cursor = (await this.#repo.getConfig<number>("audit_forwarded")) ?? 0;
    return this.#repo.pruneAudit(before, cursor);
  }
}

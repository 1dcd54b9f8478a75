import { DurableObject } from "cloudflare:workers";
import { configFromEnv } from "../../functions/config.ts";
import { ActorSqlDriver } from "../db/actor-driver.ts";
import { migrate } from "../db/migrate.ts";
import { maskSecret, openSecret, sealSecret, secretBoxKey, type SecretBoxKey } from "../crypto/secret-box.ts";
import { appMigrations } from "./migrations.ts";
import { AppStateRepository, type AppAuditEntry } from "./app-state.repo.ts";

/** Who this actor is; written by `init` when the Registry creates the app. */
export interface AppIdentity {
  name: string;
  roomPrefix: string;
}

export interface AppActorSummary {
  identity: AppIdentity;
  initializedAt: string;
  secretNames: string[];
}

/**
 * One per app, addressed by `idFromName(app name)`. Owns everything about that
 * app in its own SQLite database, and serializes it: per-app rules need no locks.
 * It is only reached after the Registry confirmed the app exists.
 */
export class AppActor extends DurableObject<Env> {
  readonly #db: ActorSqlDriver;
  readonly #state: AppStateRepository;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#db = new ActorSqlDriver(ctx.storage);
    this.#state = new AppStateRepository(this.#db);
    void ctx.blockConcurrencyWhile(() => migrate(this.#db, appMigrations));
  }

  /**
   * Starts the app with an empty database. Anything left from an earlier app of
   * the same name (a wipe that did not finish) is removed first, so a re-created
   * app never inherits data.
   */
  async init(identity: AppIdentity): Promise<AppActorSummary> {
    await this.#reset();
    const now = new Date().toISOString();
    await this.#state.putConfig("identity", identity, now);
    await this.#state.putConfig("initialized_at", now, now);
    return { identity, initializedAt: now, secretNames: [] };
  }

  async summary(): Promise<AppActorSummary | null> {
    const identity = await this.#state.getConfig<AppIdentity>("identity");
    const initializedAt = await this.#state.getConfig<string>("initialized_at");
    if (!identity || !initializedAt) return null;
    return { identity, initializedAt, secretNames: await this.#state.secretNames() };
  }

  /** Keeps the room prefix the actor uses for LiveKit in step with the Registry. */
  async rename(roomPrefix: string): Promise<void> {
    const identity = await this.#requireIdentity();
    await this.#state.putConfig("identity", { ...identity, roomPrefix }, new Date().toISOString());
  }

  /** Stores a secret sealed under STREAMHUB_SECRET_KEY; returns its masked form. Null clears it. */
  async setSecret(name: string, plaintext: string | null): Promise<string | null> {
    const identity = await this.#requireIdentity();
    if (plaintext === null) {
      await this.#state.deleteSecret(name);
      return null;
    }
    const sealed = await sealSecret(await this.#secretKey(), plaintext, secretContext(identity.name, name));
    await this.#state.putSealedSecret(name, sealed, new Date().toISOString());
    return maskSecret(plaintext);
  }

  /** The plaintext of a stored secret, for the actor's own outbound calls (never returned by the API). */
  async revealSecret(name: string): Promise<string | null> {
    const identity = await this.#requireIdentity();
    const sealed = await this.#state.getSealedSecret(name);
    if (sealed === null) return null;
    return openSecret(await this.#secretKey(), sealed, secretContext(identity.name, name));
  }

  async appendAudit(entry: AppAuditEntry): Promise<void> {
    await this.#state.appendAudit(entry);
  }

  async listAudit(limit: number, offset: number): Promise<{ entries: (AppAuditEntry & { id: number })[]; total: number }> {
    return this.#state.listAudit(limit, offset);
  }

  /** Deletes every row of this app. The Registry calls it after removing the app. */
  async wipe(): Promise<void> {
    await this.#reset();
  }

  async #reset(): Promise<void> {
    await this.ctx.storage.deleteAll();
    // deleteAll also dropped the schema; this instance keeps serving, so restore it.
    await migrate(this.#db, appMigrations);
  }

  async #requireIdentity(): Promise<AppIdentity> {
    const identity = await this.#state.getConfig<AppIdentity>("identity");
    if (!identity) throw new Error("app actor used before init");
    return identity;
  }

  #secretKey(): Promise<SecretBoxKey> {
    return secretBoxKey(configFromEnv(this.env).STREAMHUB_SECRET_KEY);
  }
}

const secretContext = (app: string, secret: string) => `app:${app}/secret:${secret}`;

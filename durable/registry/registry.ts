import { DurableObject } from "cloudflare:workers";
import { appActor, quotaLedger } from "../../core/actors.ts";
import { configFromEnv } from "../../core/config.ts";
import { generateApiToken, hashApiToken } from "../../core/crypto/api-token.ts";
import { randomBytes, toBase64Url, utf8 } from "../../core/crypto/encoding.ts";
import { ActorSqlDriver } from "../../core/db/actor-driver.ts";
import { migrate } from "../../core/db/migrate.ts";
import { raw } from "../../core/db/sql.ts";
import { livekitClients } from "../../core/livekit.ts";
import { describeError, log } from "../../core/log.ts";
import { Scheduler } from "../lib/scheduler.ts";
import { ApiTokensRepository, toApiTokenView, type ApiTokenView, type TokenScope } from "./api-tokens.repo.ts";
import { AppsRepository, type AppChanges, type AppRecord, type AppWriteConflict, type NewApp } from "./apps.repo.ts";
import { LogsRepository, type AuditEntry, type LogFilter, type ServerLog } from "./logs.repo.ts";
import { registryMigrations } from "./migrations.ts";
import { NodesRepository, type ClusterNode, type NodeStatus } from "./nodes.repo.ts";
import type { PlanName, QuotaMetric } from "./plans.ts";
import { SessionsRepository, type Session } from "./sessions.repo.ts";
import { TenantsRepository, type Tenant } from "./tenants.repo.ts";
import { UsersRepository, type Role, type User, type UserCredentials, type UserStatus } from "./users.repo.ts";
import { registrySeries, reportTenant } from "../metrics/tenant-numbers.ts";

/** Expected failures cross the RPC boundary as values: only a thrown error's message would survive. */
export type Result<T, Code extends string> = { ok: true; value: T } | { ok: false; code: Code };

/** Who an API token speaks for. */
export interface ApiTokenPrincipal {
  tokenId: string;
  name: string;
  scope: TokenScope;
  appId: number | null;
  appName: string | null;
  tenantId: string | null;
  allowedIps: string[];
}

/** A live dashboard session and the user behind it. */
export interface SessionPrincipal {
  session: Session;
  user: User;
}

export interface RegistryHealth {
  ok: boolean;
}

/** How often old log rows are pruned. */
const RETENTION_INTERVAL_MS = 24 * 3600_000;

/** Apps the live sweep calls at once. */
const SWEEP_CONCURRENCY = 16;

/** The Registry's scheduled work. */
type RegistryTask = "retention" | "live_sweep";

/** How often `lastUsedAt` is written for a busy token: at most once per minute. */
const LAST_USED_GRANULARITY_MS = 60_000;

const now = () => new Date().toISOString();
const newId = (prefix: string) => `${prefix}_${toBase64Url(randomBytes(12))}`;

/**
 * The one global actor: apps, tenants, users, memberships, API tokens,
 * sessions, the server log and the global audit log. Its hot paths, resolving a
 * token or a session, are single indexed reads (and callers cache them).
 */
export class Registry extends DurableObject<Env> {
  readonly #db: ActorSqlDriver;
  readonly #apps: AppsRepository;
  readonly #tokens: ApiTokensRepository;
  readonly #tenants: TenantsRepository;
  readonly #users: UsersRepository;
  readonly #sessions: SessionsRepository;
  readonly #logs: LogsRepository;
  readonly #nodes: NodesRepository;

  readonly #scheduler: Scheduler<RegistryTask>;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#db = new ActorSqlDriver(ctx.storage);
    this.#scheduler = new Scheduler(this.#db, ctx.storage);
    this.#apps = new AppsRepository(this.#db);
    this.#tokens = new ApiTokensRepository(this.#db);
    this.#tenants = new TenantsRepository(this.#db);
    this.#users = new UsersRepository(this.#db);
    this.#sessions = new SessionsRepository(this.#db);
    this.#logs = new LogsRepository(this.#db);
    this.#nodes = new NodesRepository(this.#db);
    void ctx.blockConcurrencyWhile(async () => {
      await migrate(this.#db, registryMigrations);
      await this.#seedBootstrapToken();
      // A start sweeps at once: what LiveKit did while this node was down shows up without waiting.
      if (configFromEnv(env).LIVE_SWEEP_INTERVAL_S > 0) await this.#scheduler.at("live_sweep", Date.now());
      await this.#scheduler.at("retention", Date.now() + RETENTION_INTERVAL_MS);
    });
  }

  override async alarm(): Promise<void> {
    this.#scheduler.fired();
    await this.#scheduler.runDue({ retention: (now) => this.#prune(now), live_sweep: (now) => this.#sweepLiveKit(now) });
  }

  /** Daily: the server log and the global audit log keep LOG_RETENTION_DAYS. */
  async #prune(now: number): Promise<number> {
    const days = configFromEnv(this.env).LOG_RETENTION_DAYS;
    await this.#logs.pruneBefore(new Date(now - days * 86_400_000).toISOString());
    return now + RETENTION_INTERVAL_MS;
  }

  /**
   * LiveKit's rooms, handed to the apps they belong to, which reconcile the
   * rooms they did not know were live: webhooks LiveKit could not deliver
   * (this node was down, the network failed) heal without anyone asking. One
   * room list per sweep; an app is called only when LiveKit has a room of
   * its, and calls LiveKit again only for a room it did not know. (Rooms it
   * knows are live it checks itself, every minute.)
   */
  async #sweepLiveKit(now: number): Promise<number | null> {
    const config = configFromEnv(this.env);
    const next = config.LIVE_SWEEP_INTERVAL_S > 0 ? Date.now() + config.LIVE_SWEEP_INTERVAL_S * 1000 : null;
    const lk = livekitClients(config);
    if (!lk) return null;
    let rooms;
    try {
      rooms = await lk.rooms.listRooms();
    } catch (error) {
      log("warn", "LiveKit's room list is unreachable; the live sweep tries again at its next turn", describeError(error));
      return next;
    }
    // Every room, whatever its participant count says: LiveKit updates that count lazily (a room
    // with a publisher in it can still report 0), and LiveKit drops empty rooms soon enough.
    const byApp = new Map<string, string[]>();
    for (const room of rooms) {
      const app = await this.#apps.findByRoom(room.name);
      if (app) byApp.set(app.name, [...(byApp.get(app.name) ?? []), room.name]);
    }
    // A few apps at a time: a node with thousands of live apps does not open thousands of calls at once.
    const apps = [...byApp];
    for (let i = 0; i < apps.length; i += SWEEP_CONCURRENCY) {
      await Promise.all(
        apps.slice(i, i + SWEEP_CONCURRENCY).map(([name, live]) =>
          appActor(this.env, name)
            .noticeRooms(live)
            .catch((error: unknown) => log("error", "the live sweep could not reach an app", { app: name, ...describeError(error) })),
        ),
      );
    }
    return next;
  }

  /** When a scheduled task is next due (null: not scheduled); for tests and operators. */
  async scheduledAt(task: RegistryTask): Promise<number | null> {
    return this.#scheduler.dueAt(task);
  }

  /**
   * Makes STREAMHUB_API_TOKEN (set by the operator, or generated by `npm start`
   * on first run) a working global token named `bootstrap`. A token that was
   * revoked stays revoked: restarting with it in the environment does not
   * bring it back.
   */
  async #seedBootstrapToken(): Promise<void> {
    const token = configFromEnv(this.env).STREAMHUB_API_TOKEN;
    if (!token) return;
    const tokenHash = await hashApiToken(token);
    if (await this.#tokens.findByHash(tokenHash)) return;
    await this.#tokens.insert(
      { id: newId("tok"), name: "bootstrap", tokenHash, scope: "global", appId: null, tenantId: "platform", allowedIps: [] },
      now(),
    );
  }

  /** Storage answers: one constant query (never a count of every row). */
  async health(): Promise<RegistryHealth> {
    return { ok: (await this.#db.one<{ ok: number }>(raw("SELECT 1 AS ok")))?.ok === 1 };
  }

  // ── API tokens ─────────────────────────────────────────────────────────────

  /** The principal behind an `sk_` token's SHA-256, or null if it is unknown or revoked. */
  async resolveApiToken(tokenHash: string): Promise<ApiTokenPrincipal | null> {
    const row = await this.#tokens.findActiveByHash(tokenHash);
    // The index lookup is by digest; confirm it in constant time all the same.
    if (!row || !crypto.subtle.timingSafeEqual(utf8(row.token_hash), utf8(tokenHash))) return null;
    const at = Date.now();
    await this.#tokens.touch(row.id, new Date(at).toISOString(), new Date(at - LAST_USED_GRANULARITY_MS).toISOString());
    const app = row.app_id === null ? null : await this.#apps.findById(row.app_id);
    return {
      tokenId: row.id,
      name: row.name,
      scope: row.scope,
      appId: row.app_id,
      appName: app?.name ?? null,
      tenantId: row.tenant_id,
      allowedIps: JSON.parse(row.allowed_ips_json) as string[],
    };
  }

  /** Mints a token; the plaintext is returned once and never stored. */
  async createToken(input: { name: string; scope: TokenScope; appId: number | null; tenantId: string; allowedIps: string[] }): Promise<{ token: string; view: ApiTokenView }> {
    const token = generateApiToken();
    const id = newId("tok");
    await this.#tokens.insert({ id, tokenHash: await hashApiToken(token), ...input }, now());
    return { token, view: toApiTokenView((await this.#tokens.findById(id))!) };
  }

  async listTokens(filter: { tenantId?: string }, limit: number, offset: number): Promise<{ tokens: ApiTokenView[]; total: number }> {
    const { tokens, total } = await this.#tokens.list(filter, limit, offset);
    return { tokens: tokens.map(toApiTokenView), total };
  }

  async getToken(id: string): Promise<ApiTokenView | null> {
    const row = await this.#tokens.findById(id);
    return row ? toApiTokenView(row) : null;
  }

  async revokeToken(id: string): Promise<boolean> {
    return this.#tokens.revoke(id, now());
  }

  // ── Apps ───────────────────────────────────────────────────────────────────

  async listApps(filter: { tenantId?: string; appId?: number }, limit: number, offset: number): Promise<{ apps: AppRecord[]; total: number }> {
    return this.#apps.list(filter, limit, offset);
  }

  async getApp(name: string): Promise<AppRecord | null> {
    return this.#apps.findByName(name);
  }

  async appForRoom(room: string): Promise<AppRecord | null> {
    return this.#apps.findByRoom(room);
  }

  /**
   * Creates an app in one serialized call: the tenant must exist, and its
   * `maxApps` is checked in the same call, so two concurrent creates can never
   * both take the last slot. With `enforce` false (log mode, or an exempt
   * caller) the app is created and `overLimit` says whether it would have been
   * refused.
   */
  async createApp(app: NewApp & { tenantId: string }, quota: { enforce: boolean }, reuse: { cleared: boolean } = { cleared: false }): Promise<
    | { ok: true; value: AppRecord; overLimit: boolean; used: number; limit: number }
    | { ok: false; code: AppWriteConflict | "tenant_not_found" | "name_retired" }
    | { ok: false; code: "quota_exceeded"; used: number; limit: number }
  > {
    const tenant = await this.#tenants.find(app.tenantId);
    if (!tenant) return { ok: false, code: "tenant_not_found" };
    const limit = tenant.quotas.maxApps;
    const used = await this.#tenants.countApps(app.tenantId);
    const overLimit = limit !== -1 && used >= limit;
    if (overLimit && quota.enforce) return { ok: false, code: "quota_exceeded", used, limit };
    // A deleted app's name: its actor database is cleared first (by the caller, who then asks again),
    // and the name stays retired until the new app exists, so a create that dies halfway clears again.
    if (!reuse.cleared && (await this.#apps.isRetired(app.name)) && (await this.#apps.findByName(app.name)) === null) return { ok: false, code: "name_retired" };
    const created = await this.#apps.insert(app, now());
    if (typeof created === "string") return { ok: false, code: created };
    await this.#apps.unretire(app.name);
    this.#reportApps(app.tenantId, used + 1);
    return { ok: true, value: created, overLimit, used, limit };
  }

  async updateApp(name: string, changes: AppChanges): Promise<Result<AppRecord, AppWriteConflict | "app_not_found">> {
    const updated = await this.#apps.update(name, changes, now());
    if (updated === null) return { ok: false, code: "app_not_found" };
    return typeof updated === "string" ? { ok: false, code: updated } : { ok: true, value: updated };
  }

  /** Removes the app's row and its tokens; the caller then wipes the app's actor. */
  async deleteApp(name: string): Promise<boolean> {
    const tenantId = (await this.#apps.findByName(name))?.tenantId;
    const deleted = await this.#apps.delete(name, now());
    if (deleted && tenantId) this.#reportApps(tenantId, await this.#tenants.countApps(tenantId));
    return deleted;
  }

  /** A tenant's app count goes to /metrics, after the answer (never on a hot path: only creates and deletes). */
  #reportApps(tenantId: string, apps: number): void {
    this.ctx.waitUntil(reportTenant(this.env, tenantId, "registry", registrySeries(apps)));
  }

  // ── Tenants ────────────────────────────────────────────────────────────────

  async createTenant(input: { id: string; name: string; plan: PlanName }): Promise<Result<Tenant, "tenant_exists">> {
    const created = await this.#tenants.insert(input, now());
    return typeof created === "string" ? { ok: false, code: created } : { ok: true, value: created };
  }

  async getTenant(id: string): Promise<Tenant | null> {
    return this.#tenants.find(id);
  }

  async listTenants(limit: number, offset: number): Promise<{ tenants: Tenant[]; total: number }> {
    return this.#tenants.list(limit, offset);
  }

  /** The tenant's quota ledger is told its new limits at once (it otherwise re-reads them within a minute). */
  async updateTenant(id: string, changes: { name?: string; plan?: PlanName; quotas?: Partial<Record<QuotaMetric, number | null>> }): Promise<Tenant | null> {
    const updated = await this.#tenants.update(id, changes, now());
    if (updated) await quotaLedger(this.env, id).setLimits(updated.quotas);
    return updated;
  }

  async countTenantApps(tenantId: string): Promise<number> {
    return this.#tenants.countApps(tenantId);
  }

  // ── Users and memberships ──────────────────────────────────────────────────

  async createUser(input: { email: string; passwordHash: string | null; isSuperadmin: boolean }): Promise<Result<User, "user_exists">> {
    const created = await this.#users.insert(
      { id: newId("usr"), email: input.email, passwordHash: input.passwordHash, isSuperadmin: input.isSuperadmin, status: input.passwordHash ? "active" : "pending" },
      now(),
    );
    return typeof created === "string" ? { ok: false, code: created } : { ok: true, value: created };
  }

  async getUser(id: string): Promise<User | null> {
    return this.#users.findById(id);
  }

  async listUsers(filter: { tenantId?: string }, limit: number, offset: number): Promise<{ users: User[]; total: number }> {
    return this.#users.list(filter, limit, offset);
  }

  /** A password change or a disabled account ends the user's sessions. */
  async updateUser(id: string, changes: { passwordHash?: string; status?: UserStatus; isSuperadmin?: boolean }): Promise<User | null> {
    const updated = await this.#users.update(id, changes, now());
    if (updated && (changes.passwordHash !== undefined || changes.status === "disabled")) await this.#sessions.revokeAllForUser(id, now());
    return updated;
  }

  /** For login only: the user with its password hash. */
  async credentialsByEmail(email: string): Promise<UserCredentials | null> {
    return this.#users.credentialsByEmail(email);
  }

  /**
   * Adds a member by email: an existing user joins (leaving any other tenant),
   * an unknown email becomes a pending user who cannot log in until a password is set.
   */
  async addMember(tenantId: string, email: string, role: Role, options: { mayMove: boolean }): Promise<Result<User, "tenant_not_found" | "last_owner" | "member_of_another_tenant">> {
    if (!(await this.#tenants.find(tenantId))) return { ok: false, code: "tenant_not_found" };
    let user = await this.#users.findByEmail(email);
    // Only a superadmin moves people between tenants; an owner cannot pull someone out of theirs.
    if (user?.tenantId && user.tenantId !== tenantId && !options.mayMove) return { ok: false, code: "member_of_another_tenant" };
    if (user?.tenantId && user.tenantId !== tenantId && user.role === "owner" && (await this.#users.countOwners(user.tenantId)) === 1) {
      return { ok: false, code: "last_owner" };
    }
    if (!user) {
      const created = await this.#users.insert({ id: newId("usr"), email, passwordHash: null, status: "pending", isSuperadmin: false }, now());
      if (typeof created === "string") throw new Error("user appeared concurrently");
      user = created;
    }
    const moved = user.tenantId !== null && user.tenantId !== tenantId;
    await this.#users.setMembership(user.id, tenantId, role, now());
    // Sessions carry the old tenant: a moved user logs in again.
    if (moved) await this.#sessions.revokeAllForUser(user.id, now());
    return { ok: true, value: (await this.#users.findById(user.id))! };
  }

  async setMemberRole(tenantId: string, userId: string, role: Role): Promise<Result<User, "member_not_found" | "last_owner">> {
    const user = await this.#users.findById(userId);
    if (!user || user.tenantId !== tenantId) return { ok: false, code: "member_not_found" };
    if (user.role === "owner" && role !== "owner" && (await this.#users.countOwners(tenantId)) === 1) return { ok: false, code: "last_owner" };
    await this.#users.setMembership(userId, tenantId, role, now());
    return { ok: true, value: (await this.#users.findById(userId))! };
  }

  async removeMember(tenantId: string, userId: string): Promise<Result<true, "member_not_found" | "last_owner">> {
    const user = await this.#users.findById(userId);
    if (!user || user.tenantId !== tenantId) return { ok: false, code: "member_not_found" };
    if (user.role === "owner" && (await this.#users.countOwners(tenantId)) === 1) return { ok: false, code: "last_owner" };
    await this.#users.removeMembership(userId, tenantId);
    await this.#sessions.revokeAllForUser(userId, now());
    return { ok: true, value: true };
  }

  // ── Sessions and login throttling ──────────────────────────────────────────

  async createSession(input: { userId: string; ttlMs: number; ip: string | null; userAgent: string | null }): Promise<Session> {
    const createdAt = new Date();
    const session = {
      id: newId("ses"),
      userId: input.userId,
      createdAt: createdAt.toISOString(),
      expiresAt: new Date(createdAt.getTime() + input.ttlMs).toISOString(),
      ip: input.ip,
      userAgent: input.userAgent?.slice(0, 256) ?? null,
    };
    await this.#sessions.insert(session);
    return { ...session, revokedAt: null };
  }

  /** The live session and its user; null when revoked, expired, or the user may no longer log in. */
  async resolveSession(sessionId: string): Promise<SessionPrincipal | null> {
    const session = await this.#sessions.find(sessionId);
    if (!session || session.revokedAt !== null || session.expiresAt <= now()) return null;
    if (session.userId === "admin") {
      return { session, user: { id: "admin", email: "admin", status: "active", isSuperadmin: true, tenantId: "platform", role: null, createdAt: session.createdAt, updatedAt: session.createdAt } };
    }
    const user = await this.#users.findById(session.userId);
    if (!user || user.status !== "active") return null;
    return { session, user };
  }

  async listSessions(userId: string): Promise<Session[]> {
    return this.#sessions.listForUser(userId, now());
  }

  async getSession(id: string): Promise<Session | null> {
    return this.#sessions.find(id);
  }

  async revokeSession(id: string): Promise<boolean> {
    return this.#sessions.revoke(id, now());
  }

  /**
   * Admits one login attempt: if any of `keys` is throttled, the milliseconds
   * to wait; otherwise 0, and the attempt is counted as a failure for every key
   * in the same serialized call — so parallel attempts cannot all slip past the
   * limit. A successful login then takes its count back (`loginSucceeded`).
   */
  async admitLoginAttempt(keys: string[], max: number, windowMs: number): Promise<number> {
    const wait = await this.loginRetryAfter(keys, max, windowMs);
    if (wait > 0) return wait;
    await this.recordLoginFailure(keys, windowMs);
    return 0;
  }

  /** A login succeeded: the account starts afresh, and the address gets its attempt back. */
  async loginSucceeded(accountKey: string, addressKey: string): Promise<void> {
    await this.#sessions.clearFailures(accountKey);
    await this.#sessions.refundFailure(addressKey);
  }

  /** Milliseconds until the first of `keys` may try again, or 0 when none is throttled. */
  async loginRetryAfter(keys: string[], max: number, windowMs: number): Promise<number> {
    const at = Date.now();
    let wait = 0;
    for (const key of keys) {
      const state = await this.#sessions.failures(key, at - windowMs);
      if (state && state.failures >= max) wait = Math.max(wait, state.windowStartedAt + windowMs - at);
    }
    return wait;
  }

  async recordLoginFailure(keys: string[], windowMs: number): Promise<void> {
    const at = Date.now();
    for (const key of keys) await this.#sessions.recordFailure(key, at, at - windowMs);
  }


  // ── Server log and audit log ───────────────────────────────────────────────

  async appendLog(entry: Omit<ServerLog, "id" | "ts">): Promise<void> {
    await this.#logs.append({ ...entry, ts: now() });
  }

  async listLogs(filter: LogFilter, limit: number, offset: number): Promise<{ logs: ServerLog[]; total: number }> {
    return this.#logs.list(filter, limit, offset);
  }

  async appendAudit(entry: Omit<AuditEntry, "id">): Promise<void> {
    await this.#logs.appendAudit(entry);
  }

  /** App actors' audit rows, forwarded in batches (see durable/app/settings.ts). */
  async appendAuditBatch(entries: (Omit<AuditEntry, "id"> & { source: string })[]): Promise<void> {
    await this.#logs.appendAuditBatch(entries);
  }

  async listAudit(filter: { tenantId?: string; app?: string }, limit: number, offset: number): Promise<{ entries: AuditEntry[]; total: number }> {
    return this.#logs.listAudit(filter, limit, offset);
  }

  // ── Cluster nodes (API.md §1.1) ────────────────────────────────────────────

  /** A node agent joins (upsert by name). */
  async joinNode(input: { name: string; ip: string; region: string | null; url: string | null }): Promise<{ node: ClusterNode; created: boolean }> {
    return this.#nodes.join({ id: newId("node"), ...input }, now());
  }

  /** A node agent's heartbeat; null when the node is unknown (deleted, or never joined). */
  async heartbeatNode(id: string, statsJson: string | null): Promise<ClusterNode | null> {
    return this.#nodes.heartbeat(id, statsJson, now());
  }

  async listNodes(): Promise<ClusterNode[]> {
    return this.#nodes.list();
  }

  async countNodes(): Promise<number> {
    return this.#nodes.count();
  }

  async updateNode(id: string, changes: { name?: string; region?: string | null; status?: NodeStatus }): Promise<Result<ClusterNode, "node_not_found" | "node_name_taken">> {
    const updated = await this.#nodes.update(id, changes, now());
    if (updated === null) return { ok: false, code: "node_not_found" };
    return typeof updated === "string" ? { ok: false, code: updated } : { ok: true, value: updated };
  }

  async deleteNode(id: string): Promise<boolean> {
    return this.#nodes.delete(id);
  }
}

import { sql, type SqlDriver } from "../../core/db/sql.ts";

export type TokenScope = "global" | "app";

export interface ApiTokenRow {
  id: string;
  name: string;
  token_hash: string;
  scope: TokenScope;
  app_id: number | null;
  tenant_id: string | null;
  allowed_ips_json: string;
  last_used_at: string | null;
  created_at: string;
  revoked_at: string | null;
}

export interface NewApiToken {
  id: string;
  name: string;
  tokenHash: string;
  scope: TokenScope;
  appId: number | null;
  tenantId: string | null;
  allowedIps: string[];
}

export class ApiTokensRepository {
  readonly #db: SqlDriver;

  constructor(db: SqlDriver) {
    this.#db = db;
  }

  async insert(token: NewApiToken, now: string): Promise<void> {
    await this.#db.run(sql`
      INSERT INTO api_tokens (id, name, token_hash, scope, app_id, tenant_id, allowed_ips_json, created_at)
      VALUES (${token.id}, ${token.name}, ${token.tokenHash}, ${token.scope}, ${token.appId}, ${token.tenantId},
              ${JSON.stringify(token.allowedIps)}, ${now})`);
  }

  /** Any token with this hash, revoked or not: seeding must not resurrect a revoked token. */
  findByHash(tokenHash: string): Promise<ApiTokenRow | null> {
    return this.#db.one<ApiTokenRow>(sql`SELECT * FROM api_tokens WHERE token_hash = ${tokenHash}`);
  }

  findActiveByHash(tokenHash: string): Promise<ApiTokenRow | null> {
    return this.#db.one<ApiTokenRow>(sql`SELECT * FROM api_tokens WHERE token_hash = ${tokenHash} AND revoked_at IS NULL`);
  }

  findById(id: string): Promise<ApiTokenRow | null> {
    return this.#db.one<ApiTokenRow>(sql`SELECT * FROM api_tokens WHERE id = ${id}`);
  }

  /** Newest first; a tenant sees its own app tokens only (global tokens are the platform's). */
  async list(filter: { tenantId?: string }, limit: number, offset: number): Promise<{ tokens: ApiTokenRow[]; total: number }> {
    const where = filter.tenantId === undefined ? "" : "WHERE tenant_id = ? AND scope = 'app'";
    const params = filter.tenantId === undefined ? [] : [filter.tenantId];
    const tokens = await this.#db.all<ApiTokenRow>({ text: `SELECT * FROM api_tokens ${where} ORDER BY created_at DESC, id LIMIT ? OFFSET ?`, params: [...params, limit, offset] });
    const count = await this.#db.one<{ total: number }>({ text: `SELECT COUNT(*) AS total FROM api_tokens ${where}`, params });
    return { tokens, total: count?.total ?? 0 };
  }

  async revoke(id: string, now: string): Promise<boolean> {
    return (await this.#db.run(sql`UPDATE api_tokens SET revoked_at = ${now} WHERE id = ${id} AND revoked_at IS NULL`)).changes > 0;
  }

  /** Records use only when the last record is older than `staleBefore`, so a busy token does not cost a write per request. */
  async touch(id: string, now: string, staleBefore: string): Promise<void> {
    await this.#db.run(sql`UPDATE api_tokens SET last_used_at = ${now} WHERE id = ${id} AND (last_used_at IS NULL OR last_used_at < ${staleBefore})`);
  }
}

export interface ApiTokenView {
  id: string;
  name: string;
  scope: TokenScope;
  appId: number | null;
  tenantId: string | null;
  allowedIps: string[];
  lastUsedAt: string | null;
  createdAt: string;
  revoked: boolean;
}

export const toApiTokenView = (row: ApiTokenRow): ApiTokenView => ({
  id: row.id,
  name: row.name,
  scope: row.scope,
  appId: row.app_id,
  tenantId: row.tenant_id,
  allowedIps: JSON.parse(row.allowed_ips_json) as string[],
  lastUsedAt: row.last_used_at,
  createdAt: row.created_at,
  revoked: row.revoked_at !== null,
});

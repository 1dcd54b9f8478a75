import { sql, type SqlDriver } from "../db/sql.ts";

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
}

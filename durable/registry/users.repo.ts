import { sql, uniqueViolationOn, type SqlDriver } from "../../core/db/sql.ts";

export type Role = "owner" | "editor" | "viewer";
export type UserStatus = "active" | "pending" | "disabled";

export interface User {
  id: string;
  email: string;
  status: UserStatus;
  isSuperadmin: boolean;
  tenantId: string | null;
  role: Role | null;
  createdAt: string;
  updatedAt: string;
}

/** A user with the stored password hash: only for login, never returned by the API. */
export interface UserCredentials extends User {
  passwordHash: string | null;
}

interface UserRow {
  id: string;
  email: string;
  password_hash: string | null;
  status: UserStatus;
  is_superadmin: number;
  created_at: string;
  updated_at: string;
  tenant_id: string | null;
  role: Role | null;
}

const toCredentials = (row: UserRow): UserCredentials => ({
  id: row.id,
  email: row.email,
  status: row.status,
  isSuperadmin: row.is_superadmin === 1,
  tenantId: row.tenant_id,
  role: row.role,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  passwordHash: row.password_hash,
});

const withoutHash = ({ passwordHash: _, ...user }: UserCredentials): User => user;

const SELECT_USER = `SELECT u.*, m.tenant_id, m.role FROM users u LEFT JOIN memberships m ON m.user_id = u.id`;

export class UsersRepository {
  readonly #db: SqlDriver;

  constructor(db: SqlDriver) {
    this.#db = db;
  }

  async insert(
    user: { id: string; email: string; passwordHash: string | null; status: UserStatus; isSuperadmin: boolean },
    now: string,
  ): Promise<User | "user_exists"> {
    try {
      await this.#db.run(sql`
        INSERT INTO users (id, email, password_hash, status, is_superadmin, created_at, updated_at)
        VALUES (${user.id}, ${user.email}, ${user.passwordHash}, ${user.status}, ${user.isSuperadmin ? 1 : 0}, ${now}, ${now})`);
    } catch (error) {
      if (uniqueViolationOn(error) === "users.email") return "user_exists";
      throw error;
    }
    return (await this.findById(user.id))!;
  }

  async findById(id: string): Promise<User | null> {
    const row = await this.#db.one<UserRow>({ text: `${SELECT_USER} WHERE u.id = ?`, params: [id] });
    return row ? withoutHash(toCredentials(row)) : null;
  }

  async findByEmail(email: string): Promise<User | null> {
    const credentials = await this.credentialsByEmail(email);
    return credentials ? withoutHash(credentials) : null;
  }

  async credentialsByEmail(email: string): Promise<UserCredentials | null> {
    const row = await this.#db.one<UserRow>({ text: `${SELECT_USER} WHERE u.email = ?`, params: [email] });
    return row ? toCredentials(row) : null;
  }

  async list(filter: { tenantId?: string }, limit: number, offset: number): Promise<{ users: User[]; total: number }> {
    const where = filter.tenantId === undefined ? "" : "WHERE m.tenant_id = ?";
    const params = filter.tenantId === undefined ? [] : [filter.tenantId];
    const rows = await this.#db.all<UserRow>({ text: `${SELECT_USER} ${where} ORDER BY u.created_at, u.id LIMIT ? OFFSET ?`, params: [...params, limit, offset] });
    const count = await this.#db.one<{ total: number }>({ text: `SELECT COUNT(*) AS total FROM users u LEFT JOIN memberships m ON m.user_id = u.id ${where}`, params });
    return { users: rows.map((row) => withoutHash(toCredentials(row))), total: count?.total ?? 0 };
  }

  async update(id: string, changes: { passwordHash?: string; status?: UserStatus; isSuperadmin?: boolean }, now: string): Promise<User | null> {
    const current = await this.credentialsById(id);
    if (!current) return null;
    await this.#db.run(sql`
      UPDATE users SET
        password_hash = ${changes.passwordHash ?? current.passwordHash},
        status = ${changes.status ?? current.status},
        is_superadmin = ${(changes.isSuperadmin ?? current.isSuperadmin) ? 1 : 0},
        updated_at = ${now}
      WHERE id = ${id}`);
    return this.findById(id);
  }

  async credentialsById(id: string): Promise<UserCredentials | null> {
    const row = await this.#db.one<UserRow>({ text: `${SELECT_USER} WHERE u.id = ?`, params: [id] });
    return row ? toCredentials(row) : null;
  }

  /** Puts the user in a tenant with a role, replacing any earlier membership. */
  async setMembership(userId: string, tenantId: string, role: Role, now: string): Promise<void> {
    await this.#db.run(sql`
      INSERT INTO memberships (user_id, tenant_id, role, created_at) VALUES (${userId}, ${tenantId}, ${role}, ${now})
      ON CONFLICT (user_id) DO UPDATE SET tenant_id = excluded.tenant_id, role = excluded.role`);
  }

  async removeMembership(userId: string, tenantId: string): Promise<boolean> {
    return (await this.#db.run(sql`DELETE FROM memberships WHERE user_id = ${userId} AND tenant_id = ${tenantId}`)).changes > 0;
  }

  async countOwners(tenantId: string): Promise<number> {
    return (await this.#db.one<{ n: number }>(sql`SELECT COUNT(*) AS n FROM memberships WHERE tenant_id = ${tenantId} AND role = 'owner'`))?.n ?? 0;
  }
}

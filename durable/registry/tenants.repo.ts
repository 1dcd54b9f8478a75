import { sql, uniqueViolationOn, type SqlDriver } from "../../core/db/sql.ts";
import { effectiveQuotas, type PlanName, type QuotaMetric, type Quotas } from "./plans.ts";

export interface Tenant {
  id: string;
  name: string;
  plan: PlanName;
  quotas: Quotas;
  /** Only the limits set on this tenant, over its plan's. */
  quotaOverrides: Partial<Record<QuotaMetric, number>>;
  createdAt: string;
  updatedAt: string;
}

interface TenantRow {
  id: string;
  name: string;
  plan: PlanName;
  created_at: string;
  updated_at: string;
  max_apps: number | null;
  max_concurrent_streams: number | null;
  max_recording_minutes_month: number | null;
  max_egress_gb_month: number | null;
  max_storage_gb: number | null;
}

const COLUMNS: Record<QuotaMetric, keyof TenantRow> = {
  maxApps: "max_apps",
  maxConcurrentStreams: "max_concurrent_streams",
  maxRecordingMinutesMonth: "max_recording_minutes_month",
  maxEgressGbMonth: "max_egress_gb_month",
  maxStorageGb: "max_storage_gb",
};

function toTenant(row: TenantRow): Tenant {
  const quotaOverrides: Partial<Record<QuotaMetric, number>> = {};
  for (const [metric, column] of Object.entries(COLUMNS) as [QuotaMetric, keyof TenantRow][]) {
    const value = row[column];
    if (typeof value === "number") quotaOverrides[metric] = value;
  }
  return {
    id: row.id,
    name: row.name,
    plan: row.plan,
    quotas: effectiveQuotas(row.plan, quotaOverrides),
    quotaOverrides,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const SELECT_TENANT = `SELECT t.*, q.max_apps, q.max_concurrent_streams, q.max_recording_minutes_month, q.max_egress_gb_month, q.max_storage_gb
  FROM tenants t LEFT JOIN quotas q ON q.tenant_id = t.id`;

export class TenantsRepository {
  readonly #db: SqlDriver;

  constructor(db: SqlDriver) {
    this.#db = db;
  }

  async insert(tenant: { id: string; name: string; plan: PlanName }, now: string): Promise<Tenant | "tenant_exists"> {
    try {
      await this.#db.run(sql`INSERT INTO tenants (id, name, plan, created_at, updated_at) VALUES (${tenant.id}, ${tenant.name}, ${tenant.plan}, ${now}, ${now})`);
    } catch (error) {
      if (uniqueViolationOn(error) === "tenants.id") return "tenant_exists";
      throw error;
    }
    return (await this.find(tenant.id))!;
  }

  async find(id: string): Promise<Tenant | null> {
    const row = await this.#db.one<TenantRow>({ text: `${SELECT_TENANT} WHERE t.id = ?`, params: [id] });
    return row ? toTenant(row) : null;
  }

  async list(limit: number, offset: number): Promise<{ tenants: Tenant[]; total: number }> {
    const rows = await this.#db.all<TenantRow>({ text: `${SELECT_TENANT} ORDER BY t.created_at, t.id LIMIT ? OFFSET ?`, params: [limit, offset] });
    const count = await this.#db.one<{ total: number }>(sql`SELECT COUNT(*) AS total FROM tenants`);
    return { tenants: rows.map(toTenant), total: count?.total ?? 0 };
  }

  /** Changes name, plan and quota overrides (null removes an override). Null when the tenant does not exist. */
  async update(
    id: string,
    changes: { name?: string; plan?: PlanName; quotas?: Partial<Record<QuotaMetric, number | null>> },
    now: string,
  ): Promise<Tenant | null> {
    const current = await this.find(id);
    if (!current) return null;
    const overrides = { ...current.quotaOverrides, ...changes.quotas };
    const value = (metric: QuotaMetric) => overrides[metric] ?? null;
    await this.#db.batch([
      sql`UPDATE tenants SET name = ${changes.name ?? current.name}, plan = ${changes.plan ?? current.plan}, updated_at = ${now} WHERE id = ${id}`,
      sql`INSERT INTO quotas (tenant_id, max_apps, max_concurrent_streams, max_recording_minutes_month, max_egress_gb_month, max_storage_gb)
          VALUES (${id}, ${value("maxApps")}, ${value("maxConcurrentStreams")}, ${value("maxRecordingMinutesMonth")}, ${value("maxEgressGbMonth")}, ${value("maxStorageGb")})
          ON CONFLICT (tenant_id) DO UPDATE SET
            max_apps = excluded.max_apps,
            max_concurrent_streams = excluded.max_concurrent_streams,
            max_recording_minutes_month = excluded.max_recording_minutes_month,
            max_egress_gb_month = excluded.max_egress_gb_month,
            max_storage_gb = excluded.max_storage_gb`,
    ]);
    return this.find(id);
  }

  async countApps(tenantId: string): Promise<number> {
    return (await this.#db.one<{ n: number }>(sql`SELECT COUNT(*) AS n FROM apps WHERE tenant_id = ${tenantId}`))?.n ?? 0;
  }
}

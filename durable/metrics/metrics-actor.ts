import { DurableObject } from "cloudflare:workers";
import { ActorSqlDriver } from "../../core/db/actor-driver.ts";
import { migrate } from "../../core/db/migrate.ts";
import { sql, type Statement } from "../../core/db/sql.ts";
import { describeError, log } from "../../core/log.ts";
import { addSeries, assembleExposition, renderGroup, type RenderedGroup, type Series } from "../../core/metrics.ts";
import { numbersFromGauges } from "../app/app-metrics.ts";
import type { LiveNumbers } from "../app/live-numbers.ts";
import { metricsMigrations } from "./migrations.ts";
import type { TenantSource } from "./tenant-numbers.ts";

interface AppSeries {
  tenant: string;
  gauges: Series;
  counters: Series;
  /** Its exposition lines, rendered when it reported (a scrape only assembles). */
  rendered: RenderedGroup;
}

const appSeries = (app: string, tenant: string, gauges: Series, counters: Series): AppSeries => ({
  tenant,
  gauges,
  counters,
  rendered: renderGroup({ labels: { app, tenant }, series: { ...gauges, ...counters } }),
});

/** How long reports gather before they are stored together. */
const WRITE_DELAY_MS = 1_000;

/** What the reporting apps have live, added up, for the stats API. */
export interface ReportedTotals {
  appsReporting: number;
  numbers: LiveNumbers;
}

/**
 * One, global: where /metrics reads. App actors report their numbers here
 * (durable/app/app-metrics.ts), tenants' quota ledgers their usage, Workers
 * their HTTP counters, so that a scrape is one call into this actor and never
 * a call into every app's. Everything is kept in memory, each app's lines
 * rendered when it reports (a scrape only assembles them), and stored once a
 * second in one transaction, so that a restart of the node keeps the counters.
 *
 * Kept apart from the Registry on purpose: reports come at every change of
 * every app, and the Registry's hot paths must stay cheap.
 */
export class MetricsActor extends DurableObject<Env> {
  readonly #db: ActorSqlDriver;
  readonly #apps = new Map<string, AppSeries>();
  readonly #node = new Map<string, RenderedGroup>();
  /** The latest write of each app and source not yet stored (see #writeSoon). */
  readonly #unwritten = new Map<string, Statement>();
  #writing: Promise<void> | null = null;
  /** The Workers' HTTP counts so far (source 'worker'). */
  #workerCounts: Series = {};
  #rendered: string | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#db = new ActorSqlDriver(ctx.storage);
    void ctx.blockConcurrencyWhile(async () => {
      await migrate(this.#db, metricsMigrations);
      for (const row of await this.#db.all<{ app: string; tenant: string; gauges_json: string; counters_json: string }>(sql`SELECT app, tenant, gauges_json, counters_json FROM app_series`)) {
        this.#apps.set(row.app, appSeries(row.app, row.tenant, JSON.parse(row.gauges_json) as Series, JSON.parse(row.counters_json) as Series));
      }
      for (const row of await this.#db.all<{ source: string; series_json: string }>(sql`SELECT source, series_json FROM node_series`)) {
        this.#setNode(row.source, JSON.parse(row.series_json) as Series);
      }
    });
  }

  /** An app's live numbers (replacing its last) and the counts it made since its last report (added). */
  async report(app: string, tenant: string, gauges: Series, counts: Series): Promise<void> {
    const counters = { ...(this.#apps.get(app)?.counters ?? {}) };
    addSeries(counters, counts);
    this.#apps.set(app, appSeries(app, tenant, gauges, counters));
    this.#rendered = null;
    this.#unwritten.set(`app:${app}`, sql`
      INSERT INTO app_series (app, tenant, gauges_json, counters_json, updated_at)
      VALUES (${app}, ${tenant}, ${JSON.stringify(gauges)}, ${JSON.stringify(counters)}, ${Date.now()})
      ON CONFLICT (app) DO UPDATE SET tenant = excluded.tenant, gauges_json = excluded.gauges_json,
        counters_json = excluded.counters_json, updated_at = excluded.updated_at`);
    this.#writeSoon();
  }

  /** A deleted app's series go. */
  async forget(app: string): Promise<void> {
    this.#apps.delete(app);
    this.#rendered = null;
    this.#unwritten.set(`app:${app}`, sql`DELETE FROM app_series WHERE app = ${app}`);
    this.#writeSoon();
  }

  /** Counts a Worker made since it last flushed them (added to the node's totals). */
  async addNodeCounts(counts: Series): Promise<void> {
    if (Object.keys(counts).length === 0) return;
    const total = { ...this.#workerCounts };
    addSeries(total, counts);
    await this.#putNode("worker", total);
  }

  /** A tenant's numbers as `source` last saw them (replacing what it reported last). */
  async reportTenant(tenant: string, source: TenantSource, gauges: Series): Promise<void> {
    await this.#putNode(`tenant:${source}:${tenant}`, gauges);
  }

  /** Every series reported here, in the Prometheus text format. */
  async exposition(): Promise<string> {
    return (this.#rendered ??= assembleExposition(this.#groups()));
  }

  /** Sums of the gauges reported by the apps of `tenant` (every app when undefined). */
  async totals(tenant?: string): Promise<ReportedTotals> {
    const gauges: Series = {};
    let appsReporting = 0;
    for (const app of this.#apps.values()) {
      if (tenant !== undefined && app.tenant !== tenant) continue;
      appsReporting++;
      addSeries(gauges, app.gauges);
    }
    return { appsReporting, numbers: numbersFromGauges(gauges) };
  }

  *#groups(): Iterable<RenderedGroup> {
    yield renderGroup({ labels: {}, series: { streamhub_metrics_apps_reporting: this.#apps.size } });
    yield* this.#node.values();
    for (const app of this.#apps.values()) yield app.rendered;
  }

  #setNode(source: string, series: Series): void {
    if (source === "worker") this.#workerCounts = series;
    const tenant = /^tenant:[a-z]+:(.*)$/.exec(source)?.[1];
    this.#node.set(source, renderGroup({ labels: tenant === undefined ? {} : { tenant }, series }));
    this.#rendered = null;
  }

  async #putNode(source: string, series: Series): Promise<void> {
    this.#setNode(source, series);
    this.#unwritten.set(`node:${source}`, sql`
      INSERT INTO node_series (source, series_json, updated_at) VALUES (${source}, ${JSON.stringify(series)}, ${Date.now()})
      ON CONFLICT (source) DO UPDATE SET series_json = excluded.series_json, updated_at = excluded.updated_at`);
    this.#writeSoon();
  }

  /**
   * Reports are stored together, once a second at most, in one transaction (a
   * group commit): a write holds every answer of the actor until it is on
   * disk, and a scrape must not queue behind one write per report. What a
   * crash loses is the last second's reports, no more.
   */
  #writeSoon(): void {
    this.#writing ??= new Promise((resolve) => setTimeout(resolve, WRITE_DELAY_MS)).then(async () => {
      const statements = [...this.#unwritten.values()];
      this.#unwritten.clear();
      this.#writing = null;
      try {
        await this.#db.batch(statements);
      } catch (error) {
        log("error", "could not store the reported metrics; each app's next report stores its numbers again", describeError(error));
      }
    });
  }
}

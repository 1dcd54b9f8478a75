// Prometheus series as plain data, and their text exposition (format 0.0.4).
// Runtime-neutral: the app actors and the Worker count into `Series` maps, the
// Metrics actor adds them up, and `renderExposition` writes what /metrics serves.
//
// A series key is the metric name followed by its labels in exposition syntax,
// without the braces' owner labels (`app`, `tenant`) that the Metrics actor adds:
// `streamhub_callbacks_total{event="stream_started",result="delivered"}`.
// Labels are per app and tenant, never per room or participant (cardinality).

/** Series key → value. Counters only ever grow; gauges are replaced as a whole. */
export type Series = Record<string, number>;

type Kind = "counter" | "gauge" | "histogram";

/**
 * Every metric /metrics can emit, with its type and help. The original
 * StreamHub's names are kept so that its users' dashboards keep working.
 */
export const METRIC_FAMILIES = {
  streamhub_build_info: { type: "gauge", help: "Always 1; the version label is the StreamHub version." },
  streamhub_livekit_up: { type: "gauge", help: "1 when the LiveKit server answered its last probe (checked at most every 5 s), else 0." },
  streamhub_metrics_apps_reporting: { type: "gauge", help: "Apps whose actor has reported its numbers (apps never used since their creation have not)." },
  streamhub_apps: { type: "gauge", help: "Registered apps per tenant." },
  streamhub_active_streams: { type: "gauge", help: "Live streams, per app." },
  streamhub_viewers: { type: "gauge", help: "Viewers (participants that subscribe and publish nothing; QC and recorder participants left out), per app." },
  streamhub_publishers: { type: "gauge", help: "Participants publishing at least one track, per app." },
  streamhub_active_recordings: { type: "gauge", help: "Recordings running, per app." },
  streamhub_active_hls: { type: "gauge", help: "Live HLS egresses running, per app." },
  streamhub_ingresses: { type: "gauge", help: "Ingresses (RTMP, WHIP, URL, RTSP) configured, per app." },
  streamhub_vods: { type: "gauge", help: "VOD rows by status, per app." },
  streamhub_storage_vod_bytes: { type: "gauge", help: "Bytes of ready VODs in the app's bucket." },
  streamhub_storage_vod_count: { type: "gauge", help: "Ready VODs in the app's bucket." },
  streamhub_webhook_outbox_depth: { type: "gauge", help: "Outbound webhook deliveries waiting to be delivered (including retries), per app." },
  streamhub_stream_events_total: { type: "counter", help: "Stream lifecycle events, per app and event." },
  streamhub_recordings_started_total: { type: "counter", help: "Recordings started, per app." },
  streamhub_recording_failures_total: { type: "counter", help: "Recordings that failed, per app." },
  streamhub_callbacks_total: { type: "counter", help: "Outbound webhook attempts by event and result: delivered, failed (will retry) or dropped (given up)." },
  streamhub_webhook_delivery_latency_seconds: { type: "histogram", help: "From an event's fan-out to its delivery being acknowledged by the receiver, retries included." },
  streamhub_tenant_usage: { type: "gauge", help: "Current usage per tenant and quota metric (same metric label as streamhub_tenant_quota; storage in GB)." },
  streamhub_tenant_quota: { type: "gauge", help: "Configured limit per tenant and quota metric; -1 is unlimited." },
  streamhub_quota_denials_total: { type: "counter", help: "Requests refused with 429 quota_exceeded, per tenant and quota metric." },
  streamhub_http_requests_total: { type: "counter", help: "HTTP requests handled, by method, route pattern and status." },
  streamhub_http_request_duration_seconds: { type: "histogram", help: "HTTP request duration, by method and route pattern." },
  streamhub_errors_total: { type: "counter", help: "Errors surfaced to clients (source=http: status 500 and above), by source and code." },
} as const satisfies Record<string, { type: Kind; help: string }>;

export type MetricName = keyof typeof METRIC_FAMILIES;

/** Request durations (seconds): Prometheus' defaults, which the original used too. */
export const HTTP_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Webhook hand-off (seconds): a receiver answering at once, up to the retry schedule's first hours. */
export const DELIVERY_LATENCY_BUCKETS = [0.1, 0.5, 1, 5, 15, 60, 300, 1800, 7200, 86400];

/** A label value as the exposition format wants it: backslash, quote and newline escaped. */
const escapeLabel = (value: string) => value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");

/** `k="v",…` in the given order. */
export const labelText = (labels: Record<string, string | number>) =>
  Object.entries(labels)
    .map(([name, value]) => `${name}="${escapeLabel(String(value))}"`)
    .join(",");

/** The key of one series (see the file's head). */
export const seriesKey = (name: string, labels: Record<string, string | number> = {}) => {
  const text = labelText(labels);
  return text === "" ? name : `${name}{${text}}`;
};

/** Adds `by` to a counter series. */
export function increment(series: Series, name: MetricName, labels: Record<string, string | number> = {}, by = 1): void {
  const key = seriesKey(name, labels);
  series[key] = (series[key] ?? 0) + by;
}

/** Observations of one histogram series tallied in memory: per bucket, how many were at or below its bound. */
export interface HistogramTally {
  buckets: readonly number[];
  /** Cumulative, as the exposition's `le` series are: atOrBelow[i] counts the observations ≤ buckets[i]. */
  atOrBelow: number[];
  sum: number;
  count: number;
}

/** An empty tally over `buckets`. */
export const histogramTally = (buckets: readonly number[]): HistogramTally => ({ buckets, atOrBelow: buckets.map(() => 0), sum: 0, count: 0 });

/** Counts one observation into a tally: a few comparisons, no series keys built (for per-request use). */
export function tallyObservation(tally: HistogramTally, value: number): void {
  for (let i = 0; i < tally.buckets.length; i++) if (value <= tally.buckets[i]!) tally.atOrBelow[i]!++;
  tally.sum += value;
  tally.count++;
}

/** Adds a tally's observations to a histogram's series: every bucket (cumulative), `+Inf`, `_sum` and `_count`. */
export function addHistogram(series: Series, name: MetricName, labels: Record<string, string | number>, tally: HistogramTally): void {
  tally.buckets.forEach((le, i) => {
    const key = seriesKey(`${name}_bucket`, { ...labels, le: String(le) });
    series[key] = (series[key] ?? 0) + tally.atOrBelow[i]!;
  });
  increment(series, `${name}_bucket` as MetricName, { ...labels, le: "+Inf" }, tally.count);
  increment(series, `${name}_sum` as MetricName, labels, tally.sum);
  increment(series, `${name}_count` as MetricName, labels, tally.count);
}

/** Adds every series of `delta` into `total` (counters). */
export function addSeries(total: Series, delta: Series): void {
  for (const [key, value] of Object.entries(delta)) total[key] = (total[key] ?? 0) + value;
}

/** A group of series that share owner labels (an app's: app and tenant; the node's: none). */
export interface SeriesGroup {
  labels: Record<string, string>;
  series: Series;
}

const SUFFIXES = ["_bucket", "_sum", "_count"] as const;

/** The family a series belongs to, and its position inside a histogram (bucket, sum, count). */
function familyOf(name: string): { family: MetricName; part: number } | null {
  if (name in METRIC_FAMILIES) return { family: name as MetricName, part: 0 };
  for (const [index, suffix] of SUFFIXES.entries()) {
    const base = name.slice(0, -suffix.length);
    if (name.endsWith(suffix) && METRIC_FAMILIES[base as MetricName]?.type === "histogram") return { family: base as MetricName, part: index };
  }
  return null;
}

const formatValue = (value: number) => (Number.isFinite(value) ? String(value) : value > 0 ? "+Inf" : value < 0 ? "-Inf" : "NaN");

/** One group's sample lines, by family (histogram samples in exposition order). */
export type RenderedGroup = Map<MetricName, string[]>;

/**
 * One group's samples as exposition lines, by family: a histogram's samples
 * per label set together, buckets in order of `le`, then sum and count.
 * Series of unknown families are left out (a newer actor's numbers read by an
 * older Worker). Rendered once per report, not once per scrape.
 */
export function renderGroup(group: SeriesGroup): RenderedGroup {
  const owner = labelText(group.labels);
  const byFamily = new Map<MetricName, { set: string; part: number; bound: number; line: string }[]>();
  for (const [key, value] of Object.entries(group.series)) {
    const brace = key.indexOf("{");
    const name = brace === -1 ? key : key.slice(0, brace);
    const own = brace === -1 ? "" : key.slice(brace + 1, -1);
    const found = familyOf(name);
    if (!found) continue;
    const labels = [owner, own].filter(Boolean).join(",");
    const line = `${name}${labels ? `{${labels}}` : ""} ${formatValue(value)}`;
    let entry = { set: "", part: 0, bound: 0, line };
    if (METRIC_FAMILIES[found.family].type === "histogram") {
      const le = /(?:^|,)le="([^"]*)"/.exec(own)?.[1];
      entry = { set: own.replace(/(?:^|,)le="[^"]*"/, ""), part: found.part, bound: le === undefined ? 0 : le === "+Inf" ? Infinity : Number(le), line };
    }
    let lines = byFamily.get(found.family);
    if (!lines) byFamily.set(found.family, (lines = []));
    lines.push(entry);
  }
  const rendered: RenderedGroup = new Map();
  for (const [family, lines] of byFamily) {
    if (METRIC_FAMILIES[family].type === "histogram") lines.sort((a, b) => (a.set < b.set ? -1 : a.set > b.set ? 1 : a.part - b.part || a.bound - b.bound));
    rendered.set(family, lines.map((entry) => entry.line));
  }
  return rendered;
}

/** The text exposition of rendered groups: one HELP and TYPE per family, each family's samples together. */
export function assembleExposition(groups: Iterable<RenderedGroup>): string {
  const all = [...groups];
  const out: string[] = [];
  for (const [family, meta] of Object.entries(METRIC_FAMILIES) as [MetricName, { type: Kind; help: string }][]) {
    let headed = false;
    for (const group of all) {
      const lines = group.get(family);
      if (!lines || lines.length === 0) continue;
      if (!headed) out.push(`# HELP ${family} ${meta.help}`, `# TYPE ${family} ${meta.type}`);
      headed = true;
      for (const line of lines) out.push(line);
    }
  }
  return out.length === 0 ? "" : `${out.join("\n")}\n`;
}

/** The text exposition of every group. */
export const renderExposition = (groups: readonly SeriesGroup[]): string => assembleExposition(groups.map(renderGroup));

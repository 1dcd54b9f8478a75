import { metricsActor } from "../../core/actors.ts";
import type { AppEventName } from "../../core/events.ts";
import { describeError, log } from "../../core/log.ts";
import { addHistogram, DELIVERY_LATENCY_BUCKETS, histogramTally, increment, seriesKey, tallyObservation, type HistogramTally, type Series } from "../../core/metrics.ts";
import type { AppHost } from "./host.ts";
import { liveNumbers, type LiveNumbers } from "./live-numbers.ts";

/** A burst of changes (a webhook storm, a room filling up) is reported once, this long after its first change. */
export const REPORT_DELAY_MS = 1_000;
/** A report the Metrics actor did not take is tried again after this (its counts are kept meanwhile). */
const RETRY_MS = 30_000;

/** What happened to one webhook attempt, as /metrics counts it (the original's results). */
export type CallbackResult = "delivered" | "failed" | "dropped";

/** The app's live numbers as gauge series (owner labels app and tenant are the Metrics actor's). */
export function gaugeSeries(numbers: LiveNumbers): Series {
  const series: Series = {
    streamhub_active_streams: numbers.activeStreams,
    streamhub_viewers: numbers.viewers,
    streamhub_publishers: numbers.publishers,
    streamhub_active_recordings: numbers.activeRecordings,
    streamhub_active_hls: numbers.activeHls,
    streamhub_ingresses: numbers.ingresses,
    streamhub_storage_vod_bytes: numbers.vodBytes,
    streamhub_storage_vod_count: numbers.vods.ready,
    streamhub_webhook_outbox_depth: numbers.outboxDepth,
  };
  for (const [status, count] of Object.entries(numbers.vods)) series[seriesKey("streamhub_vods", { status })] = count;
  return series;
}

/** The live numbers back from gauge series (summed over apps by the Metrics actor): `gaugeSeries` read in reverse. */
export function numbersFromGauges(series: Series): LiveNumbers {
  const of = (key: string) => series[key] ?? 0;
  const vods = { recording: 0, uploading: 0, ready: 0, failed: 0 };
  for (const status of Object.keys(vods) as (keyof typeof vods)[]) vods[status] = of(seriesKey("streamhub_vods", { status }));
  return {
    activeStreams: of("streamhub_active_streams"),
    viewers: of("streamhub_viewers"),
    publishers: of("streamhub_publishers"),
    activeRecordings: of("streamhub_active_recordings"),
    activeHls: of("streamhub_active_hls"),
    ingresses: of("streamhub_ingresses"),
    vodBytes: of("streamhub_storage_vod_bytes"),
    vods,
    outboxDepth: of("streamhub_webhook_outbox_depth"),
  };
}

/**
 * The app's part of /metrics. A scrape never asks app actors: each one
 * reports its live numbers (gauges) and what it counted since its last report
 * (counter increments) to the one Metrics actor, shortly after something
 * changed, and on its alarm while anything is live (sent then only if the
 * numbers differ from the last report). Counts not yet taken are
 * kept in memory and go with the next report; an actor that dies first loses
 * them, as any process's Prometheus counters are lost when it dies.
 */
export class AppMetrics {
  readonly #host: Pick<AppHost, "db" | "env" | "identity">;
  /** Counter increments not yet taken by the Metrics actor. */
  #unreported: Series = {};
  /**
   * Webhook attempts since the last report, as plain numbers (event → result → count) and
   * one latency tally: a delivery is counted without building any of the thirteen series
   * keys it adds up to, which are built once per report instead (a burst delivers
   * thousands a second).
   */
  #attempts = new Map<string, Map<CallbackResult, number>>();
  #latency = histogramTally(DELIVERY_LATENCY_BUCKETS);
  #timer: ReturnType<typeof setTimeout> | null = null;
  #reporting: Promise<void> | null = null;
  /** The gauges the Metrics actor last took (null: none yet from this instance): the same again with no counts is not sent. */
  #lastReported: string | null = null;

  constructor(host: Pick<AppHost, "db" | "env" | "identity">) {
    this.#host = host;
  }

  /** An app event was recorded (event-log.ts): counted where /metrics counts it, and a report is due. */
  event(type: AppEventName, data: unknown): void {
    if (type === "stream_started" || type === "stream_ended") increment(this.#unreported, "streamhub_stream_events_total", { event: type });
    else if (type === "recording_started") increment(this.#unreported, "streamhub_recordings_started_total");
    else if (type === "recording_failed") increment(this.#unreported, "streamhub_recording_failures_total");
    else if (type === "quota.exceeded" && (data as { denied?: boolean }).denied) {
      increment(this.#unreported, "streamhub_quota_denials_total", { metric: String((data as { metric?: unknown }).metric) });
    }
    this.changed();
  }

  /** One outbound webhook attempt; `latencyS`, from fan-out to acknowledgement, when it was delivered. */
  attempt(event: string, result: CallbackResult, latencyS: number | null): void {
    let byResult = this.#attempts.get(event);
    if (!byResult) this.#attempts.set(event, (byResult = new Map()));
    byResult.set(result, (byResult.get(result) ?? 0) + 1);
    if (latencyS !== null) tallyObservation(this.#latency, latencyS);
    this.changed();
  }

  /** Something the live numbers show may have changed: a report goes soon (one per burst). */
  changed(delayMs = REPORT_DELAY_MS): void {
    if (this.#timer !== null) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.report();
    }, delayMs);
  }

  /** Reports now: the live numbers and every count not yet taken. */
  async report(): Promise<void> {
    // One report at a time; a change meanwhile is picked up by the timer it set.
    if (this.#reporting) return this.#reporting;
    this.#reporting = (async () => {
      // Counters without labels start at 0, so that a rate over them exists before the first event.
      const counts: Series = { streamhub_recordings_started_total: 0, streamhub_recording_failures_total: 0, ...this.#unreported };
      this.#unreported = {};
      this.#takeAttempts(counts);
      try {
        const identity = await this.#host.identity();
        const gauges = gaugeSeries(await liveNumbers(this.#host.db));
        const reported = `${identity.name}\u0000${identity.tenantId}\u0000${JSON.stringify(gauges)}`;
        // The minute's check while live changes nothing most of the time: no write in the Metrics actor then.
        if (reported === this.#lastReported && Object.values(counts).every((value) => value === 0)) return;
        await metricsActor(this.#host.env).report(identity.name, identity.tenantId, gauges, counts);
        this.#lastReported = reported;
      } catch (error) {
        // Kept for the next report: the Metrics actor may be restarting.
        for (const [key, value] of Object.entries(counts)) this.#unreported[key] = (this.#unreported[key] ?? 0) + value;
        log("warn", "could not report the app's numbers to the metrics actor; trying again", describeError(error));
        this.changed(RETRY_MS);
      } finally {
        this.#reporting = null;
      }
    })();
    return this.#reporting;
  }

  /** The attempts tallied since the last report, added to `counts` as series (and emptied). */
  #takeAttempts(counts: Series): void {
    for (const [event, byResult] of this.#attempts) {
      for (const [result, n] of byResult) increment(counts, "streamhub_callbacks_total", { event, result }, n);
    }
    if (this.#latency.count > 0) addHistogram(counts, "streamhub_webhook_delivery_latency_seconds", {}, this.#latency);
    this.#attempts = new Map();
    this.#latency = histogramTally(DELIVERY_LATENCY_BUCKETS);
  }

  /** The app is gone: its series leave /metrics. */
  async forget(app: string): Promise<void> {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#unreported = {};
    this.#attempts = new Map();
    this.#latency = histogramTally(DELIVERY_LATENCY_BUCKETS);
    this.#lastReported = null;
    try {
      await metricsActor(this.#host.env).forget(app);
    } catch (error) {
      log("error", "could not remove a deleted app's series from /metrics", { app, ...describeError(error) });
    }
  }
}

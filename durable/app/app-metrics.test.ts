import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { metricsActor } from "../../core/actors.ts";
import { withHost } from "./testing.ts";

describe("AppMetrics: what an app reports to /metrics", () => {
  it("counts stream events, recordings, quota denials and webhook attempts, and reports them with the live numbers", async () => {
    const { labels, text } = await withHost(async (host) => {
      const stream = { streamId: "r/host", room: "r", type: "webrtc", participant: "host", ingressId: null };
      host.metrics.event("stream_started", stream);
      host.metrics.event("stream_ended", { ...stream, reason: "left" });
      host.metrics.event("recording_failed", {});
      host.metrics.event("quota.exceeded", { tenantId: "t", metric: "maxConcurrentStreams", limit: 1, used: 1, denied: true });
      // Let through over the limit (log mode): not a denial.
      host.metrics.event("quota.exceeded", { tenantId: "t", metric: "maxStorageGb", limit: 1, used: 2, denied: false });
      host.metrics.event("participant_joined", {});
      host.metrics.attempt("stream_started", "delivered", 0.3);
      host.metrics.attempt("stream_ended", "failed", null);
      host.metrics.attempt("stream_ended", "dropped", null);
      await host.metrics.report();
      const identity = await host.identity();
      return { labels: `app="${identity.name}",tenant="${identity.tenantId}"`, text: await metricsActor(env).exposition() };
    });
    const lines = text.split("\n");
    for (const line of [
      `streamhub_stream_events_total{${labels},event="stream_started"} 1`,
      `streamhub_stream_events_total{${labels},event="stream_ended"} 1`,
      `streamhub_recordings_started_total{${labels}} 0`,
      `streamhub_recording_failures_total{${labels}} 1`,
      `streamhub_quota_denials_total{${labels},metric="maxConcurrentStreams"} 1`,
      `streamhub_callbacks_total{${labels},event="stream_started",result="delivered"} 1`,
      `streamhub_callbacks_total{${labels},event="stream_ended",result="failed"} 1`,
      `streamhub_callbacks_total{${labels},event="stream_ended",result="dropped"} 1`,
      `streamhub_webhook_delivery_latency_seconds_bucket{${labels},le="0.5"} 1`,
      `streamhub_webhook_delivery_latency_seconds_bucket{${labels},le="0.1"} 0`,
      `streamhub_webhook_delivery_latency_seconds_count{${labels}} 1`,
      `streamhub_active_streams{${labels}} 0`,
      `streamhub_vods{${labels},status="ready"} 0`,
    ]) {
      expect(lines).toContain(line);
    }
    expect(text).not.toContain('metric="maxStorageGb"');
    expect(text).not.toMatch(/event="participant_joined"/);
  });
});

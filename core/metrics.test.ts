import { describe, expect, it } from "vitest";
import { HTTP_DURATION_BUCKETS, addHistogram, addSeries, histogramTally, increment, renderExposition, seriesKey, tallyObservation, type Series } from "./metrics.ts";

/** One observation of a histogram, as a tally of one. */
function observe(series: Series, name: "streamhub_http_request_duration_seconds", labels: Record<string, string>, value: number, buckets: readonly number[]): void {
  const tally = histogramTally(buckets);
  tallyObservation(tally, value);
  addHistogram(series, name, labels, tally);
}

describe("the Prometheus exposition", () => {
  it("writes one HELP and TYPE per family, its samples together, owner labels first", () => {
    const text = renderExposition([
      { labels: { app: "a", tenant: "t" }, series: { streamhub_active_streams: 1, streamhub_viewers: 2 } },
      { labels: { app: "b", tenant: "t" }, series: { streamhub_viewers: 3, streamhub_active_streams: 0 } },
    ]);
    const lines = text.split("\n");
    expect(lines.filter((line) => line.startsWith("# TYPE"))).toEqual(["# TYPE streamhub_active_streams gauge", "# TYPE streamhub_viewers gauge"]);
    expect(lines.indexOf('streamhub_viewers{app="b",tenant="t"} 3') - lines.indexOf('streamhub_viewers{app="a",tenant="t"} 2')).toBe(1);
  });

  it("escapes label values: backslash, quote and newline", () => {
    const text = renderExposition([{ labels: { app: 'a"b\\c\nd', tenant: "t" }, series: { streamhub_viewers: 1 } }]);
    expect(text).toContain('streamhub_viewers{app="a\\"b\\\\c\\nd",tenant="t"} 1');
  });

  it("keeps a histogram's buckets cumulative and in order of le, then sum and count, per label set", () => {
    const series: Series = {};
    observe(series, "streamhub_http_request_duration_seconds", { method: "GET", route: "/b" }, 0.3, HTTP_DURATION_BUCKETS);
    observe(series, "streamhub_http_request_duration_seconds", { method: "GET", route: "/a" }, 0.007, HTTP_DURATION_BUCKETS);
    observe(series, "streamhub_http_request_duration_seconds", { method: "GET", route: "/a" }, 20, HTTP_DURATION_BUCKETS);
    const lines = renderExposition([{ labels: {}, series }]).split("\n").filter((line) => line.includes('route="/a"'));
    expect(lines.slice(0, 3)).toEqual([
      'streamhub_http_request_duration_seconds_bucket{method="GET",route="/a",le="0.005"} 0',
      'streamhub_http_request_duration_seconds_bucket{method="GET",route="/a",le="0.01"} 1',
      'streamhub_http_request_duration_seconds_bucket{method="GET",route="/a",le="0.025"} 1',
    ]);
    expect(lines.slice(-3)).toEqual([
      'streamhub_http_request_duration_seconds_bucket{method="GET",route="/a",le="+Inf"} 2',
      'streamhub_http_request_duration_seconds_sum{method="GET",route="/a"} 20.007',
      'streamhub_http_request_duration_seconds_count{method="GET",route="/a"} 2',
    ]);
  });

  it("adds counts, and leaves out series of families it does not know", () => {
    const total: Series = {};
    increment(total, "streamhub_callbacks_total", { event: "e", result: "delivered" });
    addSeries(total, { [seriesKey("streamhub_callbacks_total", { event: "e", result: "delivered" })]: 2, streamhub_not_a_metric: 5 });
    const text = renderExposition([{ labels: {}, series: total }]);
    expect(text).toContain('streamhub_callbacks_total{event="e",result="delivered"} 3');
    expect(text).not.toContain("streamhub_not_a_metric");
  });

  it("a tally of observations adds the same series as observing each one", () => {
    const values = [0.001, 0.005, 0.02, 0.3, 7, 42];
    const observed: Series = {};
    for (const value of values) observe(observed, "streamhub_http_request_duration_seconds", { method: "GET", route: "/a" }, value, HTTP_DURATION_BUCKETS);
    const tally = histogramTally(HTTP_DURATION_BUCKETS);
    for (const value of values) tallyObservation(tally, value);
    const tallied: Series = {};
    addHistogram(tallied, "streamhub_http_request_duration_seconds", { method: "GET", route: "/a" }, tally);
    expect(tallied).toEqual(observed);
    expect(tallied[seriesKey("streamhub_http_request_duration_seconds_bucket", { method: "GET", route: "/a", le: "0.005" })]).toBe(2);
    expect(tallied[seriesKey("streamhub_http_request_duration_seconds_bucket", { method: "GET", route: "/a", le: "+Inf" })]).toBe(6);
  });
});

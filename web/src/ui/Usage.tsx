import type { Schemas } from "../api/client.ts";

/** Each metric of a tenant's usage, the quota that bounds it, and what to call it. */
export const USAGE_ROWS: [keyof Schemas["UsageReport"]["usage"], keyof Schemas["Quotas"], string][] = [
  ["apps", "maxApps", "Apps"],
  ["concurrentStreams", "maxConcurrentStreams", "Streams live at once"],
  ["recordingMinutesMonth", "maxRecordingMinutesMonth", "Recording minutes this month"],
  ["egressGbMonth", "maxEgressGbMonth", "Egress GB this month"],
  ["storageGb", "maxStorageGb", "Storage GB"],
];

/** A quota as people read it: -1 is no limit. */
export const limitText = (limit: number) => (limit < 0 ? "unlimited" : limit.toLocaleString("en"));

/** Usage as people read it: whole counts as they are, gigabytes to two places (a few kilobytes are not "0.000099"). */
export const usedText = (used: number) => (Number.isInteger(used) ? used.toLocaleString("en") : used > 0 && used < 0.01 ? "under 0.01" : used.toFixed(2));

/** Used against the limit, e.g. "2 of 3"; marked when the limit is reached (the next one is refused). */
export function UsedOf({ report, metric }: { report: Schemas["UsageReport"]; metric: (typeof USAGE_ROWS)[number] }) {
  const [used, limit] = metric;
  const exceeded = report.exceeded[limit];
  return (
    <span className={exceeded ? "bad" : undefined}>
      {usedText(report.usage[used])} of {limitText(report.quotas[limit])}
      {exceeded ? " (used up)" : ""}
    </span>
  );
}

/**
 * Sends a quality-of-experience report to StreamHub
 * (`POST /api/v1/apps/{app}/qoe`) so that it survives the page closing: a
 * beacon, as text/plain — what a beacon may carry to another origin without a
 * CORS preflight — or, where beacons are missing or refused, a keepalive fetch.
 */
export function sendReport(url: string, report: Record<string, unknown>): void {
  const body = JSON.stringify(report);
  if (navigator.sendBeacon?.(url, new Blob([body], { type: "text/plain" }))) return;
  void fetch(url, { method: "POST", body, keepalive: true, credentials: "omit" }).catch(() => undefined);
}

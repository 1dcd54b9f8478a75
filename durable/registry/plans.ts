// Quota plans: the limits a tenant gets unless its own overrides say otherwise.
// -1 means unlimited. The platform tenant (the operator's own) is effectively unlimited.

export const QUOTA_METRICS = ["maxApps", "maxConcurrentStreams", "maxRecordingMinutesMonth", "maxEgressGbMonth", "maxStorageGb"] as const;
export type QuotaMetric = (typeof QUOTA_METRICS)[number];
export type Quotas = Record<QuotaMetric, number>;

export const PLANS = {
  free: { maxApps: 2, maxConcurrentStreams: 2, maxRecordingMinutesMonth: 300, maxEgressGbMonth: 5, maxStorageGb: 5 },
  pro: { maxApps: 20, maxConcurrentStreams: 20, maxRecordingMinutesMonth: 6_000, maxEgressGbMonth: 500, maxStorageGb: 500 },
  business: { maxApps: 100, maxConcurrentStreams: 200, maxRecordingMinutesMonth: 60_000, maxEgressGbMonth: 5_000, maxStorageGb: 5_000 },
  platform: { maxApps: 100_000, maxConcurrentStreams: 100_000, maxRecordingMinutesMonth: 100_000, maxEgressGbMonth: 100_000, maxStorageGb: 100_000 },
} as const satisfies Record<string, Quotas>;

export type PlanName = keyof typeof PLANS;
export const PLAN_NAMES = Object.keys(PLANS) as PlanName[];
export const DEFAULT_PLAN: PlanName = "free";

/** The effective limits: the plan's, with each non-null override applied. */
export const effectiveQuotas = (plan: PlanName, overrides: Partial<Record<QuotaMetric, number | null>>): Quotas => {
  const quotas: Quotas = { ...PLANS[plan] };
  for (const metric of QUOTA_METRICS) {
    const value = overrides[metric];
    if (value !== null && value !== undefined) quotas[metric] = value;
  }
  return quotas;
};

import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "./client.ts";

// Query keys and fetchers shared by the screens, so a change made on one screen
// invalidates what the others show.
export const keys = {
  health: ["health"] as const,
  apps: ["apps"] as const,
  app: (name: string) => ["apps", name] as const,
  streams: (name: string) => ["apps", name, "streams"] as const,
  sessions: ["sessions"] as const,
  stats: ["stats"] as const,
  appStats: (name: string) => ["apps", name, "stats"] as const,
};

export const useHealth = () => useQuery({ queryKey: keys.health, queryFn: () => unwrap(api.GET("/api/v1/health")), refetchInterval: 30_000 });

/** What is live now over every app the caller sees (the node's, or the tenant's), from the figures the apps report. */
export const useStats = () => useQuery({ queryKey: keys.stats, queryFn: () => unwrap(api.GET("/api/v1/stats")), refetchInterval: 10_000 });

/** What is live now in one app, read from its own database. */
export const useAppStats = (app: string) =>
  useQuery({ queryKey: keys.appStats(app), queryFn: () => unwrap(api.GET("/api/v1/apps/{app}/stats", { params: { path: { app } } })), refetchInterval: 10_000 });

/** Every app the caller sees (pages of 100). */
export const useApps = () =>
  useQuery({
    queryKey: keys.apps,
    queryFn: async () => {
      const apps = [];
      for (let offset = 0; ; offset += 100) {
        const { data, response, error } = await api.GET("/api/v1/apps", { params: { query: { limit: 100, offset } } });
        if (!response.ok || !data) return unwrap(Promise.resolve({ data, error, response }));
        apps.push(...data.data);
        if (apps.length >= data.total || data.data.length === 0) return apps;
      }
    },
  });

import { useQuery } from "@tanstack/react-query";
import { type FormEvent } from "react";
import { useSearchParams } from "react-router";
import { api, unwrap } from "../api/client.ts";
import { useMe } from "../auth/me.ts";
import { can } from "../auth/permissions.ts";
import { AuditTable } from "../ui/AuditTable.tsx";
import { ErrorNote } from "../ui/ErrorNote.tsx";
import { LogTable } from "../ui/LogTable.tsx";

const LEVELS = ["debug", "info", "warn", "error"] as const;
type Level = (typeof LEVELS)[number];

/** Server logs and the audit log, filtered; the filters live in the URL, so a view can be linked and reloaded. */
export function LogsScreen() {
  const me = useMe().data;
  const [params, setParams] = useSearchParams();
  const filters = { app: params.get("app") ?? "", level: (params.get("level") ?? "") as Level | "", q: params.get("q") ?? "" };
  const logs = useQuery({
    queryKey: ["logs", filters],
    queryFn: () =>
      unwrap(
        api.GET("/api/v1/logs", {
          params: { query: { limit: 100, ...(filters.app ? { app: filters.app } : {}), ...(filters.level ? { level: filters.level } : {}), ...(filters.q ? { q: filters.q } : {}) } },
        }),
      ),
    enabled: can(me, "log:read"),
  });
  const audit = useQuery({
    queryKey: ["audit", filters.app],
    queryFn: () => unwrap(api.GET("/api/v1/audit", { params: { query: { limit: 100, ...(filters.app ? { app: filters.app } : {}) } } })),
    enabled: can(me, "audit:read"),
  });

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const next = new URLSearchParams();
    for (const name of ["app", "level", "q"]) {
      const value = String(form.get(name) ?? "").trim();
      if (value) next.set(name, value);
    }
    setParams(next);
  };

  return (
    <>
      <h1>Logs and audit</h1>
      <form onSubmit={submit} className="row" aria-label="Filters">
        <label>
          App
          <input name="app" defaultValue={filters.app} />
        </label>
        <label>
          Level
          <select name="level" defaultValue={filters.level}>
            <option value="">any</option>
            {LEVELS.map((level) => <option key={level}>{level}</option>)}
          </select>
        </label>
        <label>
          Text
          <input name="q" defaultValue={filters.q} />
        </label>
        <button type="submit">Filter</button>
      </form>

      {can(me, "log:read") ? (
        <section aria-labelledby="logs-heading">
          <h2 id="logs-heading">Server logs</h2>
          {logs.isError ? <ErrorNote error={logs.error} /> : null}
          {logs.data?.length === 0 ? <p className="empty">No log lines match.</p> : null}
          {logs.data && logs.data.length > 0 ? <LogTable lines={logs.data} /> : null}
        </section>
      ) : null}

      {can(me, "audit:read") ? (
        <section aria-labelledby="global-audit-heading">
          <h2 id="global-audit-heading">Audit log</h2>
          {audit.isError ? <ErrorNote error={audit.error} /> : null}
          {audit.data?.length === 0 ? <p className="empty">Nothing recorded yet.</p> : null}
          {audit.data && audit.data.length > 0 ? <AuditTable entries={audit.data} showApp /> : null}
        </section>
      ) : null}
    </>
  );
}

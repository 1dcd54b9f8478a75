import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../api/client.ts";
import { useMe } from "../../auth/me.ts";
import { can } from "../../auth/permissions.ts";
import { AuditTable } from "../../ui/AuditTable.tsx";
import { ErrorNote } from "../../ui/ErrorNote.tsx";

/** Who changed what in the app: its audit log, newest first (owners). */
export function Audit({ app }: { app: string }) {
  const me = useMe().data;
  const audit = useQuery({ queryKey: ["apps", app, "audit"], queryFn: () => unwrap(api.GET("/api/v1/apps/{app}/audit", { params: { path: { app }, query: { limit: 50 } } })), enabled: can(me, "audit:read") });
  if (!can(me, "audit:read")) return null;
  return (
    <section aria-labelledby="audit-heading">
      <h2 id="audit-heading">Audit log</h2>
      {audit.isError ? <ErrorNote error={audit.error} /> : null}
      {audit.data?.length === 0 ? <p className="empty">Nothing recorded yet.</p> : null}
      {audit.data && audit.data.length > 0 ? <AuditTable entries={audit.data} /> : null}
    </section>
  );
}

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api, unwrap } from "../../api/client.ts";
import { useMe } from "../../auth/me.ts";
import { can } from "../../auth/permissions.ts";
import { ErrorNote } from "../../ui/ErrorNote.tsx";

/** The app's public sample pages: open, edit one (sample:write), put the defaults back. */
export function Samples({ app }: { app: string }) {
  const me = useMe().data;
  const queries = useQueryClient();
  const key = ["apps", app, "samples"] as const;
  const samples = useQuery({ queryKey: key, queryFn: () => unwrap(api.GET("/api/v1/apps/{app}/samples", { params: { path: { app } } })) });
  const [editing, setEditing] = useState<string | null>(null);
  const file = useQuery({
    queryKey: [...key, editing],
    queryFn: () => unwrap(api.GET("/api/v1/apps/{app}/samples/{file}", { params: { path: { app, file: editing! } } })),
    enabled: editing !== null,
  });
  const [draft, setDraft] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: (content: string) => unwrap(api.PUT("/api/v1/apps/{app}/samples/{file}", { params: { path: { app, file: editing! } }, body: { content } })),
    onSuccess: () => queries.invalidateQueries({ queryKey: key }),
  });
  const regenerate = useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/apps/{app}/samples/regenerate", { params: { path: { app } } })),
    onSuccess: () => queries.invalidateQueries({ queryKey: key }),
  });
  const writable = can(me, "sample:write");
  return (
    <section aria-labelledby="samples-heading">
      <h2 id="samples-heading">Sample pages</h2>
      <p className="hint">Public pages to try the app: publish needs a publisher token (mint one above); play works while public playback is on.</p>
      {samples.isError ? <ErrorNote error={samples.error} /> : null}
      <ul className="links">
        {samples.data?.map((sample) => (
          <li key={sample.name}>
            <a href={sample.name === "play.html" ? `${sample.embedUrl}?room=lobby` : sample.embedUrl}>{sample.name}</a>
            {sample.generated ? null : <span className="hint"> (added by the app)</span>}
            {writable ? (
              <>
                {" "}
                <button type="button" className="link" onClick={() => { setEditing(sample.name); setDraft(null); save.reset(); }} aria-label={`Edit ${sample.name}`}>Edit</button>
              </>
            ) : null}
          </li>
        ))}
      </ul>
      {writable ? <button type="button" onClick={() => regenerate.mutate()} disabled={regenerate.isPending}>Put the default pages back</button> : null}
      {regenerate.isError ? <ErrorNote error={regenerate.error} what="Not regenerated" /> : null}
      {regenerate.isSuccess ? <p role="status" className="good">Default pages restored.</p> : null}
      {editing && file.data ? (
        <div className="result">
          <label>
            {editing}
            <textarea rows={12} value={draft ?? file.data.content} onChange={(e) => setDraft(e.target.value)} />
          </label>
          <div className="row">
            <button type="button" onClick={() => save.mutate(draft ?? file.data.content)} disabled={save.isPending}>Save {editing}</button>
            <button type="button" onClick={() => setEditing(null)}>Close</button>
          </div>
          {save.isError ? <ErrorNote error={save.error} what="Not saved" /> : null}
          {save.isSuccess ? <p role="status" className="good">Saved.</p> : null}
        </div>
      ) : null}
    </section>
  );
}

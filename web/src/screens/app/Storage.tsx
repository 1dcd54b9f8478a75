import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { ApiFailure, api, unwrap, type Schemas } from "../../api/client.ts";
import { useMe } from "../../auth/me.ts";
import { can } from "../../auth/permissions.ts";
import { ErrorNote } from "../../ui/ErrorNote.tsx";

/** What each of the probe's named failures means for the person filling the form. */
const PROBE_HINTS: Record<string, string> = {
  s3_unreachable: "The endpoint did not answer: check the URL (scheme and port) and that this node can reach it.",
  s3_invalid_key: "The provider does not know this access key.",
  s3_invalid_secret: "The secret does not match the access key.",
  s3_bucket_not_found: "There is no bucket of this name at this endpoint and region.",
  s3_access_denied: "The key may not write, read and delete objects under this prefix.",
  s3_wrong_region: "The bucket lives in another region.",
};

const PROVIDERS: Schemas["PutS3"]["provider"][] = ["aws", "minio", "r2", "wasabi", "other"];

/** The app's own bucket: where it is, or how to set one; the form probes it before anything is saved. */
export function Storage({ app }: { app: string }) {
  const me = useMe().data;
  const queries = useQueryClient();
  const key = ["apps", app, "s3"] as const;
  const s3 = useQuery({ queryKey: key, queryFn: () => unwrap(api.GET("/api/v1/apps/{app}/s3", { params: { path: { app } } })) });
  const [editing, setEditing] = useState(false);
  const save = useMutation({
    mutationFn: (body: Schemas["PutS3"]) => unwrap(api.PUT("/api/v1/apps/{app}/s3", { params: { path: { app } }, body })),
    onSuccess: (saved) => {
      queries.setQueryData(key, saved);
      setEditing(false);
    },
  });
  const writable = can(me, "s3:write");
  const current = s3.data;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? "").trim();
    const body: Schemas["PutS3"] = { provider: text("provider") as Schemas["PutS3"]["provider"], bucket: text("bucket"), region: text("region"), prefix: text("prefix"), endpoint: text("endpoint") || null };
    if (text("key")) body.key = text("key");
    if (text("secret")) body.secret = text("secret");
    save.mutate(body);
  };
  const failure = save.error instanceof ApiFailure ? save.error : null;

  return (
    <section aria-labelledby="s3-heading">
      <h2 id="s3-heading">Recording storage</h2>
      {s3.isError ? <ErrorNote error={s3.error} /> : null}
      {current && !current.configured && !editing ? (
        <p className="empty">
          No bucket yet: recordings, VODs and live HLS are written to the app's own S3 bucket.{" "}
          {writable ? "Set one below; StreamHub writes, reads and deletes a probe object first and names what is wrong." : "An owner or editor of the app can set one."}
        </p>
      ) : null}
      {current?.configured && !editing ? (
        <p>
          {current.provider} bucket <code>{current.bucket}</code>
          {current.prefix ? <> under <code>{current.prefix}</code></> : null} at {current.endpoint ?? "the provider's endpoint"} ({current.region}), key {current.keyMasked}.
        </p>
      ) : null}
      {writable && !editing ? (
        <button type="button" onClick={() => setEditing(true)}>{current?.configured ? "Change bucket" : "Set bucket"}</button>
      ) : null}
      {writable && editing ? (
        <form onSubmit={submit} aria-describedby="s3-help">
          <p id="s3-help" className="hint">Leave the key and secret empty to keep the stored ones. Nothing is saved unless the probe succeeds.</p>
          <div className="row">
            <label>
              Provider
              <select name="provider" defaultValue={current?.provider ?? "aws"}>
                {PROVIDERS.map((provider) => <option key={provider}>{provider}</option>)}
              </select>
            </label>
            <label>
              Endpoint (not for AWS)
              <input name="endpoint" type="url" defaultValue={current?.endpoint ?? ""} />
            </label>
            <label>
              Region
              <input name="region" required defaultValue={current?.region ?? "us-east-1"} />
            </label>
          </div>
          <div className="row">
            <label>
              Bucket
              <input name="bucket" required defaultValue={current?.bucket ?? ""} />
            </label>
            <label>
              Prefix
              <input name="prefix" defaultValue={current?.prefix ?? app} />
            </label>
            <label>
              Access key
              <input name="key" autoComplete="off" />
            </label>
            <label>
              Secret
              <input name="secret" type="password" autoComplete="new-password" />
            </label>
          </div>
          <div className="row">
            <button type="submit" disabled={save.isPending}>{save.isPending ? "Probing…" : "Probe and save"}</button>
            <button type="button" onClick={() => setEditing(false)}>Cancel</button>
          </div>
          {save.isError ? (
            <div className="error" role="alert">
              <strong>Not saved: </strong>
              {failure ? failure.message : String(save.error)}
              {failure ? <span className="code"> ({failure.code})</span> : null}
              {failure && PROBE_HINTS[failure.code] ? <p>{PROBE_HINTS[failure.code]}</p> : null}
            </div>
          ) : null}
        </form>
      ) : null}
    </section>
  );
}

import { ApiFailure } from "../api/client.ts";

/** An API failure said so that it teaches: the message the server wrote (it names limits and usage), and the code. */
export function ErrorNote({ error, what }: { error: unknown; what?: string }) {
  const failure = error instanceof ApiFailure ? error : null;
  return (
    <div className="error" role="alert">
      {what ? <strong>{what}: </strong> : null}
      {failure ? failure.message : String(error instanceof Error ? error.message : error)}
      {failure ? <span className="code"> ({failure.code})</span> : null}
      {failure?.code === "quota_exceeded" ? <p>Ask the platform's operator to raise the tenant's quota, or free a slot first.</p> : null}
    </div>
  );
}

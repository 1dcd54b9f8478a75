import { ApiFailure } from "../api/client.ts";

/** What to do about the failures a person can fix from here. */
const HINTS: Record<string, string> = {
  quota_exceeded: "Ask the platform's operator to raise the tenant's quota, or free a slot first.",
  s3_not_configured: "Set the app's bucket under Recording storage on the app's page first.",
  livekit_unavailable: "LiveKit does not answer: see the overview.",
  stream_not_found: "Check the room and the publisher's identity: a stream is one publisher in one room, and its reports are kept 90 days.",
};

/** An API failure said so that it teaches: the message the server wrote (it names limits and usage), and the code. */
export function ErrorNote({ error, what }: { error: unknown; what?: string }) {
  const failure = error instanceof ApiFailure ? error : null;
  return (
    <div className="error" role="alert">
      {what ? <strong>{what}: </strong> : null}
      {failure ? failure.message : String(error instanceof Error ? error.message : error)}
      {failure ? <span className="code"> ({failure.code})</span> : null}
      {failure && HINTS[failure.code] ? <p>{HINTS[failure.code]}</p> : null}
    </div>
  );
}

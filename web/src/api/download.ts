import { ApiFailure } from "./client.ts";

/**
 * Saves a response body as a file. The API wants the session's bearer token in
 * a header, which a plain link cannot send: the dashboard fetches the file
 * (through the typed client, `parseAs: "blob"`) and hands the browser an
 * object URL to save, named as the server's Content-Disposition names it.
 */
export async function saveDownload(call: Promise<{ data?: Blob; error?: unknown; response: Response }>, fallbackName: string): Promise<void> {
  const { data, error, response } = await call;
  if (!response.ok || !data) {
    const envelope = (error as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw new ApiFailure(response.status, envelope?.code ?? `http_${response.status}`, envelope?.message ?? response.statusText);
  }
  const named = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") ?? "")?.[1];
  const url = URL.createObjectURL(data);
  const link = document.createElement("a");
  link.href = url;
  link.download = named ?? fallbackName;
  document.body.append(link);
  link.click();
  link.remove();
  // After the click has handed the blob to the download.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

// A real S3-compatible server on loopback for tests: s3rver, behind a front
// that verifies every request's AWS Signature V4 — header-signed or presigned
// — by recomputing it with the AWS SDK's own signer (@smithy/signature-v4).
// s3rver itself accepts any signature, so without this front a wrongly signed
// request from StreamHub would pass unnoticed.
import { Sha256 } from "@aws-crypto/sha256-js";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
// @ts-expect-error s3rver ships no types; only its constructor, run() and close() are used.
import S3rver from "s3rver";

export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface VerifyingS3 {
  /** The front's URL: what StreamHub is given as the S3 endpoint. */
  url: string;
  credentials: S3Credentials;
  region: string;
  /** Every request the front saw, with its verdict. */
  seen: { method: string; path: string; verdict: "ok" | string }[];
  close(): Promise<void>;
}

const amzDate = (value: string) => new Date(value.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, "$1-$2-$3T$4:$5:$6Z"));

function s3Error(res: ServerResponse, status: number, code: string, message: string): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;
  res.writeHead(status, { "Content-Type": "application/xml", "Content-Length": Buffer.byteLength(body) });
  res.end(body);
}

/** Checks one request's signature; returns null when it is right, else the S3 error code. */
async function verify(req: IncomingMessage, body: Buffer, credentials: S3Credentials, region: string): Promise<string | null> {
  const url = new URL(req.url ?? "/", `http://${req.headers.host}`);
  const query = Object.fromEntries(url.searchParams);
  const presigned = query["X-Amz-Signature"] !== undefined;

  let credential: string;
  let signedHeaders: string[];
  let signature: string;
  let date: string;
  if (presigned) {
    credential = query["X-Amz-Credential"] ?? "";
    signedHeaders = (query["X-Amz-SignedHeaders"] ?? "").split(";");
    signature = query["X-Amz-Signature"] ?? "";
    date = query["X-Amz-Date"] ?? "";
    const expires = Number(query["X-Amz-Expires"] ?? 0);
    if (amzDate(date).getTime() + expires * 1000 < Date.now()) return "AccessDenied";
  } else {
    const auth = /^AWS4-HMAC-SHA256 Credential=([^,]+), ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]+)$/.exec(req.headers.authorization ?? "");
    if (!auth) return "AccessDenied";
    [, credential, , signature] = auth as unknown as [string, string, string, string];
    signedHeaders = auth[2]!.split(";");
    date = String(req.headers["x-amz-date"] ?? "");
    const declared = String(req.headers["x-amz-content-sha256"] ?? "");
    if (declared !== "UNSIGNED-PAYLOAD" && declared !== createHash("sha256").update(body).digest("hex")) return "XAmzContentSHA256Mismatch";
  }
  const [accessKeyId, , scopeRegion, service] = credential.split("/");
  if (accessKeyId !== credentials.accessKeyId) return "InvalidAccessKeyId";
  if (scopeRegion !== region || service !== "s3") return "AuthorizationHeaderMalformed";

  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    const value = req.headers[name];
    if (value === undefined) return "AccessDenied";
    headers[name] = Array.isArray(value) ? value.join(",") : value;
  }
  const unsignedQuery = { ...query };
  delete unsignedQuery["X-Amz-Signature"];
  const request = new HttpRequest({
    method: req.method ?? "GET",
    protocol: "http:",
    hostname: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    path: decodeURIComponent(url.pathname),
    query: presigned ? unsignedQuery : query,
    headers,
    body,
  });
  const signer = new SignatureV4({ credentials, region, service: "s3", sha256: Sha256, uriEscapePath: false, applyChecksum: !presigned });
  let expected: string;
  if (presigned) {
    delete request.query["X-Amz-Algorithm"];
    delete request.query["X-Amz-Credential"];
    delete request.query["X-Amz-Date"];
    delete request.query["X-Amz-Expires"];
    delete request.query["X-Amz-SignedHeaders"];
    // As @aws-sdk/s3-request-presigner does: the payload is unsigned, and that header itself is not a signed one.
    request.headers["x-amz-content-sha256"] = "UNSIGNED-PAYLOAD";
    const signed = await signer.presign(request, {
      signingDate: amzDate(date),
      expiresIn: Number(query["X-Amz-Expires"]),
      unsignableHeaders: new Set(["x-amz-content-sha256"]),
      unhoistableHeaders: new Set(["x-amz-content-sha256"]),
    });
    expected = String(signed.query?.["X-Amz-Signature"]);
  } else {
    const signed = await signer.sign(request, { signingDate: amzDate(date), signableHeaders: new Set(signedHeaders) });
    expected = /Signature=([0-9a-f]+)/.exec(String(signed.headers.authorization))?.[1] ?? "";
  }
  return expected === signature ? null : "SignatureDoesNotMatch";
}

export async function startVerifyingS3(options: { buckets: string[]; credentials?: S3Credentials; region?: string }): Promise<VerifyingS3> {
  const credentials = options.credentials ?? { accessKeyId: "AKIASTREAMHUBTEST", secretAccessKey: "streamhub-test-secret-key-0123456789abcd" };
  const region = options.region ?? "us-east-1";
  const directory = mkdtempSync(join(tmpdir(), "streamhub-s3-"));
  const backend = new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory, configureBuckets: options.buckets.map((name) => ({ name })) });
  const { port: backendPort } = (await backend.run()) as { port: number };

  const seen: VerifyingS3["seen"] = [];
  const front: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const verdict = await verify(req, body, credentials, region).catch((error) => `VerifierError: ${error}`);
    seen.push({ method: req.method ?? "", path: req.url ?? "", verdict: verdict ?? "ok" });
    if (verdict) return s3Error(res, 403, verdict, "the request signature does not verify");
    // Verified here; s3rver knows only its own key, so it gets the request unsigned.
    const target = new URL(req.url ?? "/", "http://backend");
    for (const name of [...target.searchParams.keys()]) if (name.startsWith("X-Amz-")) target.searchParams.delete(name);
    const { authorization: _, ...headers } = req.headers;
    const proxied = httpRequest(
      { host: "127.0.0.1", port: backendPort, method: req.method, path: `${target.pathname}${target.search}`, headers: { ...headers, host: `127.0.0.1:${backendPort}` } },
      (upstream) => {
        res.writeHead(upstream.statusCode ?? 502, upstream.headers);
        upstream.pipe(res);
      },
    );
    proxied.on("error", () => s3Error(res, 502, "InternalError", "backend unavailable"));
    proxied.end(body);
  });
  await new Promise<void>((resolve) => front.listen(0, "127.0.0.1", resolve));
  const address = front.address();
  const url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;

  return {
    url,
    credentials,
    region,
    seen,
    close: async () => {
      await new Promise<void>((resolve) => front.close(() => resolve()));
      await backend.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

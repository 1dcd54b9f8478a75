// The verifying front must accept what AWS accepts and refuse what AWS refuses.
import { AwsClient } from "aws4fetch";
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startVerifyingS3, type VerifyingS3 } from "./verifying-s3.ts";

let s3: VerifyingS3;
beforeAll(async () => {
  s3 = await startVerifyingS3({ buckets: ["vods"] });
});
afterAll(() => s3.close());

const client = (secretAccessKey = s3.credentials.secretAccessKey, accessKeyId = s3.credentials.accessKeyId) =>
  new AwsClient({ accessKeyId, secretAccessKey, service: "s3", region: s3.region });

describe("verifying S3 on loopback", () => {
  it("stores and returns objects for correctly signed requests, header-signed and presigned", async () => {
    const aws = client();
    expect((await aws.fetch(`${s3.url}/vods/a/b.txt`, { method: "PUT", body: "hello" })).status).toBe(200);
    expect(await (await aws.fetch(`${s3.url}/vods/a/b.txt`)).text()).toBe("hello");
    const presigned = await aws.sign(`${s3.url}/vods/a/b.txt?X-Amz-Expires=60`, { aws: { signQuery: true } });
    expect(await (await fetch(presigned.url)).text()).toBe("hello");
    expect((await aws.fetch(`${s3.url}/vods/a/b.txt`, { method: "DELETE" })).status).toBe(204);
  });

  it("refuses a wrong secret, an unknown key, a tampered body and a tampered presigned URL", async () => {
    const put = (aws: AwsClient) => aws.fetch(`${s3.url}/vods/x.txt`, { method: "PUT", body: "x" });
    const wrongSecret = await put(client("not-the-secret"));
    expect(wrongSecret.status).toBe(403);
    expect(await wrongSecret.text()).toContain("SignatureDoesNotMatch");
    expect(await (await put(client(undefined, "AKIAUNKNOWN"))).text()).toContain("InvalidAccessKeyId");

    // A body whose digest is signed cannot be swapped (an UNSIGNED-PAYLOAD one could, on AWS too).
    const digest = createHash("sha256").update("original").digest("hex");
    const signed = await client().sign(`${s3.url}/vods/y.txt`, { method: "PUT", body: "original", headers: { "X-Amz-Content-Sha256": digest } });
    expect((await fetch(signed.url, { method: "PUT", headers: signed.headers, body: "original" })).status).toBe(200);
    const tampered = await fetch(signed.url, { method: "PUT", headers: signed.headers, body: "tampered" });
    expect(tampered.status).toBe(403);

    const presigned = await client().sign(`${s3.url}/vods/y.txt?X-Amz-Expires=60`, { aws: { signQuery: true } });
    expect((await fetch(presigned.url.replace("y.txt", "z.txt"))).status).toBe(403);
  });
});

import { describe, expect, it } from "vitest";
import { hostOf, transportFailure, withDeadline } from "./transport.ts";

describe("transport failures in words a caller can act on", () => {
  it.each([
    [new Error("internal error; reference = 0123456789abcdef"), "the connection failed or was closed"],
    [new Error("Network connection lost."), "the connection failed or was closed"],
    [Object.assign(new Error("The operation was aborted due to timeout"), { name: "TimeoutError" }), "no answer in time"],
    [new Error("getaddrinfo ENOTFOUND s3.example.invalid"), "the host name does not resolve"],
    [new Error("connect ECONNREFUSED 127.0.0.1:9"), "the connection was refused"],
    [new Error("TLS peer's certificate is not trusted"), "the TLS handshake failed (is the certificate valid for this host?)"],
  ])("%s → %s, never the runtime's message", (error, phrase) => {
    expect(transportFailure(error)).toBe(phrase);
  });

  it("names the host of a URL, never its credentials or path", () => {
    expect(hostOf("https://key:secret@s3.example.com:9000/bucket?x=1")).toBe("s3.example.com:9000");
    expect(hostOf("ws://127.0.0.1:7880")).toBe("127.0.0.1:7880");
    expect(hostOf("not a url")).toBe("the configured address");
  });
});

describe("a call with a deadline", () => {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const hanging = (signal: AbortSignal) => new Promise<never>((_, reject) => signal.addEventListener("abort", () => reject(signal.reason)));

  it("is aborted with a TimeoutError once the deadline passes, which reads as no answer in time", async () => {
    const error = await withDeadline(20, hanging).catch((reason: unknown) => reason);
    expect(error).toMatchObject({ name: "TimeoutError" });
    expect(transportFailure(error)).toBe("no answer in time");
  });

  it("stops its timer once the call has answered: the signal never fires afterwards", async () => {
    let seen: AbortSignal | undefined;
    expect(await withDeadline(20, async (signal) => ((seen = signal), "answer"))).toBe("answer");
    await sleep(60);
    expect(seen?.aborted).toBe(false);
  });

  it("stops its timer when the call fails, and passes the failure on", async () => {
    let seen: AbortSignal | undefined;
    const failing = withDeadline(20, async (signal) => {
      seen = signal;
      throw new Error("connection refused");
    });
    await expect(failing).rejects.toThrow("connection refused");
    await sleep(60);
    expect(seen?.aborted).toBe(false);
  });
});

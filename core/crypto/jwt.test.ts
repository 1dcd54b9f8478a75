import { jwtVerify, SignJWT, type JWTPayload } from "jose";
import { describe, expect, it } from "vitest";
import { toBase64Url, utf8 } from "./encoding.ts";
import { hmacKey } from "./hmac.ts";
import { signJwt, verifyJwt, type JwtChecks } from "./jwt.ts";

// Checked both ways against jose, an independent implementation: what one signs the other reads.

const SECRET = "jwt-test-secret-0123456789abcdef0123456789";
const key = hmacKey(`test:${SECRET}`, () => utf8(SECRET));
const NOW = 1_900_000_000;
const part = (value: unknown) => toBase64Url(utf8(JSON.stringify(value)));

/** A token jose signs, HS256 unless told otherwise. */
const joseToken = (claims: JWTPayload, header: Record<string, unknown> = {}, secret = SECRET) =>
  new SignJWT(claims).setProtectedHeader({ alg: "HS256", ...header }).sign(utf8(secret));

/** A token with whatever header and claims, signed over exactly those bytes with the test key. */
async function forged(header: unknown, claims: unknown): Promise<string> {
  const input = `${part(header)}.${part(claims)}`;
  const signature = await crypto.subtle.sign("HMAC", await key, utf8(input));
  return `${input}.${toBase64Url(new Uint8Array(signature))}`;
}

const verify = (token: string, checks: JwtChecks = {}) => verifyJwt(key, token, { now: NOW, ...checks });

describe("HS256 JWTs", () => {
  it("what signJwt signs, jose verifies, with the same claims", async () => {
    const claims = { sub: "u1", iss: "streamhub", aud: "dash", exp: NOW + 60, video: { room: "r", roomJoin: true } };
    const token = await signJwt(key, claims);
    const { payload, protectedHeader } = await jwtVerify(token, utf8(SECRET), { algorithms: ["HS256"], currentDate: new Date(NOW * 1000), issuer: "streamhub", audience: "dash" });
    expect(payload).toEqual(claims);
    expect(protectedHeader).toEqual({ alg: "HS256", typ: "JWT" });
  });

  it("what jose signs, verifyJwt reads, checks included", async () => {
    const token = await joseToken({ sub: "u1", iss: "APIkey", aud: ["other", "dash"], nbf: NOW - 5, exp: NOW + 60, sha256: "abc" });
    expect(await verify(token, { issuer: "APIkey", audience: "dash", required: ["exp", "sub"] })).toEqual({ sub: "u1", iss: "APIkey", aud: ["other", "dash"], nbf: NOW - 5, exp: NOW + 60, sha256: "abc" });
  });

  it("refuses another key, another algorithm, an unsigned token and any changed byte", async () => {
    const good = await joseToken({ exp: NOW + 60 });
    expect(await verify(good)).not.toBeNull();
    expect(await verify(await joseToken({ exp: NOW + 60 }, {}, `${SECRET}x`))).toBeNull();
    expect(await verify(await joseToken({ exp: NOW + 60 }, { alg: "HS512" }))).toBeNull();
    expect(await verify(await forged({ alg: "HS512" }, { exp: NOW + 60 }))).toBeNull();
    expect(await verify(`${part({ alg: "none" })}.${part({ exp: NOW + 60 })}.`)).toBeNull();
    const [header, claims, signature] = good.split(".") as [string, string, string];
    expect(await verify(`${header}.${part({ exp: NOW + 6000 })}.${signature}`)).toBeNull();
    const flipped = signature.slice(0, 5) + (signature[5] === "A" ? "B" : "A") + signature.slice(6);
    expect(await verify(`${header}.${claims}.${flipped}`)).toBeNull();
  });

  it("refuses extensions it does not implement (crit, an unencoded payload)", async () => {
    expect(await verify(await forged({ alg: "HS256" }, { exp: NOW + 60 }))).not.toBeNull();
    expect(await verify(await forged({ alg: "HS256", crit: ["exp"], exp: 1 }, { exp: NOW + 60 }))).toBeNull();
    expect(await verify(await forged({ alg: "HS256", b64: false }, { exp: NOW + 60 }))).toBeNull();
  });

  it("applies exp and nbf with the clock tolerance, as jose does", async () => {
    const at = async (claims: JWTPayload, tolerance: number) => {
      const token = await joseToken(claims);
      const ours = (await verify(token, { clockToleranceS: tolerance })) !== null;
      const theirs = await jwtVerify(token, utf8(SECRET), { currentDate: new Date(NOW * 1000), clockTolerance: tolerance }).then(
        () => true,
        () => false,
      );
      expect(ours, JSON.stringify(claims)).toBe(theirs);
      return ours;
    };
    expect(await at({ exp: NOW + 1 }, 0)).toBe(true);
    expect(await at({ exp: NOW }, 0)).toBe(false);
    expect(await at({ exp: NOW - 9 }, 10)).toBe(true);
    expect(await at({ exp: NOW - 10 }, 10)).toBe(false);
    expect(await at({ nbf: NOW, exp: NOW + 60 }, 0)).toBe(true);
    expect(await at({ nbf: NOW + 1, exp: NOW + 60 }, 0)).toBe(false);
    expect(await at({ nbf: NOW + 10, exp: NOW + 60 }, 10)).toBe(true);
  });

  it("refuses time claims that are not numbers, and missing required claims", async () => {
    expect(await verify(await forged({ alg: "HS256" }, { exp: String(NOW + 60) }))).toBeNull();
    expect(await verify(await forged({ alg: "HS256" }, { exp: NOW + 60, nbf: "0" }))).toBeNull();
    expect(await verify(await forged({ alg: "HS256" }, { exp: NOW + 60, iat: "x" }))).toBeNull();
    expect(await verify(await joseToken({ sub: "u" }), { required: ["exp"] })).toBeNull();
    expect(await verify(await joseToken({ exp: NOW + 60 }), { required: ["exp", "jti"] })).toBeNull();
  });

  it("refuses another issuer or audience, or none where one is expected", async () => {
    const token = await joseToken({ iss: "APIkey", aud: "dash", exp: NOW + 60 });
    expect(await verify(token, { issuer: "APIkey", audience: "dash" })).not.toBeNull();
    expect(await verify(token, { issuer: "APIother" })).toBeNull();
    expect(await verify(token, { audience: "other" })).toBeNull();
    expect(await verify(await joseToken({ exp: NOW + 60 }), { issuer: "APIkey" })).toBeNull();
    expect(await verify(await joseToken({ exp: NOW + 60 }), { audience: "dash" })).toBeNull();
  });

  it("refuses claims that are not strict UTF-8, and a signature spelled any way but the canonical one", async () => {
    const input = (claims: Uint8Array) => `${part({ alg: "HS256" })}.${toBase64Url(claims)}`;
    const signed = async (claims: Uint8Array) => `${input(claims)}.${toBase64Url(new Uint8Array(await crypto.subtle.sign("HMAC", await key, utf8(input(claims)))))}`;
    const valid = utf8(`{"exp":${NOW + 60},"name":"é"}`);
    expect(await verify(await signed(valid))).toEqual({ exp: NOW + 60, name: "é" });
    const malformed = valid.slice();
    malformed[malformed.length - 3] = 0xff;
    expect(await verify(await signed(malformed))).toBeNull();
    // 32 bytes in 43 characters leave 2 bits unused: "…A" and "…B" can decode alike.
    const good = await joseToken({ exp: NOW + 60 });
    const last = good.at(-1)!;
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const sibling = alphabet[alphabet.indexOf(last) ^ 1]!;
    expect(await verify(`${good.slice(0, -1)}${sibling}`)).toBeNull();
  });

  it("answers null when the key cannot be had, and signs no time that is not a finite number", async () => {
    const token = await joseToken({ exp: NOW + 60 });
    expect(await verifyJwt(Promise.reject(new Error("no key")), token)).toBeNull();
    await expect(signJwt(key, { exp: Number.NaN })).rejects.toThrow(/exp/);
    await expect(signJwt(key, { iat: Number.POSITIVE_INFINITY })).rejects.toThrow(/iat/);
  });

  it("counts only the token's own claims as present", async () => {
    expect(await verify(await joseToken({ exp: NOW + 60 }), { required: ["constructor"] })).toBeNull();
    expect(await verify(await joseToken({ exp: NOW + 60, constructor: "x" }), { required: ["constructor"] })).not.toBeNull();
  });

  it("answers null, never throws, for anything that is not a compact JWS of JSON objects", async () => {
    const good = await joseToken({ exp: NOW + 60 });
    const [header, claims, signature] = good.split(".") as [string, string, string];
    const bad = [
      "",
      "abc",
      "a.b",
      "..",
      `${header}.${claims}`,
      `${header}.${claims}.`,
      `.${claims}.${signature}`,
      `${header}..${signature}`,
      `${good}.x`,
      `${header}.${claims}.${signature}=`,
      `${header}.${claims}.${signature.slice(0, -1)}*`,
      `${header} .${claims}.${signature}`,
      `${toBase64Url(utf8("not json"))}.${claims}.${signature}`,
      await forged([1, 2], { exp: NOW + 60 }),
      await forged({ alg: "HS256" }, [1, 2]),
      await forged({ alg: "HS256" }, "text"),
      await forged({ alg: "HS256" }, null),
      await forged(null, { exp: NOW + 60 }),
    ];
    for (const token of bad) expect(await verify(token), token).toBeNull();
    expect(await verifyJwt(key, 42 as unknown as string)).toBeNull();
    expect(await verifyJwt(key, undefined as unknown as string)).toBeNull();
  });
});

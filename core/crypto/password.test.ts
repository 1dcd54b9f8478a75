import { describe, expect, it } from "vitest";
import { hashPassword, PBKDF2_ITERATIONS, verifyPassword } from "./password.ts";

describe("password hashes", () => {
  it("are PBKDF2-SHA256 in the documented format, salted per hash", async () => {
    const first = await hashPassword("correct horse battery staple");
    const second = await hashPassword("correct horse battery staple");
    expect(first).toMatch(new RegExp(`^pbkdf2-sha256\\$${PBKDF2_ITERATIONS}\\$[A-Za-z0-9_-]{22}\\$[A-Za-z0-9_-]{43}$`));
    expect(first).not.toBe(second);
  });

  it("verify the right password only", async () => {
    const stored = await hashPassword("s3cret-passphrase");
    expect(await verifyPassword("s3cret-passphrase", stored)).toBe(true);
    expect(await verifyPassword("s3cret-passphrasE", stored)).toBe(false);
    expect(await verifyPassword("", stored)).toBe(false);
  });

  it("honour the iteration count stored with the hash", async () => {
    const stored = await hashPassword("pw-for-iterations");
    const [, , salt, hash] = stored.split("$");
    expect(await verifyPassword("pw-for-iterations", `pbkdf2-sha256$1000$${salt}$${hash}`)).toBe(false);
  });

  it.each([null, "", "plain", "pbkdf2-sha256$abc$x$y", "scrypt$32768$8$1$salt$key", "pbkdf2-sha256$100000$!!$??"])("never match the malformed hash %j", async (stored) => {
    expect(await verifyPassword("anything", stored)).toBe(false);
  });
});

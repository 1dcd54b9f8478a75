// The error table (functions/lib/errors.ts) is the one list of error codes and
// their statuses; docs/error-codes.md must show exactly that table, so a code
// cannot ship undocumented, nor the docs promise a status the API does not give.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ERRORS } from "../functions/lib/errors.ts";
import { ROOT } from "../selfhost/build.ts";

const documented = () =>
  [...readFileSync(join(ROOT, "docs/error-codes.md"), "utf8").matchAll(/^\| `([a-z0-9_]+)` \| (\d{3}) \| (.+) \|$/gm)].map(([, code, status, meaning]) => ({
    code,
    status: Number(status),
    meaning,
  }));

describe("error codes", () => {
  it("are documented with their status and meaning, exactly as the table has them", () => {
    const table = Object.entries(ERRORS).map(([code, { status, meaning }]) => ({ code, status, meaning }));
    expect(documented()).toEqual(table);
  });
});

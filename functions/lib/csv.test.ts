import { describe, expect, it } from "vitest";
import { toCsv } from "./csv.ts";

describe("toCsv", () => {
  it("writes RFC 4180 text: a header, CRLF line ends, quoted fields where needed, empty for null", () => {
    const rows = [
      { a: "plain", b: 1, c: null },
      { a: 'with "quotes", a comma\nand a line', b: 2.5, c: true },
    ];
    const columns = [
      { name: "a", value: (r: (typeof rows)[number]) => r.a },
      { name: "b", value: (r: (typeof rows)[number]) => r.b },
      { name: "c", value: (r: (typeof rows)[number]) => r.c },
    ];
    expect(toCsv(columns, rows)).toBe('a,b,c\r\nplain,1,\r\n"with ""quotes"", a comma\nand a line",2.5,true\r\n');
  });

  it("keeps text a spreadsheet would run as a formula inert, numbers untouched", () => {
    const columns = [
      { name: "v", value: (r: { v: string | number }) => r.v },
    ];
    expect(toCsv(columns, [{ v: "=HYPERLINK(\"x\")" }, { v: "+1" }, { v: "-2" }, { v: "@SUM(A1)" }, { v: -3 }])).toBe("v\r\n\"'=HYPERLINK(\"\"x\"\")\"\r\n'+1\r\n'-2\r\n'@SUM(A1)\r\n-3\r\n");
  });
});

import { describe, expect, it } from "vitest";
import { parseNodeConfig } from "./node-config.ts";

describe("npm start's own settings", () => {
  it("fills defaults and names each bad variable", () => {
    expect(parseNodeConfig({})).toEqual({ DATA_DIR: "./data", HOST: "127.0.0.1", PORT: 3020, LIVEKIT_LOCAL_PORT: 7880, STREAMHUB_LOCAL_LIVEKIT: "auto", STREAMHUB_PRINT_SECRETS: "auto" });
    expect(() => parseNodeConfig({ PORT: "99999" })).toThrow(/PORT/);
    expect(() => parseNodeConfig({ HOST: "not an ip" })).toThrow(/HOST/);
    expect(() => parseNodeConfig({ LIVEKIT_LOCAL_PORT: "65534" })).toThrow(/LIVEKIT_LOCAL_PORT/);
    expect(() => parseNodeConfig({ STREAMHUB_LOCAL_LIVEKIT: "yes" })).toThrow(/STREAMHUB_LOCAL_LIVEKIT must be auto or off/);
  });

  it("takes a port number's text, and only a whole number in range", () => {
    expect(parseNodeConfig({ PORT: " 8080 ", LIVEKIT_LOCAL_PORT: "" })).toMatchObject({ PORT: 8080, LIVEKIT_LOCAL_PORT: 7880 });
    for (const bad of ["0", "80.5", "http", "65536"]) expect(() => parseNodeConfig({ PORT: bad }), bad).toThrow(/PORT/);
  });
});

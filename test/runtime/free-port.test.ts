import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { freePort } from "../../packages/streamt-sdk/src/runtime/free-port.js";

describe("freePort", () => {
  it("a loopback port nothing listens on: a server can take it", async () => {
    const port = await freePort();
    expect(Number.isInteger(port) && port > 0 && port < 65_536).toBe(true);
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen({ port, host: "127.0.0.1", exclusive: true }, resolve);
    });
    expect((server.address() as { port: number }).port).toBe(port);
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});

import { createServer } from "node:http";

/** What a fake endpoint answers a request with: a JSON body (HTTP 200), or a status and JSON body. */
export type FakeReply = unknown | { readonly status: number; readonly json: unknown };

export interface FakeEndpoint {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** Each request so far, as "METHOD /path?query" (a body after a space, when there is one). */
  readonly requests: readonly string[];
  close(): Promise<void>;
}

/**
 * A stand-in for a Flink REST endpoint (the JobManager's or the SQL Gateway's) on loopback, for tests of
 * how a client handles its replies: `reply` answers each request ("METHOD /path?query") in turn.
 *
 * @example
 * const rest = await fakeEndpoint((request) => (request === "GET /jobs/j1" ? { state: "RUNNING" } : { status: 404, json: { errors: ["not found"] } }));
 * // ... rest.requests: ["GET /jobs/j1"]
 * await rest.close();
 */
export async function fakeEndpoint(reply: (request: string, body: string) => FakeReply): Promise<FakeEndpoint> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => (body += d.toString()));
    req.on("end", () => {
      const request = `${req.method} ${req.url}`;
      requests.push(body === "" ? request : `${request} ${body}`);
      const r = reply(request, body);
      const { status, json } = typeof r === "object" && r !== null && "status" in r && "json" in r ? (r as { status: number; json: unknown }) : { status: 200, json: r };
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(json));
    });
  });
  await new Promise<void>((resolve) => server.listen({ port: 0, host: "127.0.0.1" }, resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/**
 * The OpenLineage events of synth --openlineage, built in this process (test/lineage/openlineage.test.ts runs
 * the CLI and checks them against the spec): each JobEvent as exact JSON, for the kinds of step, column and
 * row influence there are, and their delivery to a file and to an HTTP endpoint (a real local server).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { count, pipeline, source, sum, t, type Pipeline } from "streamt-sdk";
import { deliverOpenLineage, kafkaNamespace, openLineageEvents, OPENLINEAGE_SCHEMAS, type OpenLineageJobEvent } from "../../packages/streamt-sdk/src/lineage/openlineage.js";
import { PLAN_VERSION, type Plan } from "../../packages/streamt-sdk/src/ir/plan.js";
import { isStreamtError } from "../../packages/streamt-sdk/src/errors.js";

const KAFKA = "kafka://broker-1:9092";
const EVENT = OPENLINEAGE_SCHEMAS.event;
const facet = (schema: keyof typeof OPENLINEAGE_SCHEMAS, fields: object) => ({ _producer: "urn:test", _schemaURL: OPENLINEAGE_SCHEMAS[schema], ...fields });
const direct = (subtype: string, description: string) => ({ type: "DIRECT", subtype, description });
const indirect = (subtype: string, description: string) => ({ type: "INDIRECT", subtype, description });
const input = (topic: string, field: string, ...transformations: object[]) => ({ namespace: KAFKA, name: topic, field, transformations });

const Order = t.row({ order_id: t.string(), customer_id: t.string(), amount: t.decimal(10, 2), status: t.string().nullable(), ts: t.timestamp(3) });
const orders = source("orders", { topic: "orders.v1", schema: Order }).eventTime("ts").watermark("5s");

/** The one input dataset of these pipelines: orders.v1 with its schema. */
const ORDERS_INPUT = {
  namespace: KAFKA,
  name: "orders.v1",
  facets: {
    schema: facet("schema", {
      fields: [
        { name: "order_id", type: "STRING NOT NULL", ordinal_position: 1 },
        { name: "customer_id", type: "STRING NOT NULL", ordinal_position: 2 },
        { name: "amount", type: "DECIMAL(10, 2) NOT NULL", ordinal_position: 3 },
        { name: "status", type: "STRING", ordinal_position: 4 },
        { name: "ts", type: "TIMESTAMP(3) NOT NULL", ordinal_position: 5 },
      ],
    }),
  },
};

function events(): OpenLineageJobEvent[] {
  const latest = pipeline("latest", { stateTtl: "1d", description: "The latest paid order per id", owner: "team-orders" }).write(
    orders.filter((o) => o.status.eq("paid")).select((o) => ({ order_id: o.order_id, cents: o.amount.mul(100), ts: o.ts })).deduplicate({ key: ["order_id"], keep: "last" })
      .toUpsertKafka("orders.latest", { key: ["order_id"], description: "One row per paid order", owner: "team-billing" }),
  );
  // A print sink writes no dataset: only hourly.v1 is an output.
  const hourly = pipeline("hourly").write(orders.tumble("1h").groupBy("customer_id").aggregate({ n: count(), revenue: sum("amount") }).toKafka("hourly.v1"), orders.toPrint());
  const plan: Plan = { version: PLAN_VERSION, pipelines: [latest.definition, hourly.definition] };
  return openLineageEvents(plan, { namespace: "shop", bootstrapServers: " broker-1:9092 ,broker-2:9092", producer: "urn:test", eventTime: "2026-01-01T00:00:00.000Z", sql: new Map([["hourly", "SELECT 1;"]]) });
}

/** The one event of a pipeline on its own, without a SQL script. */
function eventOf(p: Pipeline): OpenLineageJobEvent {
  return openLineageEvents({ version: PLAN_VERSION, pipelines: [p.definition] }, { namespace: "shop", bootstrapServers: "broker-1:9092", producer: "urn:test", eventTime: "2026-01-01T00:00:00.000Z", sql: new Map() })[0]!;
}

describe("OpenLineage JobEvents", () => {
  it("one per pipeline, sorted by name; a SQL facet only for a pipeline with a script", () => {
    expect(events().map((e) => [e.job.name, Object.keys(e.job.facets)])).toEqual([
      ["hourly", ["jobType", "sql"]],
      ["latest", ["jobType", "documentation", "ownership"]],
    ]);
  });

  it("a window aggregate: window bounds and aggregates are transformations of their input columns; window time and group key decide the rows", () => {
    expect(events()[0]).toEqual({
      eventTime: "2026-01-01T00:00:00.000Z",
      producer: "urn:test",
      schemaURL: EVENT,
      job: {
        namespace: "shop",
        name: "hourly",
        facets: {
          jobType: facet("jobType", {
            processingType: "STREAMING",
            integration: "FLINK",
            jobType: "JOB",
          }),
          sql: facet("sql", {
            query: "SELECT 1;",
            dialect: "flink",
          }),
        },
      },
      inputs: [ORDERS_INPUT],
      outputs: [
        {
          namespace: KAFKA,
          name: "hourly.v1",
          facets: {
            schema: facet("schema", {
              fields: [
                { name: "window_start", type: "TIMESTAMP(3) NOT NULL", ordinal_position: 1 },
                { name: "window_end", type: "TIMESTAMP(3) NOT NULL", ordinal_position: 2 },
                { name: "customer_id", type: "STRING NOT NULL", ordinal_position: 3 },
                { name: "window_time", type: "TIMESTAMP(3) NOT NULL", ordinal_position: 4 },
                { name: "n", type: "BIGINT NOT NULL", ordinal_position: 5 },
                { name: "revenue", type: "DECIMAL(38, 2) NOT NULL", ordinal_position: 6 },
              ],
            }),
            columnLineage: facet("columnLineage", {
              fields: {
                window_start: {
                  inputFields: [
                    input("orders.v1", "ts", direct("TRANSFORMATION", "window bound TUMBLE(ts, 1h) at orders/tumble")),
                  ],
                },
                window_end: {
                  inputFields: [
                    input("orders.v1", "ts", direct("TRANSFORMATION", "window bound TUMBLE(ts, 1h) at orders/tumble")),
                  ],
                },
                customer_id: {
                  inputFields: [
                    input("orders.v1", "customer_id", direct("IDENTITY", "group key at orders/tumble")),
                  ],
                },
                window_time: {
                  inputFields: [
                    input("orders.v1", "ts", direct("TRANSFORMATION", "window bound TUMBLE(ts, 1h) at orders/tumble")),
                  ],
                },
                n: {
                  inputFields: [],
                },
                revenue: {
                  inputFields: [
                    input("orders.v1", "amount", direct("AGGREGATION", "aggregated SUM(amount) at orders/tumble")),
                  ],
                },
              },
              dataset: [
                input("orders.v1", "amount", indirect("FILTER", "source contract at orders")),
                input("orders.v1", "customer_id", indirect("FILTER", "source contract at orders"), indirect("GROUP_BY", "group by at orders/tumble")),
                input("orders.v1", "order_id", indirect("FILTER", "source contract at orders")),
                input("orders.v1", "ts", indirect("FILTER", "source contract at orders"), indirect("WINDOW", "window time at orders/tumble")),
              ],
            }),
          },
        },
      ],
    });
  });

  it("filter, a computed column and deduplication, with the pipeline's and the sink's description and owner", () => {
    expect(events()[1]).toEqual({
      eventTime: "2026-01-01T00:00:00.000Z",
      producer: "urn:test",
      schemaURL: EVENT,
      job: {
        namespace: "shop",
        name: "latest",
        facets: {
          jobType: facet("jobType", {
            processingType: "STREAMING",
            integration: "FLINK",
            jobType: "JOB",
          }),
          documentation: facet("jobDocumentation", {
            description: "The latest paid order per id",
          }),
          ownership: facet("jobOwnership", {
            owners: [
              {
                name: "team-orders",
              },
            ],
          }),
        },
      },
      inputs: [ORDERS_INPUT],
      outputs: [
        {
          namespace: KAFKA,
          name: "orders.latest",
          facets: {
            schema: facet("schema", {
              fields: [
                { name: "order_id", type: "STRING NOT NULL", ordinal_position: 1 },
                { name: "cents", type: "DECIMAL(21, 2) NOT NULL", ordinal_position: 2 },
                { name: "ts", type: "TIMESTAMP(3) NOT NULL", ordinal_position: 3 },
              ],
            }),
            columnLineage: facet("columnLineage", {
              fields: {
                order_id: {
                  inputFields: [
                    input("orders.v1", "order_id", direct("IDENTITY", "copied at orders/filter/select/deduplicate")),
                  ],
                },
                cents: {
                  inputFields: [
                    input("orders.v1", "amount", direct("TRANSFORMATION", "computed (amount * 100) at orders/filter/select")),
                  ],
                },
                ts: {
                  inputFields: [
                    input("orders.v1", "ts", direct("IDENTITY", "copied at orders/filter/select/deduplicate")),
                  ],
                },
              },
              dataset: [
                input("orders.v1", "amount", indirect("FILTER", "source contract at orders")),
                input("orders.v1", "customer_id", indirect("FILTER", "source contract at orders")),
                input("orders.v1", "order_id", indirect("FILTER", "source contract at orders"), indirect("GROUP_BY", "dedup key at orders/filter/select/deduplicate")),
                input("orders.v1", "status", indirect("FILTER", "filter at orders/filter")),
                input("orders.v1", "ts", indirect("FILTER", "source contract at orders"), indirect("SORT", "dedup order at orders/filter/select/deduplicate")),
              ],
            }),
            documentation: facet("datasetDocumentation", {
              description: "One row per paid order",
            }),
            ownership: facet("datasetOwnership", {
              owners: [
                {
                  name: "team-billing",
                },
              ],
            }),
          },
        },
      ],
    });
  });

  it("a source written as it is: every column copied (IDENTITY), no step named", () => {
    const copy = pipeline("copy").write(orders.toKafka("orders.copy"));
    const event = eventOf(copy);
    expect(event.outputs.map((o) => o.facets.columnLineage)).toEqual([
      facet("columnLineage", {
        fields: Object.fromEntries(["order_id", "customer_id", "amount", "status", "ts"].map((c) => [c, { inputFields: [input("orders.v1", c, direct("IDENTITY", "copied"))] }])),
        dataset: ["amount", "customer_id", "order_id", "ts"].map((c) => input("orders.v1", c, indirect("FILTER", "source contract at orders"))),
      }),
    ]);
  });

  it("a column named __proto__ (a name of Object's own) is a field of the column lineage like any other", () => {
    const event = eventOf(pipeline("proto").write(orders.select((o) => ({ ["__proto__"]: o.order_id, ts: o.ts })).toKafka("proto.v1")));
    const fields = (event.outputs[0]!.facets.columnLineage as unknown as { fields: object }).fields;
    expect(Object.keys(fields)).toEqual(["__proto__", "ts"]);
    expect(JSON.parse(JSON.stringify(fields))).toEqual(JSON.parse('{"__proto__":{"inputFields":[{"namespace":"kafka://broker-1:9092","name":"orders.v1","field":"order_id","transformations":[{"type":"DIRECT","subtype":"IDENTITY","description":"renamed at orders/select"}]}]},"ts":{"inputFields":[{"namespace":"kafka://broker-1:9092","name":"orders.v1","field":"ts","transformations":[{"type":"DIRECT","subtype":"IDENTITY","description":"copied at orders/select"}]}]}}'));
  });

  it("Top-N: the rank is a transformation of the order column, the partition and order decide the rows", () => {
    const top = pipeline("top", { stateTtl: "1d" }).write(orders.topN({ partitionBy: ["customer_id"], orderBy: [{ column: "amount", direction: "desc" }], n: 3 }).toUpsertKafka("top.v1", { key: ["customer_id", "row_num"] }));
    const event = eventOf(top);
    expect(event.outputs[0]!.facets.columnLineage).toEqual(
      facet("columnLineage", {
        fields: {
          ...Object.fromEntries(["order_id", "customer_id", "amount", "status", "ts"].map((c) => [c, { inputFields: [input("orders.v1", c, direct("IDENTITY", "copied at orders/top-n"))] }])),
          row_num: { inputFields: [input("orders.v1", "amount", direct("TRANSFORMATION", "rank ROW_NUMBER() over (partition by customer_id order by amount desc) <= 3 at orders/top-n"))] },
        },
        dataset: [
          input("orders.v1", "amount", indirect("FILTER", "source contract at orders"), indirect("SORT", "order at orders/top-n")),
          input("orders.v1", "customer_id", indirect("FILTER", "source contract at orders"), indirect("GROUP_BY", "partition at orders/top-n")),
          input("orders.v1", "order_id", indirect("FILTER", "source contract at orders")),
          input("orders.v1", "ts", indirect("FILTER", "source contract at orders")),
        ],
      }),
    );
  });

  it("a union of two branches of one source: each column one input field, each transformation once; both filters kept", () => {
    const both = pipeline("both").write(orders.filter((o) => o.status.eq("paid")).as("paid").union(orders.filter((o) => o.status.eq("open")).as("open")).toKafka("both.v1"));
    const event = eventOf(both);
    expect(event.outputs[0]!.facets.columnLineage).toEqual(
      facet("columnLineage", {
        fields: Object.fromEntries(["order_id", "customer_id", "amount", "status", "ts"].map((c) => [c, { inputFields: [input("orders.v1", c, direct("IDENTITY", "merged at orders/paid/union"))] }])),
        dataset: [
          input("orders.v1", "amount", indirect("FILTER", "source contract at orders")),
          input("orders.v1", "customer_id", indirect("FILTER", "source contract at orders")),
          input("orders.v1", "order_id", indirect("FILTER", "source contract at orders")),
          input("orders.v1", "status", indirect("FILTER", "filter at orders/paid"), indirect("FILTER", "filter at orders/open")),
          input("orders.v1", "ts", indirect("FILTER", "source contract at orders")),
        ],
      }),
    );
  });

  it("the datasets' namespace is the first bootstrap server", () => {
    expect(kafkaNamespace("b1:9092")).toBe("kafka://b1:9092");
    expect(kafkaNamespace(" b1:9092 , b2:9093")).toBe("kafka://b1:9092");
  });
});

describe("delivering the events", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "streamt-ol-deliver-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A local HTTP endpoint answering `status` to every request; what it received. */
  async function endpoint(status: number, run: (url: string) => Promise<void>): Promise<{ method: string; url: string; headers: IncomingHttpHeaders; body: string }[]> {
    const received: { method: string; url: string; headers: IncomingHttpHeaders; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString("utf8")));
      req.on("end", () => {
        received.push({ method: req.method!, url: req.url!, headers: req.headers, body });
        res.statusCode = status;
        res.statusMessage = status === 200 ? "OK" : "Broken";
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/lineage`);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    return received;
  }

  /** What a delivery that must fail throws: a coded StreamtError. */
  async function failure(p: Promise<void>): Promise<{ code: string; message: string; hint: string | null }> {
    try {
      await p;
    } catch (e) {
      if (!isStreamtError(e)) throw e;
      return { code: e.code, message: e.message, hint: e.hint };
    }
    throw new Error("expected the delivery to fail");
  }

  it("to a file: JSON Lines, one event a line", async () => {
    const file = path.join(dir, "events.jsonl");
    await deliverOpenLineage(events(), file);
    expect(readFileSync(file, "utf8")).toBe(events().map((e) => `${JSON.stringify(e)}\n`).join(""));
  });

  it("to a file that cannot be written: STREAMT-O006 saying so", async () => {
    const file = path.join(dir, "no-such-folder", "events.jsonl");
    const f = await failure(deliverOpenLineage(events(), file));
    expect(f).toEqual({
      code: "STREAMT-O006",
      message: `the OpenLineage events were not written to ${file}: ENOENT: no such file or directory, open '${file}'; the output folder is written`,
      hint: "pass a file in a folder you can write, or an http(s) URL",
    });
  });

  it("to a URL: each event POSTed as its JSON body", async () => {
    const received = await endpoint(200, (url) => deliverOpenLineage(events(), url));
    expect(received.map((r) => [r.method, r.url, r.headers["content-type"], r.body])).toEqual(events().map((e) => ["POST", "/api/v1/lineage", "application/json", JSON.stringify(e)]));
  });

  it("a server that answers an error: STREAMT-O006 with its status, after the first event", async () => {
    let f: Awaited<ReturnType<typeof failure>> | undefined;
    let url = "";
    const received = await endpoint(500, async (u) => {
      url = u;
      f = await failure(deliverOpenLineage(events(), u));
    });
    expect(received.length).toBe(1);
    expect(f).toEqual({
      code: "STREAMT-O006",
      message: `the OpenLineage event of job hourly was not posted to ${url}: it answered 500 Broken; the output folder is written`,
      hint: "check the URL (e.g. http://localhost:5000/api/v1/lineage for Marquez) and that the server is up, then run synth again",
    });
  });

  it("a user and password in the URL: sent as HTTP Basic authentication, never shown", async () => {
    const received = await endpoint(200, (u) => deliverOpenLineage(events(), u.replace("http://", "http://lineage%40ops:s3cr%3At@")));
    const basic = `Basic ${Buffer.from("lineage@ops:s3cr:t").toString("base64")}`;
    expect(received.map((r) => [r.url, r.headers.authorization])).toEqual(events().map(() => ["/api/v1/lineage", basic]));
    // A failure names the URL with the password and the query's values hidden (either may be a secret).
    let url = "";
    let f: Awaited<ReturnType<typeof failure>> | undefined;
    await endpoint(500, async (u) => {
      url = u;
      f = await failure(deliverOpenLineage(events(), `${u.replace("http://", "http://ops:hunter2@")}?api_key=k3y&api_key=k4y&team=data`));
    });
    expect(f!.message).toBe(`the OpenLineage event of job hourly was not posted to ${url.replace("http://", "http://ops:***@")}?api_key=***&team=***: it answered 500 Broken; the output folder is written`);
  });

  it("text that is not a URL: STREAMT-O006 without the part that may hold a password", async () => {
    const f = await failure(deliverOpenLineage(events(), "http://ops:hunter2@[bad-host/lineage?token=abc"));
    expect(f).toEqual({
      code: "STREAMT-O006",
      message: "--openlineage http://***@[bad-host/lineage?*** is not a valid URL; the output folder is written",
      hint: "pass an http(s) URL (e.g. http://localhost:5000/api/v1/lineage for Marquez) or a file",
    });
  });

  it("a port fetch refuses (9, discard): STREAMT-O006 with fetch's reason, from the error's cause", async () => {
    const f = await failure(deliverOpenLineage(events(), "http://127.0.0.1:9/lineage"));
    expect(f.message).toBe("the OpenLineage event of job hourly was not posted to http://127.0.0.1:9/lineage: it could not be reached (bad port); the output folder is written");
  });

  it("a server that is not there: STREAMT-O006 with the connection's error code", async () => {
    // A port a server just listened on and closed: nothing listens there now.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    await new Promise((resolve) => server.close(resolve));
    const url = `http://127.0.0.1:${port}/lineage`;
    const f = await failure(deliverOpenLineage(events(), url));
    expect(f.message).toBe(`the OpenLineage event of job hourly was not posted to ${url}: it could not be reached (ECONNREFUSED); the output folder is written`);
  });
});

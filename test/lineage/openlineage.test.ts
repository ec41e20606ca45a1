import { readdirSync, readFileSync, mkdtempSync } from "node:fs";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { EXAMPLES, ROOT, runCli } from "../cli/support.js";

// The OpenLineage spec's own JSON schemas (test/fixtures/openlineage/README.md: version, licence).
const SPEC = path.join(ROOT, "test/fixtures/openlineage");
const readSchema = (file: string) => JSON.parse(readFileSync(file, "utf8")) as { $id: string };
// Strict but for strictRequired: the spec requires "run" inside a "not" (a JobEvent has no run), which that rule flags.
const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, keywords: ["example"] });
addFormats.default(ajv);
const eventSchema = readSchema(path.join(SPEC, "OpenLineage.json"));
ajv.addSchema(eventSchema);
const facetSchemas = readdirSync(path.join(SPEC, "facets")).map((f) => readSchema(path.join(SPEC, "facets", f)));
for (const s of facetSchemas) ajv.addSchema(s);

type Event = { schemaURL: string; job: { name: string; facets: Record<string, { _schemaURL: string }> }; inputs: Dataset[]; outputs: Dataset[]; eventTime: string };
type Dataset = { namespace: string; name: string; facets: Record<string, { _schemaURL: string }> };

/** Every error of an event against the spec: the event against the definition its schemaURL names, each facet against its _schemaURL's. */
function specErrors(event: Event): string[] {
  const errors: string[] = [];
  const check = (id: string, value: unknown, where: string) => {
    const validate = ajv.getSchema(id);
    if (!validate) return errors.push(`${where}: no vendored schema ${id}`);
    if (!validate(value)) errors.push(...validate.errors!.map((e) => `${where}${e.instancePath} ${e.message}`));
  };
  check(event.schemaURL, event, "event");
  const facets = (all: Record<string, { _schemaURL: string }>, where: string) => {
    for (const [key, facet] of Object.entries(all)) check(facet._schemaURL.split("#")[0]!, { [key]: facet }, `${where}.${key}`);
  };
  facets(event.job.facets, "job");
  for (const d of [...event.inputs, ...event.outputs]) facets(d.facets, d.name);
  return errors;
}

const tmp = (): string => mkdtempSync(path.join(tmpdir(), "streamt-ol-"));
const readEvents = (file: string): Event[] => readFileSync(file, "utf8").split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as Event);

// Several CLI runs each (5-10 s apiece on a loaded machine).
describe("synth --openlineage", { timeout: 180_000 }, () => {
  it("a file: a JobEvent per pipeline, each valid against the OpenLineage spec, with schema and column lineage facets", async () => {
    const dir = tmp();
    const file = path.join(dir, "events.jsonl");
    const r = await runCli(["synth", ...EXAMPLES, "--out", path.join(dir, "out"), "--no-typecheck", "--openlineage", file, "--openlineage-namespace", "shop"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const events = readEvents(file);
    expect(events.map((e) => e.job.name)).toEqual([
      "big-spenders", "card-velocity", "customer-revenue", "customer-totals", "event-dedup", "hourly-revenue", "order-routing",
      "orders-enriched", "orders-latest-customer", "orders-payments", "orders-per-hour", "page-view-sessions", "top-spenders",
    ]);
    for (const e of events) {
      expect(specErrors(e), e.job.name).toEqual([]);
      expect(ajv.validate(eventSchema.$id, e), `${e.job.name} is one of the spec's events`).toBe(true);
    }

    const producer = "urn:streamt-sdk:0.1.0";
    const kafka = "kafka://localhost:9092";
    const totals = events.find((e) => e.job.name === "customer-totals")!;
    expect(totals.job).toEqual({
      namespace: "shop",
      name: "customer-totals",
      facets: {
        jobType: { _producer: producer, _schemaURL: "https://openlineage.io/spec/facets/2-0-4/JobTypeJobFacet.json#/$defs/JobTypeJobFacet", processingType: "STREAMING", integration: "FLINK", jobType: "JOB" },
        sql: { _producer: producer, _schemaURL: "https://openlineage.io/spec/facets/1-1-0/SQLJobFacet.json#/$defs/SQLJobFacet", query: readFileSync(path.join(dir, "out", "customer-totals.sql"), "utf8"), dialect: "flink" },
      },
    });
    expect(totals.inputs.map((d) => [d.namespace, d.name])).toEqual([[kafka, "orders.raw.v1"]]);
    expect(totals.inputs[0]!.facets.schema).toEqual({
      _producer: producer,
      _schemaURL: "https://openlineage.io/spec/facets/1-2-0/SchemaDatasetFacet.json#/$defs/SchemaDatasetFacet",
      fields: [
        { name: "order_id", type: "STRING NOT NULL", ordinal_position: 1 },
        { name: "customer_id", type: "STRING NOT NULL", ordinal_position: 2 },
        { name: "amount", type: "DECIMAL(10, 2) NOT NULL", ordinal_position: 3 },
        { name: "status", type: "STRING", ordinal_position: 4 },
        { name: "event_timestamp", type: "TIMESTAMP(3) NOT NULL", ordinal_position: 5 },
      ],
    });
    const field = (name: string, ...transformations: [string, string, string][]) => ({ namespace: kafka, name: "orders.raw.v1", field: name, transformations: transformations.map(([type, subtype, description]) => ({ type, subtype, description })) });
    expect(totals.outputs.map((d) => d.name)).toEqual(["customers.totals.v1"]);
    expect(totals.outputs[0]!.facets.columnLineage).toEqual({
      _producer: producer,
      _schemaURL: "https://openlineage.io/spec/facets/1-2-0/ColumnLineageDatasetFacet.json#/$defs/ColumnLineageDatasetFacet",
      fields: {
        customer_id: { inputFields: [field("customer_id", ["DIRECT", "IDENTITY", "group key at orders/filter/aggregate"])] },
        orders: { inputFields: [] },
        total: { inputFields: [field("amount", ["DIRECT", "AGGREGATION", "aggregated SUM(amount) at orders/filter/aggregate"])] },
      },
      // Columns that decide rows, not values: the source contract, the filter, the grouping.
      dataset: [
        field("amount", ["INDIRECT", "FILTER", "source contract at orders"]),
        field("customer_id", ["INDIRECT", "FILTER", "source contract at orders"], ["INDIRECT", "GROUP_BY", "group by at orders/filter/aggregate"]),
        field("event_timestamp", ["INDIRECT", "FILTER", "source contract at orders"]),
        field("order_id", ["INDIRECT", "FILTER", "source contract at orders"]),
        field("status", ["INDIRECT", "FILTER", "filter at orders/filter"]),
      ],
    });

    // A job's lineage ends at its own inputs: big-spenders reads the topic customer-revenue writes, not orders.raw.v1.
    const big = events.find((e) => e.job.name === "big-spenders")!;
    expect(big.inputs.map((d) => d.name)).toEqual(["orders.customer-revenue.v1"]);
    const bigLineage = big.outputs[0]!.facets.columnLineage as unknown as { fields: Record<string, { inputFields: { name: string; field: string; transformations: { subtype: string; description: string }[] }[] }> };
    expect(bigLineage.fields.hour_end).toEqual({ inputFields: [{ namespace: kafka, name: "orders.customer-revenue.v1", field: "window_end", transformations: [{ type: "DIRECT", subtype: "IDENTITY", description: "renamed at customer_revenue/filter/select" }] }] });
    // A computed column is a TRANSFORMATION with its expression.
    const routing = events.find((e) => e.job.name === "order-routing")!;
    const paid = routing.outputs.find((d) => d.name === "orders.paid-stream.v1")!.facets.columnLineage as unknown as typeof bigLineage;
    expect(paid.fields.amount_cents!.inputFields).toEqual([{ namespace: kafka, name: "orders.raw.v1", field: "amount", transformations: [{ type: "DIRECT", subtype: "TRANSFORMATION", description: "computed CAST((amount * 100) AS BIGINT) at orders/with-columns" }] }]);
  });

  it("a pipeline's and a sink's description and owner: the documentation and ownership facets, valid against the spec", async () => {
    const dir = tmp();
    const file = path.join(dir, "events.jsonl");
    const r = await runCli(["synth", "test/fixtures/cli/hostile-names.ts", "--out", path.join(dir, "out"), "--no-typecheck", "--openlineage", file]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const [event] = readEvents(file);
    expect(specErrors(event!)).toEqual([]);
    const producer = "urn:streamt-sdk:0.1.0";
    expect(event!.job.facets.documentation).toEqual({ _producer: producer, _schemaURL: "https://openlineage.io/spec/facets/1-1-0/DocumentationJobFacet.json#/$defs/DocumentationJobFacet", description: "Keeps <b>bold</b> rows & drops the rest </p><script>window.pwned = 2</script>" });
    expect(event!.job.facets.ownership).toEqual({ _producer: producer, _schemaURL: "https://openlineage.io/spec/facets/1-0-1/OwnershipJobFacet.json#/$defs/OwnershipJobFacet", owners: [{ name: "team:data <ops@example.com>" }] });
    const output = event!.outputs[0]!;
    expect(output.facets.documentation).toEqual({ _producer: producer, _schemaURL: "https://openlineage.io/spec/facets/1-1-0/DocumentationDatasetFacet.json#/$defs/DocumentationDatasetFacet", description: "the <i>bold</i> rows" });
    expect(output.facets.ownership).toEqual({ _producer: producer, _schemaURL: "https://openlineage.io/spec/facets/1-0-1/OwnershipDatasetFacet.json#/$defs/OwnershipDatasetFacet", owners: [{ name: "team:\"quoted\" & co" }] });
    // Column names are field keys as they are: JSON needs no escaping beyond its own.
    expect(Object.keys((output.facets.columnLineage as unknown as { fields: object }).fields)).toEqual(["</script><script>window.pwned = 1</script>", "a & b <b>bold</b>", "q\"uote's"]);
  });

  it("the validator is not vacuous: an event breaking the spec is refused", async () => {
    const dir = tmp();
    const file = path.join(dir, "events.jsonl");
    expect((await runCli(["synth", "examples/customer-totals.ts", "--out", path.join(dir, "out"), "--no-typecheck", "--openlineage", file])).code).toBe(0);
    const [event] = readEvents(file);
    const broken = structuredClone(event!) as unknown as { eventTime: string; outputs: { facets: { columnLineage: { fields: { total: { inputFields: { namespace?: string }[] } } } } }[] };
    broken.eventTime = "yesterday";
    delete broken.outputs[0]!.facets.columnLineage.fields.total.inputFields[0]!.namespace;
    expect(specErrors(broken as unknown as Event)).toEqual([
      "event/eventTime must match format \"date-time\"",
      "customers.totals.v1.columnLineage/columnLineage/fields/total/inputFields/0 must have required property 'namespace'",
    ]);
  });

  it("a URL: each event POSTed as JSON to a loopback server; a server that refuses, or none, is STREAMT-O006 (exit 1)", async () => {
    const received: { url: string; type: string; body: Event }[] = [];
    let status = 201;
    const server = createServer((req: IncomingMessage, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        received.push({ url: `${req.method} ${req.url}`, type: req.headers["content-type"] ?? "", body: JSON.parse(body) as Event });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/lineage`;
    try {
      const dir = tmp();
      const file = path.join(dir, "events.jsonl");
      const entries = ["examples/customer-totals.ts", "examples/orders-payments.ts"];
      expect((await runCli(["synth", ...entries, "--out", path.join(dir, "a"), "--no-typecheck", "--openlineage", file])).code).toBe(0);
      const posted = await runCli(["synth", ...entries, "--out", path.join(dir, "b"), "--no-typecheck", "--openlineage", url]);
      expect(posted.stderr).toBe("");
      expect(posted.code).toBe(0);
      expect(received.map((r) => [r.url, r.type, r.body.job.name])).toEqual([
        ["POST /api/v1/lineage", "application/json", "customer-totals"],
        ["POST /api/v1/lineage", "application/json", "orders-payments"],
      ]);
      // The same events as the file's, but for their time.
      const withoutTime = (e: Event) => ({ ...e, eventTime: null });
      expect(received.map((r) => withoutTime(r.body))).toEqual(readEvents(file).map(withoutTime));

      status = 500;
      const refused = await runCli(["synth", ...entries, "--out", path.join(dir, "c"), "--no-typecheck", "--openlineage", url]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toBe(`error STREAMT-O006: the OpenLineage event of job customer-totals was not posted to ${url}: it answered 500 Internal Server Error; the output folder is written\n  fix: check the URL (e.g. http://localhost:5000/api/v1/lineage for Marquez) and that the server is up, then run synth again\n`);
      expect(readdirSync(path.join(dir, "c"))).toContain("customer-totals.sql");
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    const dir = tmp();
    const gone = await runCli(["synth", "examples/customer-totals.ts", "--out", path.join(dir, "d"), "--no-typecheck", "--openlineage", url]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toBe(`error STREAMT-O006: the OpenLineage event of job customer-totals was not posted to ${url}: it could not be reached (ECONNREFUSED); the output folder is written\n  fix: check the URL (e.g. http://localhost:5000/api/v1/lineage for Marquez) and that the server is up, then run synth again\n`);
  });

  it("bad input: a file that cannot be written (exit 1), a namespace without --openlineage (exit 2)", async () => {
    const dir = tmp();
    const noFolder = path.join(dir, "missing", "events.jsonl");
    const r = await runCli(["synth", "examples/customer-totals.ts", "--out", path.join(dir, "out"), "--no-typecheck", "--openlineage", noFolder]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`error STREAMT-O006: the OpenLineage events were not written to ${noFolder}: ENOENT: no such file or directory, open '${noFolder}'; the output folder is written\n  fix: pass a file in a folder you can write, or an http(s) URL\n`);
    const ns = await runCli(["synth", "examples/customer-totals.ts", "--no-typecheck", "--openlineage-namespace", "shop"]);
    expect(ns.code).toBe(2);
    expect(ns.stderr).toBe("streamt-sdk: --openlineage-namespace applies to the events of --openlineage <file|url>; add that option\nRun 'streamt-sdk --help' for usage.\n");
  });
});

import { describe, expect, it } from "vitest";
import { withEnvironmentProperties } from "../../packages/streamt-sdk/src/deploy/kafka-properties.js";

const script = `SET 'pipeline.name' = 'p';

-- source ev (p.ts:3)
CREATE TEMPORARY TABLE \`ev\` (
  \`k\` STRING
) WITH (
  'connector' = 'kafka',
  'topic' = 'in',
  'properties.bootstrap.servers' = 'b:9092',
  'properties.group.id' = 'p',
  'properties.security.protocol' = 'SSL',
  'format' = 'json'
);

-- sink ev/out (p.ts:4)
CREATE TEMPORARY TABLE \`out\` (
  \`k\` STRING
) WITH (
  'connector' = 'kafka',
  'topic' = 'it''s',
  'properties.bootstrap.servers' = 'b:9092',
  'format' = 'json'
);

-- print (p.ts:5)
CREATE TEMPORARY TABLE \`shown\` (
  \`k\` STRING
) WITH (
  'connector' = 'print'
);

INSERT INTO \`out\` SELECT * FROM \`ev\`;
`;

describe("withEnvironmentProperties", () => {
  it("adds the environment's properties to each Kafka table on its bootstrap line, secrets as placeholders, the table's own first; no line added", () => {
    const deployed = withEnvironmentProperties(script, { "security.protocol": "SASL_SSL", "sasl.jaas.config": { env: "KAFKA_JAAS" }, "client.id.prefix": "it's" });
    expect(deployed.split("\n").length).toBe(script.split("\n").length);
    const changed = deployed.split("\n").filter((line, i) => line !== script.split("\n")[i]);
    expect(changed).toEqual([
      // The source sets security.protocol itself: its own value stays, the environment's is not added.
      `  'properties.bootstrap.servers' = 'b:9092', 'properties.client.id.prefix' = 'it''s', 'properties.sasl.jaas.config' = '\${env:KAFKA_JAAS}',`,
      `  'properties.bootstrap.servers' = 'b:9092', 'properties.client.id.prefix' = 'it''s', 'properties.sasl.jaas.config' = '\${env:KAFKA_JAAS}', 'properties.security.protocol' = 'SASL_SSL',`,
    ]);
  });

  it("a bootstrap line that ends the WITH block (no comma after it) gets none after the added properties either", () => {
    const last = "CREATE TABLE `t` (`k` STRING) WITH (\n  'connector' = 'kafka',\n  'properties.bootstrap.servers' = 'b:9092'\n);\n";
    expect(withEnvironmentProperties(last, { "security.protocol": "SSL" })).toBe(
      "CREATE TABLE `t` (`k` STRING) WITH (\n  'connector' = 'kafka',\n  'properties.bootstrap.servers' = 'b:9092', 'properties.security.protocol' = 'SSL'\n);\n",
    );
  });

  it("leaves the script as it is without properties", () => {
    expect(withEnvironmentProperties(script, {})).toBe(script);
  });
});

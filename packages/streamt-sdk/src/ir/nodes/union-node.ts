import { commonType, formatType } from "../data-type.js";
import { mergeWatermarks, NO_STATE, timeFromSchema, type Column, type NodeBase } from "../node-base.js";
import type { PlanNode } from "../plan-node.js";
import { invalid, type NodeOrigin } from "./node-checks.js";

/** `UNION ALL` of inputs with the same column names, in the same order. */
export interface UnionNode extends NodeBase {
  readonly kind: "union";
  readonly inputs: readonly PlanNode[];
}

export function unionNode(origin: NodeOrigin, inputs: readonly PlanNode[]): UnionNode {
  const [first, ...rest] = inputs;
  if (!first) invalid(origin, "union() needs at least one input", "pass the streams to merge");
  let schema: Column[] = [...first.schema];
  for (const other of rest) {
    const names = other.schema.map((c) => c.name).join(", ");
    if (names !== schema.map((c) => c.name).join(", ")) {
      invalid(origin, `union() inputs have different columns: (${schema.map((c) => c.name).join(", ")}) vs (${names})`,
        "select the same columns, in the same order, on every input");
    }
    schema = schema.map((c, i) => {
      const o = other.schema[i]!;
      const type = commonType(c.type, o.type);
      if (!type) invalid(origin, `union() column '${c.name}' is ${formatType(c.type)} on one input and ${formatType(o.type)} on another`, "cast one side so the types agree");
      // A time attribute survives a union only when every input has it on the same column.
      const time = c.time && c.time === o.time ? c.time : undefined;
      return time ? { name: c.name, type, time } : { name: c.name, type };
    });
  }
  const updating = inputs.some((i) => i.changelog.mode === "updating");
  const watermark = inputs.map((i) => i.time.watermark).reduce(mergeWatermarks, null);
  return {
    kind: "union",
    path: origin.path,
    site: origin.site,
    inputs,
    schema,
    changelog: updating ? { mode: "updating", key: null } : { mode: "append" },
    time: timeFromSchema(schema, watermark),
    state: NO_STATE,
  };
}

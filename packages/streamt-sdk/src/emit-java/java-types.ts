import type { DataType } from "../ir/data-type.js";
import { javaString } from "./java-text.js";

/** A Flink data type as Table API code: `DataTypes.DECIMAL(10, 2).notNull()`. */
export function dataTypeJava(type: DataType): string {
  return `${baseType(type)}${type.nullable ? "" : ".notNull()"}`;
}

function baseType(type: DataType): string {
  switch (type.kind) {
    case "DECIMAL":
      return `DataTypes.DECIMAL(${type.precision}, ${type.scale})`;
    case "TIMESTAMP":
    case "TIMESTAMP_LTZ":
      return `DataTypes.${type.kind}(${type.precision})`;
    case "ARRAY":
      return `DataTypes.ARRAY(${dataTypeJava(type.element)})`;
    case "MAP":
      return `DataTypes.MAP(${dataTypeJava(type.key)}, ${dataTypeJava(type.value)})`;
    case "ROW":
      return `DataTypes.ROW(${type.fields.map((f) => `DataTypes.FIELD(${javaString(f.name)}, ${dataTypeJava(f.type)})`).join(", ")})`;
    default:
      return `DataTypes.${type.kind}()`;
  }
}

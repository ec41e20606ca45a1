import { withNullable, type DataType } from "../ir/data-type.js";
import { dataTypeJava } from "./java-types.js";

const nullOf = (t: DataType): string => `nullOf(${dataTypeJava(withNullable(t, true))})`;

/**
 * The Table API twin of the SQL output's notNullPlaceholder (emit-sql/source-contract.ts): a NOT NULL value
 * of the type for `coalesce(column, value)`, never used after the contract's filter, that makes Flink derive
 * the column NOT NULL as the plan has it.
 */
export function notNullPlaceholderJava(t: DataType): string {
  const cast = (java: string) => `${java}.cast(${dataTypeJava(withNullable(t, true))})`;
  switch (t.kind) {
    case "STRING":
      return `lit("")`;
    case "BOOLEAN":
      return "lit(false)";
    case "INT":
      return "lit(0)";
    case "TINYINT":
    case "SMALLINT":
    case "BIGINT":
    case "FLOAT":
    case "DOUBLE":
    case "DECIMAL":
      return cast("lit(0)");
    case "DATE":
      return `lit(LocalDate.of(1970, 1, 1))`;
    case "TIMESTAMP":
    case "TIMESTAMP_LTZ":
      return cast(`lit(LocalDateTime.of(1970, 1, 1, 0, 0), DataTypes.TIMESTAMP(0).notNull())`);
    case "BYTES":
      return "lit(new byte[0])";
    case "ARRAY":
      return `array(${nullOf(t.element)})`;
    case "MAP":
      return `map(${nullOf(t.key)}, ${nullOf(t.value)})`;
    case "ROW":
      return `row(${t.fields.map((f) => nullOf(f.type)).join(", ")})`;
  }
}

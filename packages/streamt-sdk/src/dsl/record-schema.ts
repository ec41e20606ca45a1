import { z } from "zod";

/**
 * A record of user-named keys that refuses "__proto__" with `reserved`, where zod's record would leave it
 * out of what it returns without an issue (it guards the object it builds): an option under that name
 * would be ignored in silence. The check runs on the record as given, before zod reads it; the typed
 * input is the record's.
 */
export function userKeyedRecord<K extends z.core.$ZodRecordKey, V extends z.core.SomeType>(key: K, value: V, reserved: string) {
  const record = z.record(key, value);
  return z.preprocess<unknown, typeof record, z.input<typeof record>>((given, ctx) => {
    if (typeof given === "object" && given !== null && Object.hasOwn(given, "__proto__")) ctx.addIssue({ code: "custom", message: reserved, path: ["__proto__"], input: given });
    return given;
  }, record);
}

/**
 * Click deduplication: producers retry, so the same event_id can arrive more than once. Keep the
 * first copy per event_id (by processing time, so the result stays append-only) and forget ids after
 * a day.
 */
import { pipeline, source } from "streamt-sdk";
import { ClickEvent } from "./shared/schemas.js";

export const clicks = source("clicks", { topic: "web.clicks.v1", schema: ClickEvent }).processingTime("proc_time");

export const uniqueClicks = clicks
  .deduplicate({ key: ["event_id"], keep: "first", ttl: "1d" })
  .select("event_id", "user_id", "action", "event_time");

export default pipeline("event-dedup", { checkpointInterval: "1m" })
  .write(uniqueClicks.toKafka("web.clicks.unique.v1"));

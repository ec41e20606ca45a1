/**
 * Page-view sessions: a session per user closes after 30 minutes without a view.
 */
import { count, countDistinct, pipeline, source } from "streamt-sdk";
import { PageView } from "./shared/schemas.js";

export const pageViews = source("page_views", { topic: "web.page-views.v1", schema: PageView })
  .eventTime("viewed_at")
  .watermark("10s")
  .idleTimeout("1m");

export const sessions = pageViews
  .session("30m")
  .groupBy("user_id")
  .aggregate({ views: count(), distinct_pages: countDistinct("url") });

export default pipeline("page-view-sessions", { checkpointInterval: "1m" })
  .write(sessions.toKafka("web.sessions.v1"));

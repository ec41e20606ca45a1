import type { SourceNode } from "../ir/nodes/source-node.js";
import { quoteIdent as q, quoteString } from "./sql-text.js";

/**
 * What a test run (streamt-sdk/testing) adds to a pipeline's script, and nothing else does:
 *
 * - every source is bounded: it reads its topic up to the offsets it has when the job starts (the test
 *   produced its input before), so the job ends when its input is consumed, and Flink then emits the
 *   final watermark (every window fires). A restore test's jobs are not: the test stops each with a
 *   savepoint once its sources have committed the end of their input (testing/upgrade-run.ts);
 * - a source with a watermark emits it after each record (`'scan.watermark.emit.strategy' = 'on-event'`),
 *   not every 200 ms: a test job reads its whole input within one such interval, so a record read
 *   after a watermark step would otherwise not yet be behind it;
 * - a watermark step is a heartbeat record in the source's topic: a Kafka header `streamt-heartbeat` and
 *   an event time. The WATERMARK is declared on the Kafka table, so the heartbeat moves it; the source's
 *   contract view, which every step reads, leaves heartbeats out, and so does its violations sink.
 */
export const HEARTBEAT_HEADER = "streamt-heartbeat";

/** The connector options a test run adds to a source's table. */
export function testSourceOptions(n: SourceNode, bounded: boolean): [string, string][] {
  const opts: [string, string][] = bounded ? [["scan.bounded.mode", "latest-offset"]] : [];
  if (n.eventTime?.watermark) opts.push(["scan.watermark.emit.strategy", "on-event"]);
  return opts;
}

/** Whether a test run can send heartbeats to a source: it has a watermark and a contract view to filter them in. */
export function takesHeartbeats(n: SourceNode, hasContract: boolean): boolean {
  return n.eventTime?.watermark != null && hasContract;
}

/** The name of the source table's Kafka-headers column in a test run (not one of the source's own columns). */
export function headersColumn(n: SourceNode): string {
  const taken = new Set([...n.physical.map((c) => c.name), ...(n.processingTime ? [n.processingTime] : [])]);
  let name = "__streamt_headers";
  for (let i = 2; taken.has(name); i++) name = `__streamt_headers_${i}`;
  return name;
}

/** The headers column's declaration in the source table: read-only metadata, never written. */
export function headersColumnSql(n: SourceNode): string {
  return `${q(headersColumn(n))} MAP<STRING, BYTES> METADATA FROM 'headers' VIRTUAL`;
}

/** The condition that keeps the source's own records (not heartbeats). */
export function notHeartbeat(n: SourceNode): string {
  return `${q(headersColumn(n))}[${quoteString(HEARTBEAT_HEADER)}] IS NULL`;
}

/**
 * streamt-sdk: typed streaming pipelines for Apache Flink.
 *
 * DSL -> plan IR -> analysis -> emitters. This module exports the DSL users write pipelines with, and
 * the IR types for tools that read plans. The local Flink/Kafka runtime is `streamt-sdk/runtime`.
 */
export { t, type Col, type Row, type RowSchema, type ColumnType, type Infer } from "./dsl/schema.js";
export { source, registerSources, clearSourceCatalog, type SourceCatalog, type SourceStream, type SourceOptions, type FromSinkOptions, type SourceFromSink } from "./dsl/source.js";
export type { Stream, Traits, Append, WindowedStream, GroupedStream, WindowGroupedStream, JoinOn, WindowOptions, HopWindow, CumulateWindow, StateOptions } from "./dsl/stream.js";
export type { CheckedStream } from "./dsl/stream.js";
export type { CheckRules, CheckOptions, CheckFailureRow, Bounds } from "./dsl/check.js";
export { pipeline, isPipeline, type Pipeline, type PipelineOptions } from "./dsl/pipeline.js";
export type { Sink, KafkaSinkOptions, UpsertKafkaSinkOptions, SinkOptions } from "./dsl/sink.js";
export { count, countDistinct, sum, avg, min, max, firstValue, lastValue, stddevPop, stddevSamp, varPop, varSamp, listagg, arrayAgg, type AggSpec } from "./dsl/aggregates.js";
export { lit, when, coalesce, concat, currentTimestamp, timestampDiff, jsonObject, jsonString, fn, type Expr, type RowExprs, type JsonInput, type DeclaredFunction } from "./dsl/expr.js";
export type { Duration } from "./dsl/duration.js";
export type { StreamtTypeError } from "./dsl/type-error.js";
export { env, type SecretRef } from "./dsl/secret.js";
export { defineConfig, type StreamtConfigInput, type DeployMode } from "./deploy/define-config.js";
export { StreamtError, isStreamtError } from "./errors.js";
export type { Plan, PipelineDef, PipelineSettings } from "./ir/plan.js";
export type { PlanNode } from "./ir/plan-node.js";
export { lineageOf, LINEAGE_VERSION, type Lineage, type ColumnTrace, type ColumnOrigin, type RowInfluence, type SinkLineage, type Derivation } from "./lineage/column-lineage.js";
export { lineageSchema, lineageJson, lineageText, type LineageJson } from "./lineage/render.js";

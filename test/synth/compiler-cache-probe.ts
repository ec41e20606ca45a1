/**
 * Run in a fresh process by compiler-cache.test.ts: loads the TypeScript compiler through the code cache in
 * the folder given, uses it, saves the cache, and prints what happened as JSON.
 */
import { codeCacheNotes, compilerOrigin, loadCompilerWithCodeCache, saveCompilerCodeCache } from "../../packages/streamt-sdk/src/synth/compiler-cache.js";

loadCompilerWithCodeCache(process.argv[2]!);
const { ts } = await import("ts-morph");
const out = ts.transpileModule("const x: number = 1;", { compilerOptions: { target: ts.ScriptTarget.ES5 } }).outputText;
saveCompilerCodeCache();
console.log(JSON.stringify({ origin: compilerOrigin(), notes: codeCacheNotes(), out }));

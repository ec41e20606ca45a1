import { main, type Io } from "../../packages/streamt-sdk/src/cli/main.js";

/** The CLI run in this process through main(), in `cwd`: its exit code and what it printed. */
export async function mainIn(cwd: string, argv: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const io: Io = { out: (t) => (out += t), err: (t) => (err += t), cwd };
  const code = await main(argv, io);
  return { code, out, err };
}

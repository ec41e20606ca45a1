/**
 * One planner validator JVM per Flink target for the whole test run, shared by the test files over a
 * loopback socket, as the job server is (test/e2e/global-setup.ts starts the relay). A validator answers
 * each script from a table environment of its own, so a file's scripts see nothing of another's; what the
 * files share is the JVM's start (~2.5 s to the first answer) and its JIT, warm after the first file (a
 * cold planner takes several times longer per script). A file run without the global setup starts a
 * validator of its own.
 */
import { createConnection, createServer, type Socket } from "node:net";
import { createInterface } from "node:readline";
import { PlannerValidator, type ValidateOptions, type ValidationResult } from "../../packages/streamt-sdk/src/runtime/planner-validator.js";

/** Where the test workers find the relay: "127.0.0.1:<port>". */
export const VALIDATORS_ENV = "STREAMT_TEST_VALIDATORS";

type Target = "2" | "1.20";

interface Request {
  readonly seq: number;
  readonly target: Target;
  readonly id: string;
  readonly script: string;
  readonly options: ValidateOptions;
}

interface Reply {
  readonly seq: number;
  readonly result?: ValidationResult;
  readonly error?: string;
}

/** What the test files use of a validator. */
export interface ScriptValidator {
  validate(id: string, script: string, options?: ValidateOptions): Promise<ValidationResult>;
  validateAll(scripts: readonly { id: string; script: string }[], options?: ValidateOptions): Promise<ValidationResult[]>;
  /** Ends this file's use (the shared JVM stays for the next file). */
  close(): Promise<void>;
}

/** The relay: starts each target's validator with its first request; close() stops them. */
export async function shareValidators(): Promise<{ readonly address: string; close(): Promise<void> }> {
  const validators = new Map<Target, Promise<PlannerValidator>>();
  const validatorFor = (target: Target): Promise<PlannerValidator> => {
    let v = validators.get(target);
    if (!v) validators.set(target, (v = PlannerValidator.start(target)));
    return v;
  };
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    createInterface({ input: socket }).on("line", (line) => {
      let r: Request;
      try {
        r = JSON.parse(line) as Request;
      } catch {
        // Not a request (no client of this module writes one): nothing to answer, and the relay goes on.
        return;
      }
      const answer = (reply: Reply): void => void socket.write(`${JSON.stringify(reply)}\n`);
      validatorFor(r.target)
        .then((v) => v.validate(r.id, r.script, r.options))
        .then(
          (result) => answer({ seq: r.seq, result }),
          (e: unknown) => {
            // A validator that exited answers nothing more: the next request starts another.
            validators.delete(r.target);
            answer({ seq: r.seq, error: e instanceof Error ? e.message : String(e) });
          },
        );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return {
    address: `127.0.0.1:${port}`,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
      await Promise.all([...validators.values()].map(async (v) => (await v.catch(() => null))?.close()));
    },
  };
}

/** The run's shared validator of `target` (or, without the relay, a validator of this file's own). */
export async function sharedValidator(target: Target): Promise<ScriptValidator> {
  const address = process.env[VALIDATORS_ENV];
  if (!address) return PlannerValidator.start(target);
  const [host, port] = address.split(":");
  const socket = createConnection({ host: host!, port: Number(port) });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  socket.unref();
  const pending = new Map<number, { resolve: (r: ValidationResult) => void; reject: (e: Error) => void }>();
  let seq = 0;
  createInterface({ input: socket }).on("line", (line) => {
    const reply = JSON.parse(line) as Reply;
    const waiting = pending.get(reply.seq);
    pending.delete(reply.seq);
    if (reply.result) waiting?.resolve(reply.result);
    else waiting?.reject(new Error(`the shared Flink ${target} validator: ${reply.error ?? "no answer"}`));
  });
  socket.on("close", () => {
    for (const w of pending.values()) w.reject(new Error(`the connection to the shared Flink ${target} validator closed`));
    pending.clear();
  });
  // The connection keeps the worker alive only while an answer is awaited.
  const validate = async (id: string, script: string, options: ValidateOptions = {}): Promise<ValidationResult> => {
    const request: Request = { seq: ++seq, target, id, script, options };
    socket.ref();
    try {
      return await new Promise<ValidationResult>((resolve, reject) => {
        pending.set(request.seq, { resolve, reject });
        socket.write(`${JSON.stringify(request)}\n`);
      });
    } finally {
      if (pending.size === 0) socket.unref();
    }
  };
  return {
    validate,
    validateAll: (scripts, options = {}) => Promise.all(scripts.map((s) => validate(s.id, s.script, options))),
    close: async () => {
      socket.end();
    },
  };
}

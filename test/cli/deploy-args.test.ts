import { describe, expect, it } from "vitest";
import { parseCommand } from "../../packages/streamt-sdk/src/cli/args.js";
import { usage } from "./support.js";


describe("plan / apply / destroy arguments", () => {
  it("parse with their flags, entries from the command line or package.json", () => {
    expect(parseCommand(["plan", "--env", "dev", "--json", "p.ts"])).toEqual({ command: "plan", env: "dev", json: true, typecheck: true, entries: ["p.ts"] });
    expect(parseCommand(["apply", "--env", "prod", "--allow-state-loss", "--yes", "--no-typecheck"], { entries: ["src/a.ts"] })).toEqual({
      command: "apply",
      env: "prod",
      allowStateLoss: true,
      yes: true,
      typecheck: false,
      entries: ["src/a.ts"],
    });
    expect(parseCommand(["destroy", "--env", "staging", "--delete-topics", "p.ts"])).toEqual({ command: "destroy", env: "staging", deleteTopics: true, yes: false, typecheck: true, entries: ["p.ts"] });
  });

  it("apply without --allow-state-loss or --yes: neither is given (apply then refuses a change that loses state)", () => {
    expect(parseCommand(["apply", "--env", "staging", "p.ts"])).toEqual({ command: "apply", env: "staging", allowStateLoss: false, yes: false, typecheck: true, entries: ["p.ts"] });
  });

  it("refuses a missing --env, an option of another command, and no entry", () => {
    expect(usage(["apply", "p.ts"])).toBe("apply needs --env <name>: dev (the local cluster of `dev up`) or an environment of streamt.config.ts");
    expect(usage(["apply", "--env", "dev", "--delete-topics", "p.ts"])).toBe("option --delete-topics does not apply to 'apply'; it takes --env, --allow-state-loss, --yes, --no-typecheck");
    expect(usage(["plan", "--env", "dev", "--allow-state-loss", "p.ts"])).toBe("option --allow-state-loss does not apply to 'plan'; it takes --env, --json, --no-typecheck");
    expect(usage(["destroy", "--env", "dev"])).toBe('destroy needs an entry module: streamt-sdk destroy path/to/pipelines.ts (or set "streamt": { "entries": [...] } in package.json)');
  });
});

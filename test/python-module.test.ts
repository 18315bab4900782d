// The praisonai_svc Python module's own tests (test/python/, unittest), run with the runner's PYTHONPATH.
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { pythonEnv } from "../src/runner/python/interpreter.js";
import { ROOT } from "./support/cli.js";
import { PYDANTIC_PYTHON } from "./support/python.js";

const run = promisify(execFile);

describe("the praisonai_svc Python module", () => {
  it("passes its unittest suite", async () => {
    const { stderr } = await run(
      PYDANTIC_PYTHON,
      ["-m", "unittest", "discover", "-s", path.join(ROOT, "test/python"), "-v"],
      {
        env: pythonEnv(process.env),
        timeout: 60_000,
      },
    ).catch((e: { stderr: string }) => ({ stderr: e.stderr }));
    expect(stderr).toMatch(/Ran \d+ tests[\s\S]*\nOK\n?$/);
    expect(stderr).not.toMatch(/skipped/);
  }, 90_000);
});

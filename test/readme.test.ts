// The README is the user's first contact: its commands and configuration table must stay true.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { SETTINGS } from "../src/config/settings.js";
import { ROOT } from "./support/cli.js";

const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8"));

describe("README", () => {
  it("opens with the install-and-start command and the test command", () => {
    const firstBlock = readme.split("```bash")[1]?.split("```")[0] ?? "";
    expect(firstBlock).toMatch(/^npm ci && npm start\b/m);
    expect(firstBlock).toMatch(/^npm test\b/m);
    expect(pkg.scripts.start).toContain("run examples/ppt/handlers.ts");
  });

  it("documents every setting with its default, and no setting that does not exist", () => {
    // The defaults themselves are pinned as literals in test/config.test.ts.
    const rows = new Map(
      [
        ...readme.matchAll(
          /^\| `((?:PRAISONAI_SVC_|PORT|HOST|APPLICATIONINSIGHTS_|OTEL_)\w*)` \| (unset|`[^`]*`) \|/gm,
        ),
      ].map((m) => [m[1], m[2]]),
    );
    const expected = new Map(
      Object.values(SETTINGS).map((s) => [s.env, s.default === "" ? "unset" : `\`${s.default}\``]),
    );
    expect(Object.fromEntries(rows)).toEqual(Object.fromEntries(expected));
  });
});

// The release path, checked without running it (no npm account here): the workflow publishes with provenance
// from a pinned, least-privilege job; package.json refuses a publish without provenance; the changelog and
// security policy have the parts users look for.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ROOT } from "./support/cli.js";
import { projectWith, runToEnd, userEnv } from "./support/npm.js";

const text = (file: string) => readFileSync(path.join(ROOT, file), "utf8");

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
}
interface Job {
  if?: string;
  needs?: string;
  environment?: string;
  permissions?: Record<string, string>;
  steps: Step[];
}
const WORKFLOW_FILE = ".github/workflows/publish.yml";
const workflow = parse(text(WORKFLOW_FILE)) as {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  jobs: Record<string, Job>;
};
const jobs = workflow.jobs;
const runs = (job: Job) => job.steps.map((s) => s.run ?? "").join("\n");

describe("the publish workflow", () => {
  it("pins every action to a full commit, with the version as a comment", () => {
    const uses = text(WORKFLOW_FILE).match(/uses: \S+.*/g) ?? [];
    expect(uses.length).toBeGreaterThan(0);
    for (const line of uses) expect(line).toMatch(/^uses: [\w-]+\/[\w-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
  });

  it("grants nothing by default, and the OIDC token only to the jobs that publish, behind the npm environment", () => {
    expect(workflow.permissions).toEqual({});
    for (const [name, job] of Object.entries(jobs)) {
      const publishes = /npm publish/.test(runs(job));
      expect(job.permissions?.["id-token"] === "write", name).toBe(publishes);
      if (publishes) expect(job.environment, name).toBe("npm");
    }
  });

  it("publishes the tarball the verified job packed, with provenance, after the whole test suite", () => {
    expect(Object.keys(workflow.on).sort()).toEqual(["push", "workflow_dispatch"]);
    const verify = runs(jobs.verify as Job);
    expect(verify).toMatch(/GITHUB_REF_NAME" != "v\$version"/);
    expect(verify).toMatch(/CHANGELOG\.md/);
    expect(verify).toMatch(/bash \.ci\/run/);
    expect(verify).toMatch(/npm pack --ignore-scripts/);
    expect(jobs.publish?.needs).toBe("verify");
    expect(runs(jobs.publish as Job)).toMatch(
      /^npm publish \.\/praisonai-svc-\*\.tgz --provenance --access public$/m,
    );
    expect(runs(jobs.publish as Job)).toMatch(/npm install -g npm@11/);
  });

  it.each([
    ["v0.2.0", "## [0.2.0] - 2027-01-15", 0],
    ["v0.2.1", "## [0.2.0] - 2027-01-15", 1],
    ["v0.2.0", "## [Unreleased]", 1],
  ])("gates tag %s against a changelog with %j (exit %i)", async (tag, heading, exit) => {
    const step = (jobs.verify as Job).steps.find((s) => s.name?.startsWith("The tag is the version"));
    const dir = projectWith("gate", {
      "package.json": JSON.stringify({ name: "x", version: "0.2.0" }),
      "CHANGELOG.md": `# Changelog\n\n${heading}\n\n### Added\n\n- a thing\n`,
    });
    const gate = await runToEnd(
      "bash",
      ["-e", "-c", step?.run ?? "exit 9"],
      dir,
      30_000,
      userEnv({ GITHUB_REF_NAME: tag }),
    );
    expect(gate.code, gate.out).toBe(exit);
  });

  it("publishes the defensive packages only by hand, after praisonai-svc, and deprecates each", () => {
    const job = jobs["defensive-packages"] as Job;
    expect(job.if).toBe("github.event_name == 'workflow_dispatch'");
    expect(runs(job)).toMatch(/npm view praisonai-svc version[^\n]*publish praisonai-svc first/);
    expect(runs(job)).toMatch(/npm publish "\$dir" --provenance/);
    expect(runs(job)).toMatch(/npm deprecate "\$name"/);
  });
});

describe("package.json", () => {
  const pkg = JSON.parse(text("package.json"));

  it("refuses to publish without provenance, and names the repository provenance is checked against", () => {
    expect(pkg.publishConfig).toEqual({ access: "public", provenance: true });
    expect(pkg.repository.url).toBe("git+https://github.com/MervinPraison/PraisonAI-SVC.git");
    expect(pkg.license).toBe("MIT");
    expect(text("LICENSE")).toMatch(/^MIT License/);
  });
});

describe("CHANGELOG.md", () => {
  const changelog = text("CHANGELOG.md");
  const headings = changelog.match(/^## .*/gm) ?? [];

  it("follows Keep a Changelog: Unreleased first, then released versions with their dates", () => {
    expect(changelog).toMatch(/^# Changelog\n/);
    expect(changelog).toContain("https://keepachangelog.com/en/1.1.0/");
    expect(headings[0]).toBe("## [Unreleased]");
    for (const h of headings.slice(1))
      expect(h).toMatch(/^## \[\d+\.\d+\.\d+(-[\w.]+)?\] - \d{4}-\d{2}-\d{2}$/);
  });

  it("groups changes only under the six kinds Keep a Changelog names", () => {
    for (const h of changelog.match(/^### .*/gm) ?? []) {
      expect(h).toMatch(/^### (Added|Changed|Deprecated|Removed|Fixed|Security)$/);
    }
  });
});

describe("SECURITY.md", () => {
  it("says how to report privately, which versions get fixes and what happens next", () => {
    const policy = text("SECURITY.md");
    for (const section of ["## Supported versions", "## Reporting a vulnerability", "## What happens next"]) {
      expect(policy).toContain(section);
    }
    expect(policy).toContain("https://github.com/MervinPraison/PraisonAI-SVC/security/advisories/new");
    expect(policy).toMatch(/Do not open a public issue/);
  });
});

// `deploy azure` against the fake Azure CLI: the commands of a first deploy, an idempotent second one,
// a dry run that changes nothing, the other worker layouts, and secrets that never show.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { cli, isMutating, sandbox } from "./fixtures/az/fake-az.js";

const KEY = "test-key-0123456789abcdef";

describe("deploy azure", () => {
  it("runs the expected az commands, in order, on a first deploy", async () => {
    const box = sandbox();
    const { code, output } = await cli(box, ["deploy", "azure", "--cors-origins", "https://wp.example.com"]);
    expect(code, output).toBe(0);
    const calls = box.calls();
    const registry = /acr create --name (\w+)/.exec(calls.join("\n"))?.[1] ?? "";
    const storage = /storage account check-name --name (\w+)/.exec(calls.join("\n"))?.[1] ?? "";
    const tag = /--image (demo-svc:src-[0-9a-f]{12})/.exec(calls.join("\n"))?.[1] ?? "";
    const project = box.project;
    expect(calls).toEqual([
      "account show",
      "provider show --namespace Microsoft.App",
      "group exists --name demo-svc-rg",
      "group create --name demo-svc-rg --location uksouth --tags managed-by=praisonai-svc",
      `acr show --name ${registry}`,
      `acr check-name --name ${registry}`,
      `acr create --name ${registry} --resource-group demo-svc-rg --location uksouth --sku Basic --admin-enabled true`,
      `storage account check-name --name ${storage}`,
      `acr build --registry ${registry} --image ${tag} --file ${project}/Dockerfile --no-logs --timeout 3600 ${project}`,
      expect.stringMatching(
        new RegExp(
          `^deployment group create --resource-group demo-svc-rg --name praisonai-svc-[0-9a-f]{12} ` +
            `--template-file ${project}/azure/main.json --parameters @${project}/azure/main.parameters.json ` +
            "--parameters @\\S+secrets.parameters.json$",
        ),
      ),
    ]);
    expect(registry).toMatch(/^demosvccr[0-9a-f]{8}$/);
    expect(storage).toMatch(/^demosvcst[0-9a-f]{8}$/);
    // Progress is steps with status and time, not az JSON.
    expect(output).toMatch(/✔ Resource group demo-svc-rg \(created\)\s+\d+\.\ds/);
    expect(output).toMatch(/✔ Deployment praisonai-svc-[0-9a-f]{12} \(deployed\)/);
    expect(output).not.toMatch(/"provisioningState"/);
    expect(output).toContain("https://demo-svc.fake-env-1234.uksouth.azurecontainerapps.io");
    // The generated API key is shown once and is the one stored as the app's secret.
    const shownKey = /shown only this once.*\n\s+(\S+)/.exec(output)?.[1];
    const apps = box.state().apps as Record<string, { secrets: Record<string, string> }>;
    expect(shownKey).toBe(apps["demo-svc-rg/demo-svc"]?.secrets["api-keys"]);
    const state = JSON.parse(readFileSync(path.join(project, "azure", "praisonai-svc.json"), "utf8"));
    expect(state).toMatchObject({
      app: "demo-svc",
      resourceGroup: "demo-svc-rg",
      registry,
      storageAccount: storage,
    });
    expect(JSON.stringify(state)).not.toContain(shownKey);
  });

  it("changes nothing on a second deploy of the same code and options", async () => {
    const box = sandbox();
    const args = ["deploy", "azure", "--cors-origins", "https://wp.example.com", "--api-keys", KEY];
    expect((await cli(box, args)).code).toBe(0);
    const first = box.calls().length;
    const again = await cli(box, args);
    expect(again.code, again.output).toBe(0);
    const second = box.calls().slice(first);
    expect(second.filter(isMutating)).toEqual([]);
    expect(second.map((c) => c.split(" --")[0])).toEqual([
      "account show",
      "provider show",
      "group exists",
      "acr show",
      "storage account show",
      "acr repository show",
      "containerapp secret show",
      "deployment group show",
    ]);
    expect(again.output).toMatch(/up to date, nothing to change/);
    expect(again.output).toMatch(/Already up to date/);
  });

  it("redeploys when the code changes, rebuilding only the image and the deployment", async () => {
    const box = sandbox();
    expect((await cli(box, ["deploy", "azure", "--api-keys", KEY])).code).toBe(0);
    const first = box.calls().length;
    const handlers = path.join(box.project, "handlers.ts");
    writeFileSync(handlers, readFileSync(handlers, "utf8").replace("Hello,", "Hi,"));
    const again = await cli(box, ["deploy", "azure"]);
    expect(again.code, again.output).toBe(0);
    const changes = box.calls().slice(first).filter(isMutating);
    expect(changes.map((c) => c.split(" --")[0])).toEqual(["acr build", "deployment group create"]);
    // No --api-keys this time: the running app's keys are kept, not replaced.
    expect(again.output).toMatch(/API keys \(kept from the running app\)/);
    const apps = box.state().apps as Record<string, { secrets: Record<string, string> }>;
    expect(apps["demo-svc-rg/demo-svc"]?.secrets["api-keys"]).toBe(KEY);
  });

  it("writes the template and prints every command on --dry-run, changing nothing in Azure", async () => {
    const box = sandbox();
    const { code, output } = await cli(box, ["deploy", "azure", "--dry-run", "--api-keys", KEY]);
    expect(code, output).toBe(0);
    expect(box.calls().filter(isMutating)).toEqual([]);
    expect(box.state()).toMatchObject({ groups: {}, registries: {}, images: [], deployments: {}, apps: {} });
    expect(existsSync(path.join(box.project, "azure", "main.json"))).toBe(true);
    expect(existsSync(path.join(box.project, "azure", "praisonai-svc.json"))).toBe(false);
    for (const verb of ["group create", "acr create", "acr build", "deployment group create"]) {
      expect(output).toMatch(new RegExp(`would run: az ${verb} `));
    }
    expect(output).toMatch(/ran: +az account show/);
    expect(output).not.toContain(KEY);
  });

  it("shows each command with --verbose, with the API keys masked", async () => {
    const box = sandbox();
    const { code, output } = await cli(box, ["deploy", "azure", "--verbose", "--api-keys", KEY]);
    expect(code, output).toBe(0);
    expect(output).toMatch(/\$ az group create --name demo-svc-rg/);
    expect(output).toMatch(/\$ az deployment group create /);
    expect(output).not.toContain(KEY);
    for (const file of ["main.json", "main.parameters.json", "praisonai-svc.json"]) {
      expect(readFileSync(path.join(box.project, "azure", file), "utf8")).not.toContain(KEY);
    }
  });

  it.each([
    ["separate-app", "Microsoft.App/containerApps", 2],
    ["job", "Microsoft.App/jobs", 1],
  ])("deploys the %s worker layout", async (layout, type, count) => {
    const box = sandbox();
    const { code, output } = await cli(box, [
      "deploy",
      "azure",
      "--worker-layout",
      layout,
      "--api-keys",
      KEY,
    ]);
    expect(code, output).toBe(0);
    const template = JSON.parse(readFileSync(path.join(box.project, "azure", "main.json"), "utf8"));
    const resources = template.resources as { type: string }[];
    expect(resources.filter((r) => r.type === type)).toHaveLength(count);
    const state = JSON.parse(readFileSync(path.join(box.project, "azure", "praisonai-svc.json"), "utf8"));
    expect(state.layout).toBe(layout);
  });
});

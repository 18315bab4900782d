// `deploy azure` against the fake Azure CLI: the commands of a first deploy, an idempotent second one,
// a dry run that changes nothing, the other worker layouts, and secrets that never show.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { cli, FAKE_AZ_DIR, isMutating, sandbox } from "./fixtures/az/fake-az.js";
import { runToEnd } from "./support/npm.js";

const KEY = "test-key-0123456789abcdef";

/** The image tags `acr build` built, in order, among `calls`. */
const builtTags = (calls: string[]): string[] =>
  calls.flatMap((c) => /^acr build .*--image (\S+)/.exec(c)?.[1] ?? []);

/** The image the fake az recorded on the app at its last deployment. */
const deployedImage = (box: ReturnType<typeof sandbox>): string | undefined =>
  (box.state().apps as Record<string, { image?: string }>)["demo-svc-rg/demo-svc"]?.image;

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
      "group show --name demo-svc-rg",
      "provider show --namespace Microsoft.App",
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
    // The API keys reached az in a file only its owner could read, deleted once the deployment ran.
    const files = box.state().parameterFiles as unknown as { path: string; mode: number; uid: number }[];
    const secretFile = files.find((f) => f.path.endsWith("secrets.parameters.json"));
    expect(secretFile).toMatchObject({ mode: 0o600, uid: process.getuid?.() });
    expect(existsSync(secretFile?.path as string)).toBe(false);
    expect(existsSync(path.dirname(secretFile?.path as string))).toBe(false);
  });

  it("changes nothing on a second deploy of the same code and options", async () => {
    const box = sandbox();
    const args = ["deploy", "azure", "--cors-origins", "https://wp.example.com", "--api-keys", KEY];
    expect((await cli(box, args)).code).toBe(0);
    const first = box.calls().length;
    const [tag] = builtTags(box.calls());
    expect(deployedImage(box)).toMatch(new RegExp(`/${tag}$`));
    const again = await cli(box, args);
    expect(again.code, again.output).toBe(0);
    const second = box.calls().slice(first);
    // The running app keeps the image it has.
    expect(deployedImage(box)).toMatch(new RegExp(`/${tag}$`));
    expect(second.filter(isMutating)).toEqual([]);
    expect(second.map((c) => c.split(" --")[0])).toEqual([
      "account show",
      "group show",
      "provider show",
      "acr show",
      "storage account show",
      "acr repository list",
      "acr repository show-tags",
      "containerapp secret list",
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
    // The new code's image is a new tag, and that tag is what the deployment now runs.
    const [oldTag, newTag] = builtTags(box.calls());
    expect(newTag).toMatch(/^demo-svc:src-[0-9a-f]{12}$/);
    expect(newTag).not.toBe(oldTag);
    expect(deployedImage(box)).toMatch(new RegExp(`/${newTag}$`));
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

  it("builds the image when an existing registry has never seen the app (az: exit 1, not 'not found')", async () => {
    const box = sandbox();
    box.seed({ registries: { sharedregistry: { group: "shared-rg", location: "uksouth", admin: true } } });
    // The real answer, modelled by the fake: an unknown repository is exit 1 with only a message.
    const show = await runToEnd(
      path.join(FAKE_AZ_DIR, "az"),
      ["acr", "repository", "show", "--name", "sharedregistry", "--image", "demo-svc:src-000000000000"],
      box.project,
      30_000,
      { ...process.env, ...box.env } as Record<string, string>,
    );
    expect(show.code).toBe(1);
    expect(show.out).toMatch(/repository name not known to registry/);

    const { code, output } = await cli(box, [
      "deploy",
      "azure",
      "--registry",
      "sharedregistry",
      "--api-keys",
      KEY,
    ]);
    expect(code, output).toBe(0);
    const calls = box.calls().slice(1); // after the direct call above
    expect(calls).toContain("acr repository list --name sharedregistry");
    expect(calls.filter((c) => c.startsWith("acr build"))).toHaveLength(1);
    expect(calls.some((c) => c.startsWith("acr repository show "))).toBe(false);
  });

  it("generates API keys for an existing app without an api-keys secret (az: exit 1, 'does not have a secret assigned')", async () => {
    const box = sandbox();
    box.seed({
      groups: { "demo-svc-rg": { location: "uksouth" } },
      apps: { "demo-svc-rg/demo-svc": { secrets: { "storage-conn": "x" } } },
    });
    const { code, output } = await cli(box, ["deploy", "azure"]);
    expect(code, output).toBe(0);
    expect(output).toMatch(/API keys \(generated, shown at the end\)/);
    expect(box.calls()).toContain("containerapp secret list --name demo-svc --resource-group demo-svc-rg");
    expect(box.calls().some((c) => c.startsWith("containerapp secret show"))).toBe(false);
  });

  it("deploys into an existing resource group's region when --location is not given, and says so", async () => {
    const box = sandbox();
    box.seed({ groups: { "demo-svc-rg": { location: "westeurope" } } });
    const { code, output } = await cli(box, ["deploy", "azure", "--api-keys", KEY]);
    expect(code, output).toBe(0);
    expect(output).toMatch(/✔ Container Apps available in westeurope/);
    expect(output).toMatch(
      /Resource group demo-svc-rg \(exists in westeurope: everything is deployed there\)/,
    );
    expect(box.calls().find((c) => c.startsWith("acr create"))).toMatch(/--location westeurope /);
    const state = JSON.parse(readFileSync(path.join(box.project, "azure", "praisonai-svc.json"), "utf8"));
    expect(state.location).toBe("westeurope");
  });

  it("creates the queue, table and container named by --env, and scales on that queue", async () => {
    const box = sandbox();
    const names = [
      "PRAISONAI_SVC_QUEUE=orders",
      "PRAISONAI_SVC_POISON_QUEUE=orders-poison",
      "PRAISONAI_SVC_TABLE=orderjobs",
      "PRAISONAI_SVC_CONTAINER=order-files",
    ];
    const { code, output } = await cli(box, [
      "deploy",
      "azure",
      "--api-keys",
      KEY,
      ...names.flatMap((n) => ["--env", n]),
    ]);
    expect(code, output).toBe(0);
    const template = readFileSync(path.join(box.project, "azure", "main.json"), "utf8");
    for (const name of [
      "default/orders'",
      "default/orders-poison'",
      "default/orderjobs'",
      "default/order-files'",
    ]) {
      expect(template).toContain(name);
    }
    expect(template).toMatch(/"queueName": "orders"/);
    expect(template).not.toMatch(/praison-jobs|praison-output|default\/jobs'/);
  });
});

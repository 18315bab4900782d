// Each way a deploy can fail before it starts says what to do, and changes nothing in Azure.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { Az } from "../src/deploy/az.js";
import { BUILD_TIMEOUT_SECONDS, BUILD_WAIT_MS } from "../src/deploy/image.js";
import { globalNames } from "../src/deploy/names.js";
import { cli, isMutating, sandbox } from "./fixtures/az/fake-az.js";

const SUBSCRIPTION = "00000000-1111-2222-3333-444444444444"; // the fake az's
const derived = globalNames("demo-svc", SUBSCRIPTION, "demo-svc-rg");

describe("deploy azure errors", () => {
  it("says how to install the Azure CLI when az is not on PATH", async () => {
    const box = sandbox({ PATH: mkdtempSync(path.join(tmpdir(), "no-az-")) });
    const { code, output } = await cli(box, ["deploy", "azure"]);
    expect(code).toBe(1);
    expect(output).toMatch(/Azure CLI \(az\) is not installed or not on PATH\. Install it \(https:\/\/\S+\)/);
    expect(output).not.toMatch(/\n\s+at /); // no stack trace
  });

  it("says to run az login when no one is signed in", async () => {
    const box = sandbox({ FAKE_AZ_LOGGED_OUT: "1" });
    const { code, output } = await cli(box, ["deploy", "azure"]);
    expect(code).toBe(1);
    expect(output).toMatch(/not logged in to Azure: run `az login`/);
    expect(box.calls()).toEqual(["account show"]);
  });

  it("says to pick another storage account name when the derived one is taken", async () => {
    const box = sandbox({ FAKE_AZ_TAKEN: derived.storageAccount });
    const { code, output } = await cli(box, ["deploy", "azure"]);
    expect(code).toBe(1);
    expect(output).toContain(`storage account name "${derived.storageAccount}" is already taken`);
    expect(output).toMatch(/--storage-account <name> \(3-24 lowercase letters and digits\)/);
    expect(
      box.calls().some((c) => c.startsWith("deployment group create") || c.startsWith("acr build")),
    ).toBe(false);
  });

  it("says to pick another registry name when the one given is taken, before creating anything", async () => {
    const box = sandbox({ FAKE_AZ_TAKEN: "someonesregistry" });
    const { code, output } = await cli(box, ["deploy", "azure", "--registry", "someonesregistry"]);
    expect(code).toBe(1);
    expect(output).toContain('container registry name "someonesregistry" is already taken');
    expect(output).toContain("--registry <name>");
    expect(box.calls().filter((c) => c.startsWith("acr create"))).toEqual([]);
  });

  it("names regions that have Container Apps when the chosen one has not", async () => {
    const box = sandbox();
    const { code, output } = await cli(box, ["deploy", "azure", "--location", "West India"]);
    expect(code).toBe(1);
    expect(output).toMatch(
      /Container Apps is not available in "westindia"\. Pick a region .* --location <region>, e\.g\. australiaeast/,
    );
    expect(box.calls().filter(isMutating)).toEqual([]);
  });

  it("registers the Microsoft.App provider when the subscription has not yet", async () => {
    const box = sandbox({ FAKE_AZ_UNREGISTERED: "1" });
    const { code, output } = await cli(box, ["deploy", "azure", "--api-keys", "k".repeat(20)]);
    expect(code, output).toBe(0);
    expect(box.calls()).toContain("provider register --namespace Microsoft.App --wait");
  });

  it("says to run npm install first when package-lock.json is missing, before calling Azure", async () => {
    const box = sandbox();
    rmSync(path.join(box.project, "package-lock.json"));
    const { code, output } = await cli(box, ["deploy", "azure"]);
    expect(code).toBe(1);
    expect(output).toMatch(/No package-lock.json in .*: run `npm install` first/);
    expect(box.calls()).toEqual([]);
  });

  it.each([
    [["--cors-origins", "wp.example.com/path"], /--cors-origins "wp.example.com\/path" is not an origin/],
    [["--cors-origins", "*"], /--cors-origins "\*" is not an origin: .*no "\*"/],
    [["--api-keys", "short"], /--api-keys: entry 1 of 1 is not a valid key: use 16-512 characters/],
    [["--env", "PRAISONAI_SVC_MAX_DEQUEUE=many"], /PRAISONAI_SVC_MAX_DEQUEUE="many" is not valid/],
    [["--worker-layout", "sidecar"], /--worker-layout "sidecar" is not one of single, separate-app, job/],
    [["--name", "Bad_Name"], /--name "Bad_Name" is not valid: use 2-32 lowercase/],
    [
      ["--name", "abcdefghijklmnopqrstuvwxyz", "--worker-layout", "job"],
      /--name "abcdefghijklmnopqrstuvwxyz" is too long for the job layout: it also creates "abcdefghijklmnopqrstuvwxyz-worker" \(33 characters\).*at most 25 characters \(--name\), or --worker-layout single/,
    ],
    [
      ["--name", "abcdefghijklmnopqrstuvwxyz", "--worker-layout", "separate-app"],
      /too long for the separate-app layout/,
    ],
    [["--env", "PRAISONAI_SVC_QUEUE=Orders_Queue"], /PRAISONAI_SVC_QUEUE="Orders_Queue" is not valid/],
  ])("refuses %j before calling Azure", async (args, message) => {
    const box = sandbox();
    const { code, output } = await cli(box, ["deploy", "azure", ...args]);
    expect(code).toBe(1);
    expect(output).toMatch(message);
    expect(box.calls()).toEqual([]);
  });

  it("refuses --location that differs from the existing resource group's region, changing nothing", async () => {
    const box = sandbox();
    box.seed({ groups: { "demo-svc-rg": { location: "westeurope" } } });
    const { code, output } = await cli(box, ["deploy", "azure", "--location", "uksouth"]);
    expect(code).toBe(1);
    expect(output).toMatch(
      /Resource group demo-svc-rg is in westeurope, not uksouth.*Pass --location westeurope to deploy there, or --resource-group <new name> to deploy to uksouth\./,
    );
    expect(box.calls().filter(isMutating)).toEqual([]);
  });

  it("stops a build that outlives its wait, and says how long it waited", async () => {
    const box = sandbox({ FAKE_AZ_HANG: "1" });
    const az = new Az({ env: { ...process.env, ...box.env }, timeoutMs: 60_000 });
    const build = az.change(["acr", "build", "--registry", "r", "--image", "a:b", box.project], {
      timeoutMs: 500,
    });
    await expect(build).rejects.toThrow(/`az acr build .*` failed:\nstopped after 0\.5s without an answer/);
    // The CLI waits longer than the cloud build may run (az acr build --timeout), never shorter.
    expect(BUILD_WAIT_MS).toBeGreaterThan(BUILD_TIMEOUT_SECONDS * 1000);
  });
});

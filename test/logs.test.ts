// `praisonai-svc logs` asks az for the right container's log stream, in each worker layout.
import { describe, expect, it } from "vitest";
import { logsArgs } from "../src/deploy/logs.js";
import { cli, sandbox } from "./fixtures/az/fake-az.js";

const KEY = "test-key-0123456789abcdef";

describe("logs", () => {
  it("streams the API container's logs of the deployed app, then the worker's with --worker --follow", async () => {
    const box = sandbox();
    expect((await cli(box, ["deploy", "azure", "--api-keys", KEY])).code).toBe(0);
    const before = box.calls().length;

    const api = await cli(box, ["logs"]);
    expect(api.code, api.output).toBe(0);
    expect(api.output).toContain('"role":"api"');
    const worker = await cli(box, ["logs", "--worker", "--follow", "--tail", "100"]);
    expect(worker.code, worker.output).toBe(0);
    expect(worker.output).toContain('"role":"worker"');

    expect(box.calls().slice(before)).toEqual([
      "account show",
      "containerapp logs show --name demo-svc --resource-group demo-svc-rg --container api --format text --tail 50",
      "account show",
      "containerapp logs show --name demo-svc --resource-group demo-svc-rg --container worker --format text --tail 100 --follow",
    ]);
  });

  it("reads the worker's logs from its own app or job in the other layouts", () => {
    const base = { app: "svc", resourceGroup: "rg", worker: true, tail: 20 };
    expect(logsArgs({ ...base, layout: "separate-app" }).slice(0, 5)).toEqual([
      "containerapp",
      "logs",
      "show",
      "--name",
      "svc-worker",
    ]);
    expect(logsArgs({ ...base, layout: "job" }).slice(0, 6)).toEqual([
      "containerapp",
      "job",
      "logs",
      "show",
      "--name",
      "svc-worker",
    ]);
  });

  it("says to deploy first when nothing was deployed from this folder", async () => {
    const box = sandbox();
    const { code, output } = await cli(box, ["logs"]);
    expect(code).toBe(1);
    expect(output).toMatch(
      /run `praisonai-svc deploy azure` first, or pass --name <app> and --resource-group/,
    );
    expect(box.calls()).toEqual([]);
  });

  it("says to run az login when signed out", async () => {
    const box = sandbox({ FAKE_AZ_LOGGED_OUT: "1" });
    const { code, output } = await cli(box, ["logs", "--name", "svc", "--resource-group", "rg"]);
    expect(code).toBe(1);
    expect(output).toMatch(/run `az login`/);
  });

  it("says how to add the containerapp extension before showing a job worker's logs, then shows them", async () => {
    const box = sandbox();
    expect((await cli(box, ["deploy", "azure", "--worker-layout", "job", "--api-keys", KEY])).code).toBe(0);
    const before = box.calls().length;
    const missing = await cli(box, ["logs", "--worker"]);
    expect(missing.code).toBe(1);
    expect(missing.output).toMatch(
      /needs the Azure CLI's containerapp extension, which is not installed: run `az extension add --name containerapp`/,
    );
    expect(
      box
        .calls()
        .slice(before)
        .some((c) => c.startsWith("containerapp job logs")),
    ).toBe(false);

    const shown = await cli(box, ["logs", "--worker"], { FAKE_AZ_EXTENSIONS: "containerapp" });
    expect(shown.code, shown.output).toBe(0);
    expect(shown.output).toContain('"role":"worker"');
    expect(box.calls().at(-1)).toMatch(/^containerapp job logs show --name demo-svc-worker /);
  });
});

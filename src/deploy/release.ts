// The release steps: build the image in the cloud, write the template, settle the API keys, deploy.
import { createHash } from "node:crypto";
import path from "node:path";
import { generateApiKey, type KeySource, runningApiKeys, secretParametersFile } from "./api-keys.js";
import type { Az } from "./az.js";
import { AzCommandError } from "./errors.js";
import { BUILD_TIMEOUT_SECONDS, BUILD_WAIT_MS, imageExists, sourceTag } from "./image.js";
import type { Plan } from "./plan.js";
import type { Existing } from "./preflight.js";
import type { Progress } from "./progress.js";
import { PARAMETERS_FILE, TEMPLATE_FILE, writeJson } from "./state.js";
import { buildParameters, buildTemplate } from "./template/template.js";

export interface Release {
  image: string;
  deployment: string;
  url?: string;
  changed: boolean;
  keySource: KeySource;
  /** Set only when the keys were generated now: shown once, at the end. */
  generatedKey?: string;
}

interface DeploymentResult {
  properties?: { provisioningState?: string; outputs?: { apiUrl?: { value?: string } } };
}

export async function release(az: Az, plan: Plan, found: Existing, progress: Progress): Promise<Release> {
  const tag = sourceTag(plan.dir);
  const image = `${found.registry}.azurecr.io/${plan.app}:${tag}`;

  await progress.step(`Image ${plan.app}:${tag}`, async (s) => {
    if (found.registryExisted && (await imageExists(az, found.registry, plan.app, tag))) {
      return s.status("already built");
    }
    const build = [
      "acr",
      "build",
      "--registry",
      found.registry,
      "--image",
      `${plan.app}:${tag}`,
      "--file",
      path.join(plan.dir, "Dockerfile"),
      "--no-logs",
      "--timeout",
      String(BUILD_TIMEOUT_SECONDS),
      plan.dir,
    ];
    const run = await az.change<{ runId?: string; status?: string }>(build, { timeoutMs: BUILD_WAIT_MS });
    if (run && run.status !== "Succeeded") {
      throw new AzCommandError(
        `az acr build (run ${run.runId ?? "?"})`,
        1,
        `the build ended with status ${run.status ?? "unknown"}`,
        `See its log: az acr task logs --registry ${found.registry} --run-id ${run.runId ?? "<run id>"}`,
      );
    }
    s.status(az.dryRun ? "would build in the cloud with az acr build" : "built in the cloud");
  });

  const template = buildTemplate({
    layout: plan.layout,
    settings: plan.settings.env,
    workerTerminationGraceSeconds: plan.settings.terminationGraceSeconds,
    jobReplicaTimeoutSeconds: jobReplicaTimeout(plan.settings.jobTimeoutSeconds),
    cors: plan.corsOrigins.length > 0,
    storage: plan.settings.storage,
    retentionDays: plan.settings.retentionDays,
    alertEmail: plan.alertEmail !== undefined,
  });
  const parameters = buildParameters({
    appName: plan.app,
    image,
    registryName: found.registry,
    registryResourceGroup: found.registryResourceGroup,
    storageAccountName: found.storageAccount,
    corsOrigins: plan.corsOrigins,
    alertEmail: plan.alertEmail,
  });
  await progress.step(`Template ${TEMPLATE_FILE}`, async (s) => {
    const changed = writeJson(plan.dir, TEMPLATE_FILE, template);
    writeJson(plan.dir, PARAMETERS_FILE, parameters);
    s.status(changed ? "written, review it" : "unchanged");
  });
  // Same template and parameters: same deployment name. A succeeded deployment of it means nothing to do.
  const fingerprint = createHash("sha256")
    .update(JSON.stringify([template, parameters]))
    .digest("hex");
  const deployment = `praisonai-svc-${fingerprint.slice(0, 12)}`;

  const keys = await progress.step("API keys", async (s) => {
    const existing = found.groupExisted ? await runningApiKeys(az, plan.app, plan.resourceGroup) : undefined;
    if (existing) az.secret(existing);
    const source: KeySource = plan.apiKeys ? "given" : existing ? "kept" : "generated";
    const value = plan.apiKeys ?? existing ?? generateApiKey();
    az.secret(value);
    s.status(
      {
        given: "from --api-keys",
        kept: "kept from the running app",
        generated: az.dryRun ? "one would be generated" : "generated, shown at the end",
      }[source],
    );
    return { value, source, unchanged: existing === value };
  });

  return progress.step(`Deployment ${deployment}`, async (s) => {
    const previous =
      found.groupExisted &&
      (await az.read<DeploymentResult>(
        ["deployment", "group", "show", "--resource-group", plan.resourceGroup, "--name", deployment],
        { notFoundOk: true },
      ));
    const base = { image, deployment, keySource: keys.source };
    if (previous && previous.properties?.provisioningState === "Succeeded" && keys.unchanged) {
      s.status("up to date, nothing to change");
      return { ...base, url: previous.properties.outputs?.apiUrl?.value, changed: false };
    }
    const secretsFile = az.dryRun ? undefined : secretParametersFile(keys.value);
    try {
      const result = await az.change<DeploymentResult>([
        "deployment",
        "group",
        "create",
        "--resource-group",
        plan.resourceGroup,
        "--name",
        deployment,
        "--template-file",
        path.join(plan.dir, TEMPLATE_FILE),
        "--parameters",
        `@${path.join(plan.dir, PARAMETERS_FILE)}`,
        "--parameters",
        `@${secretsFile?.file ?? "<temporary file holding apiKeys>"}`,
      ]);
      s.status(az.dryRun ? "would deploy" : "deployed");
      return {
        ...base,
        url: result?.properties?.outputs?.apiUrl?.value,
        changed: true,
        generatedKey: keys.source === "generated" && !az.dryRun ? keys.value : undefined,
      };
    } finally {
      secretsFile?.remove();
    }
  });
}

/** Job layout: one execution may drain several jobs; it stops taking new ones a job timeout before this. */
export function jobReplicaTimeout(jobTimeoutSeconds: number): number {
  return Math.max(1800, Math.ceil(jobTimeoutSeconds) * 3);
}

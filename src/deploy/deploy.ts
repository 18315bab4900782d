// `deploy azure` from start to end: plan, preflight, release, then what to do next.
import { Az } from "./az.js";
import { checkBuildContext } from "./image.js";
import { type DeployOptions, resolvePlan } from "./plan.js";
import { preflight } from "./preflight.js";
import { formatDuration, Progress } from "./progress.js";
import { release } from "./release.js";
import { STATE_FILE, TEMPLATE_FILE, writeState } from "./state.js";
import { ALERT_RULES } from "./template/alerts.js";

export interface DeployRun extends DeployOptions {
  dryRun?: boolean;
  verbose?: boolean;
  /** Progress and notes (stderr by default). */
  write?: (text: string) => void;
  /** Rewrite the line of the running step (an interactive terminal). */
  live?: boolean;
}

export async function deployAzure(run: DeployRun): Promise<void> {
  const write = run.write ?? ((t: string) => process.stderr.write(t));
  const started = Date.now();
  const plan = resolvePlan(run);
  checkBuildContext(plan.dir); // before any Azure call: a project that cannot build changes nothing
  const progress = new Progress(write, Boolean(run.live && !run.verbose && !run.dryRun));
  const az = new Az({
    dryRun: run.dryRun,
    verbose: run.verbose,
    write: (line) => write(`${line}\n`),
  });
  if (plan.apiKeys) az.secret(plan.apiKeys);
  write(
    `Deploying ${plan.app} to Azure Container Apps (${plan.location}, resource group ${plan.resourceGroup}, ` +
      `worker layout ${plan.layout})${run.dryRun ? ": dry run, nothing in Azure changes" : ""}\n`,
  );

  const found = await preflight(az, plan, progress);
  const result = await release(az, plan, found, progress);

  if (run.dryRun) {
    const lines = az.commands.map((c) => `  ${c.ran ? "ran:      " : "would run:"} ${c.command}`);
    write(
      `\nDry run: the template is in ${TEMPLATE_FILE}. Every az command, in order:\n${lines.join("\n")}\n` +
        `${alertsNote(plan.alertEmail)}\nRun again without --dry-run to deploy.\n`,
    );
    return;
  }
  writeState(plan.dir, {
    app: plan.app,
    resourceGroup: plan.resourceGroup,
    location: found.location,
    registry: found.registry,
    registryResourceGroup: found.registryResourceGroup,
    storageAccount: found.storageAccount,
    layout: plan.layout,
    corsOrigins: plan.corsOrigins,
    env: plan.envEntries,
    alertEmail: plan.alertEmail,
    image: result.image,
    url: result.url,
  });
  const url = result.url ?? "(see the Azure portal)";
  const notes = [
    "",
    `${result.changed ? "Deployed" : "Already up to date"} in ${formatDuration(Date.now() - started)}: ${url}`,
    ...(result.generatedKey
      ? [
          "",
          "  API key (generated now, shown only this once; clients send it as X-API-Key):",
          `    ${result.generatedKey}`,
          `  Read it again with: az containerapp secret show --name ${plan.app} --resource-group ${plan.resourceGroup} --secret-name api-keys --query value -o tsv`,
        ]
      : []),
    "",
    `  Health:  curl ${url}/health`,
    alertsNote(plan.alertEmail),
    "  Logs:    praisonai-svc logs --follow   (add --worker for the worker)",
    `  Names used are kept in ${STATE_FILE}; the next deploy reuses them.`,
    "",
  ];
  write(notes.join("\n"));
  process.stdout.write(`${url}\n`);
}

/** Says where alerts go, and how to be told when none is configured. */
export function alertsNote(email: string | undefined): string {
  const rules = `${ALERT_RULES.length} alert rules (docs/deploy.md)`;
  return email
    ? `  Alerts:  ${rules} e-mail ${email}`
    : `  Alerts:  ${rules} notify no one: pass --alert-email <address> to be e-mailed`;
}

// The first deploy steps: who is logged in, whether the region has Container Apps, and the resources
// that must exist before the image is built (resource group, registry) or whose name must be free (storage).
import type { Az } from "./az.js";
import { DeployInputError, NameTakenError, RegionUnavailableError } from "./errors.js";
import { globalNames, NAME_RULES, normalizeLocation } from "./names.js";
import type { Plan } from "./plan.js";
import type { Progress } from "./progress.js";

export interface Account {
  id: string;
  name: string;
  user?: { name?: string };
}

interface Provider {
  registrationState?: string;
  resourceTypes?: { resourceType: string; locations?: string[] }[];
}

export interface Existing {
  subscriptionId: string;
  groupExisted: boolean;
  /** Where everything is deployed: the resource group's region (the template follows it). */
  location: string;
  registry: string;
  registryResourceGroup: string;
  registryExisted: boolean;
  storageAccount: string;
  storageExisted: boolean;
}

export async function preflight(az: Az, plan: Plan, progress: Progress): Promise<Existing> {
  const account = await progress.step("Azure CLI signed in", async (s) => {
    const a = (await az.read<Account>(["account", "show"])) as Account;
    s.status(`subscription "${a.name}"`);
    return a;
  });

  const group = await az.read<{ location: string }>(["group", "show", "--name", plan.resourceGroup], {
    notFoundOk: true,
  });
  const location = deployLocation(plan, group && normalizeLocation(group.location));

  await progress.step(`Container Apps available in ${location}`, async (s) => {
    const provider = (await az.read<Provider>(["provider", "show", "--namespace", "Microsoft.App"])) ?? {};
    const regions =
      provider.resourceTypes?.find((t) => t.resourceType.toLowerCase() === "managedenvironments")
        ?.locations ?? [];
    if (!regions.some((r) => normalizeLocation(r) === location)) {
      throw new RegionUnavailableError(location, regions.map(normalizeLocation));
    }
    if (provider.registrationState !== "Registered") {
      await az.change(["provider", "register", "--namespace", "Microsoft.App", "--wait"]);
      s.status(az.dryRun ? "would register Microsoft.App" : "registered Microsoft.App");
    }
  });

  const groupExisted = await progress.step(`Resource group ${plan.resourceGroup}`, async (s) => {
    if (group) {
      s.status(location === plan.location ? "exists" : `exists in ${location}: everything is deployed there`);
      return true;
    }
    await az.change([
      "group",
      "create",
      "--name",
      plan.resourceGroup,
      "--location",
      location,
      "--tags",
      "managed-by=praisonai-svc",
    ]);
    s.status(az.dryRun ? "would create" : "created");
    return false;
  });

  const derived = globalNames(plan.app, account.id, plan.resourceGroup);
  const registry = plan.registry ?? derived.registry;
  const reg = await progress.step(`Container registry ${registry}`, async (s) => {
    const found = await az.read<{ resourceGroup: string; adminUserEnabled?: boolean }>(
      ["acr", "show", "--name", registry],
      { notFoundOk: true },
    );
    if (found) {
      // The Container App pulls with the registry's admin credential (see docs/deploy.md).
      if (!found.adminUserEnabled)
        await az.change(["acr", "update", "--name", registry, "--admin-enabled", "true"]);
      s.status(found.adminUserEnabled ? "exists" : "exists, admin user enabled");
      return { resourceGroup: found.resourceGroup, existed: true };
    }
    await checkAvailable(
      az,
      ["acr", "check-name", "--name", registry],
      "container registry",
      registry,
      "registry",
    );
    await az.change([
      "acr",
      "create",
      "--name",
      registry,
      "--resource-group",
      plan.resourceGroup,
      "--location",
      location,
      "--sku",
      "Basic",
      "--admin-enabled",
      "true",
    ]);
    s.status(az.dryRun ? "would create" : "created");
    return { resourceGroup: plan.resourceGroup, existed: false };
  });

  const storageAccount = plan.storageAccount ?? derived.storageAccount;
  const storageExisted = await progress.step(`Storage account ${storageAccount}`, async (s) => {
    const found =
      groupExisted &&
      (await az.read(
        ["storage", "account", "show", "--name", storageAccount, "--resource-group", plan.resourceGroup],
        {
          notFoundOk: true,
        },
      ));
    if (found) {
      s.status("exists");
      return true;
    }
    const args = ["storage", "account", "check-name", "--name", storageAccount];
    await checkAvailable(az, args, "storage account", storageAccount, "storageAccount");
    s.status("name available, created by the template");
    return false;
  });

  return {
    subscriptionId: account.id,
    groupExisted,
    location,
    registry,
    registryResourceGroup: reg.resourceGroup,
    registryExisted: reg.existed,
    storageAccount,
    storageExisted,
  };
}

/**
 * The template puts every resource in its resource group's region. An existing group therefore decides the
 * region: followed when --location was not given (the default, or the region remembered from the last
 * deploy), refused when --location names another one, since the user asked for a place we cannot honour.
 */
function deployLocation(plan: Plan, groupLocation: string | undefined): string {
  if (groupLocation === undefined || groupLocation === plan.location) return plan.location;
  if (!plan.locationGiven) return groupLocation;
  throw new DeployInputError(
    `Resource group ${plan.resourceGroup} is in ${groupLocation}, not ${plan.location}, and a deployment ` +
      `goes where its resource group is. Pass --location ${groupLocation} to deploy there, or ` +
      `--resource-group <new name> to deploy to ${plan.location}.`,
  );
}

async function checkAvailable(
  az: Az,
  args: string[],
  kind: string,
  name: string,
  rule: "registry" | "storageAccount",
): Promise<void> {
  const answer = await az.read<{ nameAvailable: boolean; reason?: string; message?: string }>(args);
  if (answer && !answer.nameAvailable && /invalid/i.test(answer.reason ?? "")) {
    throw new DeployInputError(
      `${NAME_RULES[rule].option} "${name}" is not valid: ${answer.message ?? NAME_RULES[rule].rule}.`,
    );
  }
  if (answer && !answer.nameAvailable) {
    throw new NameTakenError(kind, name, NAME_RULES[rule].option, NAME_RULES[rule].rule);
  }
}

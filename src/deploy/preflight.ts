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

  await progress.step(`Container Apps available in ${plan.location}`, async (s) => {
    const provider = (await az.read<Provider>(["provider", "show", "--namespace", "Microsoft.App"])) ?? {};
    const regions =
      provider.resourceTypes?.find((t) => t.resourceType.toLowerCase() === "managedenvironments")
        ?.locations ?? [];
    if (!regions.some((r) => normalizeLocation(r) === plan.location)) {
      throw new RegionUnavailableError(plan.location, regions.map(normalizeLocation));
    }
    if (provider.registrationState !== "Registered") {
      await az.change(["provider", "register", "--namespace", "Microsoft.App", "--wait"]);
      s.status(az.dryRun ? "would register Microsoft.App" : "registered Microsoft.App");
    }
  });

  const groupExisted = await progress.step(`Resource group ${plan.resourceGroup}`, async (s) => {
    const exists = (await az.read<boolean>(["group", "exists", "--name", plan.resourceGroup])) === true;
    if (!exists) {
      await az.change([
        "group",
        "create",
        "--name",
        plan.resourceGroup,
        "--location",
        plan.location,
        "--tags",
        "managed-by=praisonai-svc",
      ]);
    }
    s.status(exists ? "exists" : az.dryRun ? "would create" : "created");
    return exists;
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
      plan.location,
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
    registry,
    registryResourceGroup: reg.resourceGroup,
    registryExisted: reg.existed,
    storageAccount,
    storageExisted,
  };
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

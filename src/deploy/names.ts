// Azure resource names: the rules each must follow, and defaults that are stable for one subscription and group.
import { createHash } from "node:crypto";
import { DeployInputError } from "./errors.js";

export interface NameRule {
  pattern: RegExp;
  rule: string;
  option: string;
}

export const NAME_RULES = {
  app: {
    pattern: /^[a-z](?!.*--)[a-z0-9-]{0,30}[a-z0-9]$/,
    rule: "2-32 lowercase letters, digits and single hyphens, starting with a letter",
    option: "--name",
  },
  resourceGroup: {
    pattern: /^[\w.()-]{0,89}[\w()-]$/,
    rule: "1-90 letters, digits, '-', '_', '.', '(' or ')', not ending with '.'",
    option: "--resource-group",
  },
  registry: {
    pattern: /^[a-z0-9]{5,50}$/,
    rule: "5-50 lowercase letters and digits",
    option: "--registry",
  },
  storageAccount: {
    pattern: /^[a-z0-9]{3,24}$/,
    rule: "3-24 lowercase letters and digits",
    option: "--storage-account",
  },
  location: {
    pattern: /^[a-z0-9]{3,40}$/,
    rule: "an Azure region name such as uksouth or westeurope (see `az account list-locations -o table`)",
    option: "--location",
  },
} satisfies Record<string, NameRule>;

export function checkName(kind: keyof typeof NAME_RULES, value: string): string {
  const { pattern, rule, option } = NAME_RULES[kind];
  if (!pattern.test(value)) {
    throw new DeployInputError(`${option} "${value}" is not valid: use ${rule}.`);
  }
  return value;
}

/** "UK South" and "uksouth" name the same region. */
export function normalizeLocation(location: string): string {
  return location.toLowerCase().replace(/[\s_-]/g, "");
}

/** 8 hex characters that are the same every time for the same subscription, group and app. */
export function stableSuffix(...parts: string[]): string {
  return createHash("sha256").update(parts.join("/")).digest("hex").slice(0, 8);
}

/**
 * Default names for the two resources whose names are unique across all of Azure.
 * Derived (not random) so that a second deploy finds what the first one created.
 */
export function globalNames(app: string, subscriptionId: string, resourceGroup: string) {
  const letters = app.replace(/[^a-z0-9]/g, "");
  const suffix = stableSuffix(subscriptionId, resourceGroup.toLowerCase(), app);
  return {
    registry: `${letters.slice(0, 40)}cr${suffix}`,
    storageAccount: `${letters.slice(0, 14)}st${suffix}`,
  };
}

// A deployment accepts exactly the settings and keys the service will, and trusts the ingress it runs behind.
import { describe, expect, it } from "vitest";
import { parseApiKeys } from "../src/deploy/api-keys.js";
import { DeployInputError } from "../src/deploy/errors.js";
import { deploySettings } from "../src/deploy/settings.js";

describe("deploy settings", () => {
  it("trusts the Container Apps ingress as the one proxy in front of the API", () => {
    expect(deploySettings([]).env).toContainEqual({ name: "PRAISONAI_SVC_TRUST_PROXY", value: "true" });
    expect(deploySettings(["PRAISONAI_SVC_TRUST_PROXY=2"]).env).toContainEqual({
      name: "PRAISONAI_SVC_TRUST_PROXY",
      value: "2",
    });
  });

  it("accepts named keys, which rotation and the admin key rely on", () => {
    const admin = `admin:${"a".repeat(32)}`;
    const site = `wordpress:${"b".repeat(32)}`;
    expect(parseApiKeys(` ${admin}, ${site} `)).toBe(`${admin},${site}`);
  });

  it("refuses a key the service would refuse, before anything reaches Azure", () => {
    expect(() => parseApiKeys("short")).toThrow(DeployInputError);
    expect(() => parseApiKeys(`site:${"x".repeat(20)}!`)).toThrow(/--api-keys: entry 1 of 1/);
  });
});

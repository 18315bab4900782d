// The generated ARM template, number by number (spec §5), and secrets that are never plain values.
import { describe, expect, it } from "vitest";
import { deploySettings } from "../src/deploy/settings.js";
import { WORKER_LAYOUTS, type WorkerLayout } from "../src/deploy/template/apps.js";
import { buildParameters, buildTemplate } from "../src/deploy/template/template.js";

type Obj = Record<string, unknown>;

function template(layout: WorkerLayout = "single", env: string[] = [], alertEmail = false) {
  const settings = deploySettings(env);
  return buildTemplate({
    layout,
    settings: settings.env,
    workerTerminationGraceSeconds: settings.terminationGraceSeconds,
    jobReplicaTimeoutSeconds: 1800,
    cors: true,
    storage: settings.storage,
    retentionDays: settings.retentionDays,
    alertEmail,
  }) as Obj;
}
const resources = (t: Obj) => t.resources as Obj[];
const ofType = (t: Obj, type: string) => resources(t).filter((r) => r.type === type);
const one = (t: Obj, type: string) => ofType(t, type)[0] as Obj;
const props = (r: Obj) => r.properties as Obj;
/** Every object anywhere in a JSON value. */
function* objects(value: unknown): Generator<Obj> {
  if (Array.isArray(value)) for (const v of value) yield* objects(v);
  else if (value && typeof value === "object") {
    yield value as Obj;
    for (const v of Object.values(value)) yield* objects(v);
  }
}

describe("the ARM template", () => {
  it("scales the container app from 0 to at most 3 replicas on 20 concurrent requests or 10 queued jobs", () => {
    const app = props(one(template(), "Microsoft.App/containerApps"));
    const scale = (app.template as Obj).scale as Obj;
    expect(scale.minReplicas).toBe(0);
    expect(scale.maxReplicas).toBe(3);
    expect(scale.rules).toEqual([
      { name: "http", http: { metadata: { concurrentRequests: "20" } } },
      {
        name: "queue-depth",
        azureQueue: {
          queueName: "praison-jobs",
          queueLength: 10,
          auth: [{ secretRef: "queue-conn", triggerParameter: "connection" }],
        },
      },
    ]);
  });

  it("gives the api and worker containers 1 vCPU and 2 GiB each, the worker running `praisonai-svc worker`", () => {
    // No handlers file on the command line: the image's PRAISONAI_SVC_HANDLERS (the compiled dist/handlers.mjs of
    // a TypeScript service) decides, and a Python image, which sets none, runs its handlers.py.
    const app = props(one(template(), "Microsoft.App/containerApps"));
    const containers = (app.template as Obj).containers as Obj[];
    expect(containers.map((c) => c.name)).toEqual(["api", "worker"]);
    for (const c of containers) expect(c.resources).toEqual({ cpu: 1, memory: "2Gi" });
    expect(containers[1]?.command).toEqual(["praisonai-svc", "worker"]);
  });

  it("gives both containers of the default layout one wake port on their shared localhost, and no other layout one", () => {
    const wakeOf = (c: Obj) => (c.env as Obj[]).find((e) => e.name === "PRAISONAI_SVC_WAKE_PORT")?.value;
    const single = (props(one(template(), "Microsoft.App/containerApps")).template as Obj)
      .containers as Obj[];
    expect(single.map(wakeOf)).toEqual(["8079", "8079"]);
    const own = (
      props(one(template("single", ["PRAISONAI_SVC_WAKE_PORT=0"]), "Microsoft.App/containerApps"))
        .template as Obj
    ).containers as Obj[];
    expect(own.map(wakeOf)).toEqual(["0", "0"]);
    for (const app of ofType(template("separate-app"), "Microsoft.App/containerApps")) {
      for (const c of (props(app).template as Obj).containers as Obj[]) expect(wakeOf(c)).toBeUndefined();
    }
  });

  it("sends ingress to port 8080 with the service's own CORS rule and the origins from a parameter", () => {
    const ingress = (props(one(template(), "Microsoft.App/containerApps")).configuration as Obj)
      .ingress as Obj;
    expect(ingress).toMatchObject({ external: true, targetPort: 8080, allowInsecure: false });
    expect(ingress.corsPolicy).toMatchObject({
      allowedOrigins: "[parameters('corsOrigins')]",
      allowedMethods: ["GET", "POST", "DELETE", "OPTIONS"],
      allowedHeaders: ["Content-Type", "X-API-Key", "Authorization", "Idempotency-Key", "Last-Event-ID"],
      allowCredentials: false,
    });
    // What the WordPress widget reads from an answer, exactly as the service itself exposes it.
    expect(ingress.corsPolicy).toHaveProperty("exposeHeaders", [
      "Location",
      "Retry-After",
      "RateLimit-Limit",
      "RateLimit-Remaining",
      "RateLimit-Reset",
      "RateLimit-Policy",
    ]);
  });

  it("gives a worker replica a termination grace period that covers the job timeout, within Azure's 600 s", () => {
    const app = props(one(template(), "Microsoft.App/containerApps"));
    expect((app.template as Obj).terminationGracePeriodSeconds).toBe(600);
    const worker = ((app.template as Obj).containers as Obj[])[1] as Obj;
    expect(worker.env).toContainEqual({ name: "PRAISONAI_SVC_SHUTDOWN_GRACE", value: "570" });
    // A shorter job timeout: the worker waits for it, and Azure waits 30 s more for the hand-back.
    const short = deploySettings(["PRAISONAI_SVC_JOB_TIMEOUT=120"]);
    expect(short.workerGraceSeconds).toBe(120);
    expect(short.terminationGraceSeconds).toBe(150);
  });

  it("creates the queue, the poison queue, the jobs table and a private container", () => {
    const t = template();
    const names = (type: string) => ofType(t, type).map((r) => r.name);
    expect(names("Microsoft.Storage/storageAccounts/queueServices/queues")).toEqual([
      "[format('{0}/default/praison-jobs', parameters('storageAccountName'))]",
      "[format('{0}/default/praison-jobs-poison', parameters('storageAccountName'))]",
    ]);
    expect(names("Microsoft.Storage/storageAccounts/tableServices/tables")).toEqual([
      "[format('{0}/default/jobs', parameters('storageAccountName'))]",
    ]);
    const container = one(t, "Microsoft.Storage/storageAccounts/blobServices/containers");
    expect(props(container).publicAccess).toBe("None");
    expect(props(one(t, "Microsoft.Storage/storageAccounts"))).toMatchObject({
      allowBlobPublicAccess: false,
      minimumTlsVersion: "TLS1_2",
      supportsHttpsTrafficOnly: true,
    });
  });

  it("deletes outputs 30 days after they were written", () => {
    const policy = props(one(template(), "Microsoft.Storage/storageAccounts/managementPolicies"))
      .policy as Obj;
    const [rule] = policy.rules as Obj[];
    expect(rule?.definition).toEqual({
      filters: { blobTypes: ["blockBlob"], prefixMatch: ["praison-output/"] },
      actions: { baseBlob: { delete: { daysAfterModificationGreaterThan: 30 } } },
    });
  });

  it("deletes outputs after PRAISONAI_SVC_RETENTION_DAYS, the days the worker keeps job rows, and keeps them with 0", () => {
    const policy = props(
      one(
        template("single", ["PRAISONAI_SVC_RETENTION_DAYS=7"]),
        "Microsoft.Storage/storageAccounts/managementPolicies",
      ),
    ).policy as Obj;
    expect((policy.rules as Obj[])[0]?.definition).toMatchObject({
      actions: { baseBlob: { delete: { daysAfterModificationGreaterThan: 7 } } },
    });
    const keepAll = template("single", ["PRAISONAI_SVC_RETENTION_DAYS=0"]);
    expect(ofType(keepAll, "Microsoft.Storage/storageAccounts/managementPolicies")).toEqual([]);
    expect(() => deploySettings(["PRAISONAI_SVC_RETENTION_DAYS=-1"])).toThrow(/PRAISONAI_SVC_RETENTION_DAYS/);
  });

  it("caps log ingestion below 500 MB a day and samples App Insights at 10%", () => {
    const t = template();
    const workspace = props(one(t, "Microsoft.OperationalInsights/workspaces"));
    const cap = /^\[json\('([\d.]+)'\)\]$/.exec(String((workspace.workspaceCapping as Obj).dailyQuotaGb));
    expect(Number(cap?.[1])).toBeGreaterThan(0);
    expect(Number(cap?.[1]) * 1000).toBeLessThan(500);
    expect(props(one(t, "Microsoft.Insights/components"))).toMatchObject({
      SamplingPercentage: 10,
      WorkspaceResourceId: expect.stringContaining("Microsoft.OperationalInsights/workspaces"),
    });
    const env = props(one(t, "Microsoft.App/managedEnvironments"));
    expect((env.appLogsConfiguration as Obj).destination).toBe("log-analytics");
  });

  it.each(WORKER_LAYOUTS)("never holds a secret as a plain value (%s layout)", (layout) => {
    const t = template(layout);
    const secrets: string[] = [];
    for (const o of objects(t.resources)) {
      // Every secret's value is computed inside Azure or comes from the secure parameter.
      if (Array.isArray(o.secrets)) {
        for (const s of o.secrets as Obj[]) {
          secrets.push(String(s.name));
          expect(String(s.value)).toMatch(
            /^\[(concat\(.*listKeys|listCredentials|reference|parameters\('apiKeys'\))/,
          );
        }
      }
      // Every environment variable that carries a credential is a secretRef.
      if (typeof o.name === "string" && /CONN|KEY|SECRET|PASSWORD/.test(o.name) && "value" in o) {
        throw new Error(`${o.name} is a plain value`);
      }
    }
    // The loop above saw every secret it vouches for (the API keys only on the app that serves the API).
    expect(new Set(secrets)).toEqual(
      new Set([
        "storage-conn",
        "table-conn",
        "queue-conn",
        "appinsights-conn",
        "registry-password",
        "api-keys",
      ]),
    );
    const text = JSON.stringify(t);
    expect(text).not.toMatch(/AccountKey=[A-Za-z0-9+/]/);
    expect(t.parameters).toMatchObject({ apiKeys: { type: "securestring" } });
    expect((t.parameters as Obj).apiKeys).not.toHaveProperty("defaultValue");
    expect(JSON.stringify(t.outputs)).not.toMatch(/listKeys|apiKeys|listCredentials/);
  });

  it.each(WORKER_LAYOUTS)("declares every parameter it uses (%s layout)", (layout) => {
    const t = template(layout);
    const used = new Set([...JSON.stringify(t).matchAll(/parameters\('(\w+)'\)/g)].map((m) => m[1]));
    expect([...used].sort()).toEqual(Object.keys(t.parameters as Obj).sort());
  });

  it("keeps the API keys out of the parameters file", () => {
    const file = buildParameters({
      appName: "a1",
      image: "r.azurecr.io/a1:src-1",
      registryName: "r1234",
      registryResourceGroup: "rg",
      storageAccountName: "s1234",
      corsOrigins: [],
    });
    expect(Object.keys(file.parameters as Obj)).not.toContain("apiKeys");
  });

  it("splits the worker into its own app, or an event-driven job, on request", () => {
    const separate = template("separate-app");
    const apps = ofType(separate, "Microsoft.App/containerApps").map(props);
    expect(apps.map((a) => ((a.template as Obj).scale as Obj).maxReplicas)).toEqual([3, 3]);
    expect(apps.map((a) => ((a.configuration as Obj).ingress ? "ingress" : "none"))).toEqual([
      "ingress",
      "none",
    ]);
    const job = props(one(template("job"), "Microsoft.App/jobs"));
    const config = job.configuration as Obj;
    expect(config.triggerType).toBe("Event");
    const scale = (config.eventTriggerConfig as Obj).scale as Obj;
    expect(scale).toMatchObject({ minExecutions: 0, maxExecutions: 3 });
    expect((scale.rules as Obj[])[0]).toMatchObject({
      type: "azure-queue",
      metadata: { queueName: "praison-jobs", queueLength: "10" },
      auth: [{ secretRef: "queue-conn", triggerParameter: "connection" }],
    });
    const [worker] = (job.template as Obj).containers as Obj[];
    expect(worker?.command).toEqual(["praisonai-svc", "drain", "--max-runtime", "1800"]);
  });
});

describe("deploy settings", () => {
  it("refuses a setting with a bad value, naming the variable", () => {
    expect(() => deploySettings(["PRAISONAI_SVC_JOB_TIMEOUT=soon"])).toThrow(/PRAISONAI_SVC_JOB_TIMEOUT/);
  });

  it("refuses settings the deployment owns, saying which option to use", () => {
    expect(() => deploySettings(["PRAISONAI_SVC_API_KEYS=x"])).toThrow(/--api-keys/);
    expect(() => deploySettings(["PORT=9000"])).toThrow(/8080/);
    expect(() => deploySettings(["NOT_A_SETTING=1"])).toThrow(/not a praisonai-svc setting/);
  });

  it("refuses a shutdown grace Azure would cut short", () => {
    expect(() => deploySettings(["PRAISONAI_SVC_SHUTDOWN_GRACE=900"])).toThrow(/at most 570/);
  });

  it("names the queue, tables and container as the --env settings say, and scales on that queue", () => {
    const t = template("separate-app", ["PRAISONAI_SVC_QUEUE=orders", "PRAISONAI_SVC_TABLE=orderjobs"]);
    const names = resources(t).map((r) => r.name);
    expect(names).toContain("[format('{0}/default/orders', parameters('storageAccountName'))]");
    expect(names).toContain("[format('{0}/default/orderjobs', parameters('storageAccountName'))]");
    expect(names).toContain("[format('{0}/default/praison-jobs-poison', parameters('storageAccountName'))]");
    const worker = ofType(t, "Microsoft.App/containerApps")[1] as Obj;
    const rule = ((props(worker).template as Obj).scale as Obj).rules as Obj[];
    expect(rule[0]).toMatchObject({ azureQueue: { queueName: "orders" } });
  });

  it("starts job executions only for visible (waiting) messages; apps count in-flight ones too", () => {
    const job = props(one(template("job", ["PRAISONAI_SVC_QUEUE=orders"]), "Microsoft.App/jobs"));
    const rules = ((job.configuration as Obj).eventTriggerConfig as Obj).scale as Obj;
    expect((rules.rules as Obj[])[0]?.metadata).toMatchObject({
      queueName: "orders",
      queueLengthStrategy: "visibleonly",
    });
    for (const r of objects(template("separate-app"))) expect(r.queueLengthStrategy).toBeUndefined();
  });
});

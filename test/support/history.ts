// Past jobs for history, stats and dashboard tests: written with the rows the store writes, but with the
// times a real history would have (the store stamps every write with the current time).
import { TableClient, type TransactionAction } from "@azure/data-tables";
import { jobRows } from "../../src/storage/azure/job-index.js";
import type { JobRecord } from "../../src/storage/types.js";
import { newJob } from "./conformance/job-store.js";

export type PastJob = Partial<Omit<JobRecord, "etag">> &
  Pick<JobRecord, "status" | "createdUtc" | "updatedUtc">;

/** Writes each job (and its index rows) as one transaction into the table `env` names; returns their ids. */
export async function writePastJobs(env: Record<string, string>, jobs: PastJob[]): Promise<string[]> {
  const client = TableClient.fromConnectionString(
    env.AZURE_STORAGE_CONNECTION_STRING as string,
    env.PRAISONAI_SVC_TABLE as string,
    { allowInsecureConnection: true },
  );
  const ids: string[] = [];
  for (const past of jobs) {
    const job = { ...newJob(), ...past };
    await client.submitTransaction(jobRows(job).map((row): TransactionAction => ["create", row]));
    ids.push(job.id);
  }
  return ids;
}

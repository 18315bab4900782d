// What every Table Storage driver shares: how its client is made, and deleting rows of one partition.
import {
  TableClient,
  type TableServiceClientOptions,
  type TableTransactionResponse,
  type TransactionAction,
} from "@azure/data-tables";
import { allowsInsecureTables } from "./connection.js";
import { isStatus } from "./errors.js";
import { TABLE_RETRY, TRY_TIMEOUT_MS, timedHttpClient } from "./retry.js";

export function tableClientFor(
  connectionString: string,
  tableName: string,
  retryOptions: TableServiceClientOptions["retryOptions"] = TABLE_RETRY,
): TableClient {
  return TableClient.fromConnectionString(connectionString, tableName, {
    allowInsecureConnection: allowsInsecureTables(connectionString),
    retryOptions,
    httpClient: timedHttpClient(TRY_TIMEOUT_MS),
  });
}

/**
 * The ETag a transaction gave the row of its first action, undefined when the answer does not tell.
 * Change set responses come in the order of the requests (OData batch format); an update's response names no
 * row (no Location header, so the SDK gives no rowKey), and without the order the caller would read the row
 * back: one more storage call for each claim and commit of a job.
 */
export function firstEtag(result: TableTransactionResponse, rowKey: string): string | undefined {
  const first = result.subResponses[0];
  if (!first || first.status >= 300 || (first.rowKey !== undefined && first.rowKey !== rowKey))
    return undefined;
  return first.etag;
}

/** Rows one batch transaction may hold. */
export const MAX_BATCH = 100;

/**
 * Deletes rows of one partition (at most MAX_BATCH) in one transaction; when some were already gone
 * (another replica, or an earlier try whose answer was lost), deletes the rest one by one.
 * Returns how many this call deleted.
 */
export async function deleteRows(
  client: TableClient,
  partitionKey: string,
  rowKeys: string[],
): Promise<number> {
  const actions: TransactionAction[] = rowKeys.map((rowKey) => ["delete", { partitionKey, rowKey }]);
  try {
    await client.submitTransaction(actions);
    return rowKeys.length;
  } catch (error) {
    if (!isStatus(error, 404)) throw error;
  }
  let deleted = 0;
  for (const rowKey of rowKeys) {
    try {
      await client.deleteEntity(partitionKey, rowKey);
      deleted++;
    } catch (error) {
      if (!isStatus(error, 404)) throw error;
    }
  }
  return deleted;
}

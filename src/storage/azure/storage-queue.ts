// JobQueue on Azure Queue Storage. A message's lease is its pop receipt; every renewal returns a new one.
import { QueueServiceClient } from "@azure/storage-queue";
import { LeaseLostError } from "../../errors.js";
import type { JobQueue, QueueMessage } from "../types.js";
import { isLeaseLost } from "./errors.js";
import { QUEUE_CALL_TIMEOUT_MS, STORAGE_RETRY, TRY_TIMEOUT_MS, within } from "./retry.js";

export interface StorageQueueOptions {
  connectionString: string;
  queueName: string;
}

const toSeconds = (ms: number) => Math.max(0, Math.ceil(ms / 1000));
const call = () => within(QUEUE_CALL_TIMEOUT_MS);

export function createStorageQueue(opts: StorageQueueOptions): JobQueue {
  const client = QueueServiceClient.fromConnectionString(opts.connectionString, {
    retryOptions: { ...STORAGE_RETRY, tryTimeoutInMs: TRY_TIMEOUT_MS },
  }).getQueueClient(opts.queueName);

  return {
    async init() {
      await client.createIfNotExists(call());
    },

    async send(body, { delayMs = 0 } = {}) {
      await client.sendMessage(body, {
        visibilityTimeout: toSeconds(delayMs),
        messageTimeToLive: -1,
        ...call(),
      });
    },

    async receive(max, visibilityMs) {
      const res = await client.receiveMessages({
        numberOfMessages: Math.min(32, Math.max(1, max)),
        visibilityTimeout: toSeconds(visibilityMs),
        ...call(),
      });
      return res.receivedMessageItems.map((m) => ({
        messageId: m.messageId,
        popReceipt: m.popReceipt,
        dequeueCount: m.dequeueCount,
        body: m.messageText,
      }));
    },

    async extend(msg, visibilityMs): Promise<QueueMessage> {
      try {
        const res = await client.updateMessage(
          msg.messageId,
          msg.popReceipt,
          undefined,
          toSeconds(visibilityMs),
          call(),
        );
        if (!res.popReceipt) throw new LeaseLostError(`no pop receipt returned for message ${msg.messageId}`);
        return { ...msg, popReceipt: res.popReceipt };
      } catch (error) {
        if (isLeaseLost(error)) {
          throw new LeaseLostError(`lost the lease on message ${msg.messageId}`, { cause: error });
        }
        throw error;
      }
    },

    async delete(msg) {
      try {
        await client.deleteMessage(msg.messageId, msg.popReceipt, call());
      } catch (error) {
        if (!isLeaseLost(error)) throw error; // already gone, or received again by someone else
      }
    },

    async peek(max) {
      const res = await client.peekMessages({ numberOfMessages: Math.min(32, Math.max(1, max)), ...call() });
      return res.peekedMessageItems.map((m) => ({
        messageId: m.messageId,
        body: m.messageText,
        dequeueCount: m.dequeueCount,
      }));
    },

    async count() {
      const props = await client.getProperties(call());
      return props.approximateMessagesCount ?? 0;
    },
  };
}

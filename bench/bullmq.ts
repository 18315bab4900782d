// BullMQ on the local Redis: the reference for what a Redis-backed queue does with the same no-op jobs.
import { randomBytes } from "node:crypto";
import { Queue } from "bullmq";
import { Redis as IORedis } from "ioredis";
import type { E2ESystem } from "./support/e2e.js";
import { type Proc, startFixtureWorkers } from "./support/procs.js";

const REDIS = { host: "127.0.0.1", port: 6379 };

/** true, or why Redis cannot be used. */
export async function redisAvailable(): Promise<true | string> {
  const client = new IORedis({
    ...REDIS,
    lazyConnect: true,
    connectTimeout: 2000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  try {
    await client.connect();
    await client.ping();
    return true;
  } catch (error) {
    return `no Redis at ${REDIS.host}:${REDIS.port} (${(error as Error).message})`;
  } finally {
    client.disconnect();
  }
}

export function bullmqSystem(): E2ESystem {
  let queue: Queue | undefined;
  let connection: IORedis | undefined;
  let procs: Proc[] = [];
  return {
    label: "BullMQ worker",
    async start(workers, onDone) {
      const name = `bench-${randomBytes(4).toString("hex")}`;
      connection = new IORedis({ ...REDIS, maxRetriesPerRequest: null });
      queue = new Queue(name, { connection });
      procs = await startFixtureWorkers(
        "bullmq worker",
        "bullmq-worker.mjs",
        workers,
        { BENCH_QUEUE: name },
        onDone,
      );
    },
    async submit(i) {
      await queue?.add("job", { n: i }, { removeOnComplete: true, removeOnFail: true });
    },
    pids: () => procs.map((p) => p.pid),
    async stop() {
      await Promise.all(procs.map((p) => p.stop()));
      await queue?.obliterate({ force: true });
      await queue?.close();
      connection?.disconnect();
    },
  };
}

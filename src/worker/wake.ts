// Wake on submit: an API on the same machine (`run`, or the API container beside the worker in one replica)
// sends an empty UDP datagram to the worker's loopback port after each enqueue, and the worker receives at
// once instead of finishing its backoff sleep. The datagram carries nothing and is never read: the worst a
// sender can do is make the worker look at the queue early, at most once per WAKE_MIN_GAP_MS.
import { createSocket, type Socket } from "node:dgram";

/** The port the deployment's single-replica layout gives both containers (they share localhost). */
export const DEFAULT_WAKE_PORT = 8079;
/** Early receives a flood of wake-ups can cause: at most one per this many ms. */
export const WAKE_MIN_GAP_MS = 50;
const LOOPBACK = "127.0.0.1";

export interface WakeLogger {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

/**
 * Listens on 127.0.0.1:`port` and calls `onWake` for each datagram. Resolves with the closer, or with
 * undefined when the port cannot be bound (then the worker simply polls, and says so).
 */
export async function listenForWakes(
  port: number,
  onWake: () => void,
  log: WakeLogger,
): Promise<(() => Promise<void>) | undefined> {
  const socket = createSocket("udp4");
  socket.on("message", () => onWake());
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.bind(port, LOOPBACK, () => {
        socket.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    socket.close();
    log.warn(
      { err: error, port },
      `cannot listen for wake-ups on ${LOOPBACK}:${port} (PRAISONAI_SVC_WAKE_PORT); polling only`,
    );
    return undefined;
  }
  socket.on("error", (error) => log.warn({ err: error }, "wake channel error; polling continues"));
  log.info({ port }, "listening for wake-ups on loopback");
  return () => new Promise<void>((resolve) => socket.close(() => resolve()));
}

/** The API's side: `wake()` sends one empty datagram to the worker's loopback port; it never fails or waits. */
export function createWaker(port: number): { wake(): void; close(): void } {
  let socket: Socket | undefined;
  return {
    wake() {
      if (!socket) {
        socket = createSocket("udp4");
        socket.on("error", () => {}); // nobody listening (worker restarting): polling covers it
        socket.unref();
      }
      socket.send(Buffer.alloc(0), port, LOOPBACK, () => {});
    },
    close() {
      socket?.close();
      socket = undefined;
    },
  };
}

/** A UDP port free on loopback now (`run` picks one for its API and worker). */
export async function freeWakePort(): Promise<number> {
  const socket = createSocket("udp4");
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(0, LOOPBACK, () => resolve());
  });
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

// How a long-running command waits for its end: SIGTERM, SIGINT, or the parent that started it over IPC
// going away. The command stops its parts and returns; only cli/main.ts ends the process.

/**
 * Resolves once `stop` has run after the first signal (rejects with its error). A second signal does not
 * wait for `stop`: it resolves at once with exit code 130, so the process ends although `stop` still runs.
 */
export function untilShutdown(stop: (signal: string) => Promise<void>): Promise<void> {
  return new Promise((resolve, reject) => {
    let stopping = false;
    const handler = (signal: string) => {
      if (stopping) {
        process.exitCode = 130;
        return resolve();
      }
      stopping = true;
      stop(signal).then(resolve, reject);
    };
    process.on("SIGTERM", handler);
    process.on("SIGINT", handler);
    // `run` supervises its worker over IPC: if `run` dies without stopping it, the channel closes.
    if (process.connected) process.once("disconnect", () => handler("parent exited"));
  });
}

// When the reader of the CLI's output goes away (`praisonai-svc status --watch | head -3`), the next write
// fails with EPIPE. Unhandled, that error ended the process with a stack trace and status 1; the reader
// leaving is an ordinary way to stop, so the command ends quietly with status 0 instead. (The process
// logger, pino, already drops its writes to a closed pipe by itself.)

/** Ends the command quietly once stdout or stderr has no reader; any other stream error stays fatal. */
export function endOnClosedOutput(): void {
  let ending = false;
  const onError = (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
    if (ending) return;
    ending = true;
    // A long-running command (status --watch, api, worker, run, drain) waits for a signal: it stops as on
    // SIGTERM (jobs in progress are finished or handed back) and cli/main.ts then ends the process. Any
    // other command has nobody left to tell what it does: it ends now.
    if (process.listenerCount("SIGTERM") > 0) process.emit("SIGTERM", "SIGTERM");
    else process.exit(typeof process.exitCode === "number" ? process.exitCode : 0);
  };
  process.stdout.on("error", onError);
  process.stderr.on("error", onError);
}

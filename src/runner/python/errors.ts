// Why a Python handler could not start or finish: each message says what to do.
import { PraisonError } from "../../errors.js";

/** The interpreter is missing or too old, or handlers.py failed to import. Shown to the author, never to a client. */
export class PythonStartError extends PraisonError {
  constructor(message: string) {
    super("PYTHON_START", message);
  }
}

/** What to do about an interpreter that cannot serve handlers.py: said once, the same in every start-up error. */
const INSTALL =
  "install Python 3.9 or newer (Debian: apt-get install python3 python3-venv), create .venv in the project, " +
  "or set PRAISONAI_SVC_PYTHON to the interpreter's path";

/** The interpreter could not be executed at all (spawn failed). */
export function spawnFailed(python: string, error: NodeJS.ErrnoException): PythonStartError {
  if (error.code === "ENOENT")
    return new PythonStartError(`Python interpreter "${python}" was not found: ${INSTALL}.`);
  if (error.code === "EACCES")
    return new PythonStartError(`Python interpreter "${python}" is not an executable file: ${INSTALL}.`);
  return new PythonStartError(`Could not start Python "${python}" (${error.message}): ${INSTALL}.`);
}

/** The runner's own check (python/praisonai_svc/_worker.py) found an interpreter older than 3.9. */
export function tooOld(python: string, message: string): PythonStartError {
  return new PythonStartError(`"${python}" cannot run handlers.py: ${message}. To fix: ${INSTALL}.`);
}

/**
 * The process ended before it said it was ready, without the runner's own report: not a Python (e.g.
 * /bin/false), or one that failed before our module could run (Python 2 cannot even parse it).
 */
export function exitedBeforeReady(
  python: string,
  file: string,
  how: string,
  stderr: string,
): PythonStartError {
  const said = stderr.trim() ? ` It wrote:\n${stderr.trim()}` : " It wrote nothing on stderr.";
  return new PythonStartError(
    `"${python}" exited (${how}) before it had loaded ${file}: is it Python 3.9 or newer? To fix: ${INSTALL}.${said}`,
  );
}

/**
 * The runner's own module said it was importing handlers.py, then the process ended without a report:
 * handlers.py ended it (os._exit at import time, a crash in a C extension), not a wrong interpreter.
 */
export function exitedWhileImporting(file: string, how: string, stderr: string): PythonStartError {
  const said = stderr.trim() ? ` It wrote:\n${stderr.trim()}` : " It wrote nothing on stderr.";
  return new PythonStartError(
    `${file} ended the Python process (${how}) while it was being imported: does it call os._exit() or ` +
      `sys.exit() at import time, or crash in a C extension? A handlers file must only define the service.${said}`,
  );
}

/**
 * The Python process died while it ran a job (segfault, os._exit, out of memory, kill), or was killed
 * because it broke the protocol (`because`): the job is retried.
 */
export class PythonCrashError extends PraisonError {
  constructor(how: string, because?: string) {
    super(
      "PYTHON_CRASH",
      because
        ? `the Python process running the job ${because}; it was killed and replaced`
        : `the Python process running the job exited (${how}); it was replaced`,
    );
  }
}

/** The handler raised. JOB_NON_RETRIABLE (fails at once) for NonRetriableError and Pydantic validation errors. */
export class PythonHandlerError extends PraisonError {
  constructor(message: string, nonRetriable: boolean) {
    super(nonRetriable ? "JOB_NON_RETRIABLE" : "PYTHON_HANDLER_ERROR", message);
  }
}

// Why a Python handler could not start or finish: each message says what to do.
import { PraisonError } from "../../errors.js";

/** The interpreter is missing or too old, or handlers.py failed to import. Shown to the author, never to a client. */
export class PythonStartError extends PraisonError {
  constructor(message: string) {
    super("PYTHON_START", message);
  }
}

/** The Python process died while it ran a job (segfault, os._exit, out of memory, kill): the job is retried. */
export class PythonCrashError extends PraisonError {
  constructor(how: string) {
    super("PYTHON_CRASH", `the Python process running the job exited (${how}); it was replaced`);
  }
}

/** The handler raised. JOB_NON_RETRIABLE (fails at once) for NonRetriableError and Pydantic validation errors. */
export class PythonHandlerError extends PraisonError {
  constructor(message: string, nonRetriable: boolean) {
    super(nonRetriable ? "JOB_NON_RETRIABLE" : "PYTHON_HANDLER_ERROR", message);
  }
}

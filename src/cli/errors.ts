// An error the CLI prints as one line (no stack trace) before exiting with status 1.
import { PraisonError } from "../errors.js";

export class CliError extends PraisonError {
  constructor(message: string) {
    super("CLI", message);
  }
}

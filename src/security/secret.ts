// A secret setting: usable by the code that needs it, printed as "[redacted]" everywhere else.
import { inspect } from "node:util";

/** Wraps a secret so that logging, JSON.stringify or console.log of the configuration never shows it. */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  /** The secret itself; call it only where it is used (e.g. to verify a signature). */
  reveal(): string {
    return this.#value;
  }
  toJSON(): string {
    return "[redacted]";
  }
  toString(): string {
    return "[redacted]";
  }
  [inspect.custom](): string {
    return "[redacted]";
  }
}

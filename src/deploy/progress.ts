// Shows a deployment as a list of steps with their outcome and time, instead of the Azure CLI's JSON.

export interface StepContext {
  /** What the step found or did, shown after its title: "created", "exists", "up to date"... */
  status(text: string): void;
}

export class Progress {
  readonly #write: (text: string) => void;
  readonly #live: boolean;

  /** `live`: rewrite the current line while a step runs (an interactive terminal without --verbose). */
  constructor(write: (text: string) => void, live: boolean) {
    this.#write = write;
    this.#live = live;
  }

  async step<T>(title: string, run: (ctx: StepContext) => Promise<T>): Promise<T> {
    const started = Date.now();
    let status = "";
    if (this.#live) this.#write(`  … ${title}`);
    const line = (mark: string) => {
      const text = `  ${mark} ${title}${status ? ` (${status})` : ""}`;
      return `${text.padEnd(64)} ${formatDuration(Date.now() - started)}\n`;
    };
    try {
      const result = await run({ status: (text) => (status = text) });
      this.#write(`${this.#live ? "\r\x1b[2K" : ""}${line("✔")}`);
      return result;
    } catch (error) {
      this.#write(`${this.#live ? "\r\x1b[2K" : ""}${line("✘")}`);
      throw error;
    }
  }
}

export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, "0")}s`;
}

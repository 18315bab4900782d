// Polling backoff: doubles from min to max while the queue is empty, back to min when work is found.

export class PollBackoff {
  #next: number;
  constructor(
    private readonly minMs: number,
    private readonly maxMs: number,
  ) {
    this.#next = minMs;
  }

  /** The wait before the next receive; each call doubles the following one, up to max. */
  next(): number {
    const wait = this.#next;
    this.#next = Math.min(this.#next * 2, this.maxMs);
    return wait;
  }

  reset(): void {
    this.#next = this.minMs;
  }
}

// The framed protocol with the Python worker (python/praisonai_svc/_protocol.py): two big-endian uint32
// lengths (JSON header, raw body), the header, the body. Bodies are raw bytes: a 100 MB result stays 100 MB.

const LENGTHS = 8;
/**
 * The largest header accepted. Ours are small (texts in them are cut to 64 Ki characters): a larger one is
 * a torn or forged frame, refused before its bytes are awaited or buffered.
 */
export const MAX_HEADER = 1024 * 1024;

export interface Frame {
  header: Record<string, unknown>;
  body: Buffer;
}

/** The channel carried bytes that are not a frame: the process on the other end can no longer be trusted. */
export class FrameError extends Error {}

export function encodeFrame(header: object, body: Buffer = Buffer.alloc(0)): Buffer[] {
  const json = Buffer.from(JSON.stringify(header), "utf8");
  const lengths = Buffer.alloc(LENGTHS);
  lengths.writeUInt32BE(json.length, 0);
  lengths.writeUInt32BE(body.length, 4);
  return [lengths, json, body];
}

/**
 * Reassembles frames from pipe chunks; a large body is copied once, when its last chunk arrives. `push`
 * throws a FrameError on a corrupt frame, after which the reader takes nothing more.
 */
export class FrameReader {
  #chunks: Buffer[] = [];
  #buffered = 0;
  #need: { header: number; body: number } | undefined;
  #broken = false;

  constructor(private readonly onFrame: (frame: Frame) => void) {}

  push(chunk: Buffer): void {
    if (this.#broken) return;
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    for (;;) {
      if (!this.#need) {
        if (this.#buffered < LENGTHS) return;
        const head = this.#take(LENGTHS);
        this.#need = { header: head.readUInt32BE(0), body: head.readUInt32BE(4) };
        if (this.#need.header > MAX_HEADER)
          this.#fail(`a header of ${this.#need.header} bytes, over the 1 MiB limit`);
      }
      const { header, body } = this.#need;
      if (this.#buffered < header + body) return;
      this.#need = undefined;
      const json = this.#parse(this.#take(header));
      this.onFrame({ header: json, body: body === 0 ? Buffer.alloc(0) : this.#take(body) });
    }
  }

  #parse(bytes: Buffer): Record<string, unknown> {
    const start = () => JSON.stringify(bytes.subarray(0, 40).toString("utf8"));
    let header: unknown;
    try {
      header = JSON.parse(bytes.toString("utf8"));
    } catch {
      this.#fail(`a header that is not JSON: ${start()}`);
    }
    if (header === null || typeof header !== "object" || Array.isArray(header))
      this.#fail(`a header that is not a JSON object: ${start()}`);
    return header as Record<string, unknown>;
  }

  #fail(what: string): never {
    this.#broken = true;
    this.#chunks = [];
    this.#buffered = 0;
    throw new FrameError(what);
  }

  #take(n: number): Buffer {
    const all = this.#chunks.length === 1 ? (this.#chunks[0] as Buffer) : Buffer.concat(this.#chunks);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.#chunks = rest.length > 0 ? [rest] : [];
    this.#buffered = rest.length;
    return out;
  }
}

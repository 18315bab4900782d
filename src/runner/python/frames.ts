// The framed protocol with the Python worker (python/praisonai_svc/_protocol.py): two big-endian uint32
// lengths (JSON header, raw body), the header, the body. Bodies are raw bytes: a 100 MB result stays 100 MB.

const LENGTHS = 8;

export interface Frame {
  header: Record<string, unknown>;
  body: Buffer;
}

export function encodeFrame(header: object, body: Buffer = Buffer.alloc(0)): Buffer[] {
  const json = Buffer.from(JSON.stringify(header), "utf8");
  const lengths = Buffer.alloc(LENGTHS);
  lengths.writeUInt32BE(json.length, 0);
  lengths.writeUInt32BE(body.length, 4);
  return [lengths, json, body];
}

/** Reassembles frames from pipe chunks; a large body is copied once, when its last chunk arrives. */
export class FrameReader {
  #chunks: Buffer[] = [];
  #buffered = 0;
  #need: { header: number; body: number } | undefined;

  constructor(private readonly onFrame: (frame: Frame) => void) {}

  push(chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    for (;;) {
      if (!this.#need) {
        if (this.#buffered < LENGTHS) return;
        const head = this.#take(LENGTHS);
        this.#need = { header: head.readUInt32BE(0), body: head.readUInt32BE(4) };
      }
      const { header, body } = this.#need;
      if (this.#buffered < header + body) return;
      this.#need = undefined;
      const json = JSON.parse(this.#take(header).toString("utf8")) as Record<string, unknown>;
      this.onFrame({ header: json, body: body === 0 ? Buffer.alloc(0) : this.#take(body) });
    }
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

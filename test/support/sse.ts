// A small Server-Sent Events client for tests: every event with the time it arrived. Each stream has its own
// connection (node:http without an agent): fetch's pool opened a spare connection after an abort, which
// held the server's close until its header timeout.
import { get, type IncomingHttpHeaders, type IncomingMessage } from "node:http";
export interface ReceivedEvent {
  event?: string;
  id?: string;
  data?: string;
  /** Comment lines (heartbeats) arrive as events with only `comment`. */
  comment?: string;
  at: number;
}

export interface SseClient {
  status: number;
  headers: IncomingHttpHeaders;
  events: ReceivedEvent[];
  /** Resolves when the server ended the stream. */
  ended: Promise<void>;
  /** Waits for an event matching `match` (checking ones already received), up to `timeoutMs`. */
  next(match: (e: ReceivedEvent) => boolean, timeoutMs?: number): Promise<ReceivedEvent>;
  close(): void;
}

/** Opens a stream on its own connection (node:http, no pooling), closed with the client. */
export async function openEvents(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = get(url, { agent: false, headers: { accept: "text/event-stream", ...headers } }, resolve);
    req.on("error", reject);
  });
  const events: ReceivedEvent[] = [];
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const w of [...waiters]) w();
  };
  const ended = (async () => {
    const decoder = new TextDecoder();
    let buffer = "";
    try {
      for await (const chunk of res as AsyncIterable<Buffer>) {
        buffer += decoder.decode(chunk, { stream: true });
        let cut = buffer.indexOf("\n\n");
        while (cut >= 0) {
          events.push(parseBlock(buffer.slice(0, cut)));
          buffer = buffer.slice(cut + 2);
          cut = buffer.indexOf("\n\n");
        }
        notify();
      }
    } catch {
      // closed by close()
    }
  })();
  let done = false;
  void ended.then(() => {
    done = true;
    notify();
  });

  return {
    status: res.statusCode ?? 0,
    headers: res.headers,
    events,
    ended,
    next(match, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = events.find(match);
          if (found) {
            cleanup();
            resolve(found);
          } else if (done) {
            cleanup();
            reject(new Error(`the stream ended without the event; got ${JSON.stringify(events)}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(events)}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    close: () => res.destroy(),
  };
}

function parseBlock(block: string): ReceivedEvent {
  const e: ReceivedEvent = { at: Date.now() };
  for (const line of block.split("\n")) {
    if (line.startsWith(":")) e.comment = line.slice(1).trim();
    const m = /^(event|id|data|retry): ?(.*)$/.exec(line);
    if (m?.[1] === "event") e.event = m[2];
    else if (m?.[1] === "id") e.id = m[2];
    else if (m?.[1] === "data") e.data = m[2];
  }
  return e;
}

/** The JSON of an event's data. */
export const dataOf = (e: ReceivedEvent): Record<string, unknown> => JSON.parse(e.data ?? "null");

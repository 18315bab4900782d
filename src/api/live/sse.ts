// The Server-Sent Events wire format (https://html.spec.whatwg.org/multipage/server-sent-events.html).

export interface SseEvent {
  event: string;
  /** The client sends the last one back as Last-Event-ID when it reconnects. */
  id?: string;
  data: unknown;
}

/** One event; `data` as JSON on one line (JSON.stringify never emits a raw newline). */
export function formatEvent({ event, id, data }: SseEvent): string {
  return `event: ${event}\n${id === undefined ? "" : `id: ${id}\n`}data: ${JSON.stringify(data)}\n\n`;
}

/** A comment line: keeps proxies from closing an idle stream; clients ignore it. */
export const HEARTBEAT = ": keep-alive\n\n";

/** How long a client waits before reconnecting after the stream drops. */
export const retryField = (ms: number): string => `retry: ${ms}\n\n`;

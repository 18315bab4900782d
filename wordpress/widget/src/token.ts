// Short-lived tokens for direct mode: fetched from the site's token endpoint and renewed before they expire.
import { requestJson } from "./http.js";

/** Renew this long before expiry, so a token never expires between fetching it and the service checking it. */
const RENEW_BEFORE_MS = 60_000;

interface TokenAnswer {
  token: string;
  expires_in: number;
}

export class TokenSource {
  private token?: string;
  private expiresAt = 0;
  private pending?: Promise<string>;

  constructor(
    private readonly url: string,
    private readonly nonce?: string,
  ) {}

  /** A token valid for at least another minute; concurrent callers share one fetch. */
  get(now = Date.now()): Promise<string> {
    if (this.token && now < this.expiresAt - RENEW_BEFORE_MS) return Promise.resolve(this.token);
    this.pending ??= this.fetch().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async fetch(): Promise<string> {
    const answer = await requestJson<TokenAnswer>(this.url, {
      headers: this.nonce ? { "X-WP-Nonce": this.nonce } : {},
      credentials: "same-origin",
    });
    this.token = answer.token;
    this.expiresAt = Date.now() + answer.expires_in * 1000;
    return answer.token;
  }
}

// The only addresses the widget opens: http(s). A download link comes from the service (in direct mode
// straight from it, without the site's check); a `javascript:` link opened with location.assign would run
// in the page (with the visitor's WordPress session and nonce), a `data:` or `blob:` one could show a
// look-alike page. Anything else is refused and said so.

/** `link` as an absolute http(s) URL, or undefined when it is anything else (or no URL at all). */
export function webAddress(link: unknown): string | undefined {
  if (typeof link !== "string") return undefined;
  let url: URL;
  try {
    url = new URL(link, location.href);
  } catch {
    return undefined;
  }
  return url.protocol === "https:" || url.protocol === "http:" ? url.href : undefined;
}

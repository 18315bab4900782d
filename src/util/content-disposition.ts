// RFC 6266 Content-Disposition for downloads: an ASCII fallback plus the exact name as RFC 8187 UTF-8.
// The filename comes from a handler (possibly echoing user input), so nothing in it may break the
// header (CR/LF, quotes), reach another folder (slashes) or disguise the file (bidi overrides).
import { create } from "content-disposition";

const MAX_CODE_POINTS = 200;

/**
 * Removes control and format characters (CR/LF, NUL, bidi overrides, zero-width) and line separators;
 * replaces quotes, backslashes, slashes and other characters Windows refuses with `_`; drops leading
 * dots (hidden files) and trailing dots/spaces (Windows drops them); removes lone surrogates (not text:
 * encodeURIComponent throws on them). An empty result is `fallback`.
 */
export function sanitizeFilename(name: string, fallback = "download"): string {
  const cleaned = name
    .replace(/[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]+/gu, "")
    .replace(/["\\/:*?<>|]+/g, "_")
    .replace(/^[.\s]+/, "")
    .replace(/[.\s]+$/, "");
  // Cut by code points, never inside a surrogate pair (a lone surrogate makes encodeURIComponent throw).
  const short = Array.from(cleaned).slice(0, MAX_CODE_POINTS).join("").trim();
  return short === "" ? fallback : short;
}

/**
 * `attachment; filename="<ASCII>"; filename*=UTF-8''<percent-encoded>` (the `content-disposition` package,
 * given the sanitized name): old clients read the first, others the second.
 */
export function contentDisposition(filename: string): string {
  const safe = sanitizeFilename(filename);
  // RFC 6266 appendix D: the fallback is ASCII without '%' (some clients would percent-decode it).
  return create(safe, { type: "attachment", fallback: safe.replace(/[^\x20-\x7e]|%/g, "_") });
}

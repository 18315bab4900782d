// Media types a handler names for its result: checked before they reach a stored blob's Content-Type (and
// from there the download's header), and used to name a file the handler left unnamed.

const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const QUOTED = '"(?:[^"\\\\\\x00-\\x1f\\x7f]|\\\\[\\x20-\\x7e])*"';
/** RFC 9110 §8.3.1: type/subtype, then `; name=value` parameters; no control characters anywhere. */
const MEDIA_TYPE = new RegExp(`^${TOKEN}/${TOKEN}(?:[ \\t]*;[ \\t]*${TOKEN}=(?:${TOKEN}|${QUOTED}))*$`);

/** True for a well-formed media type of at most 255 characters, such as `application/pdf; q=1`. */
export const isMediaType = (value: string): boolean => value.length <= 255 && MEDIA_TYPE.test(value);

const EXTENSIONS: Record<string, string> = {
  "application/pdf": "pdf",
  "application/json": "json",
  "application/zip": "zip",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
  "text/plain": "txt",
  "text/html": "html",
  "text/csv": "csv",
  "text/markdown": "md",
  "image/png": "png",
  "image/jpeg": "jpg",
  "image/svg+xml": "svg",
};

/** `result` with the usual extension of `contentType` (`result.pdf`), or plain `result`. */
export function defaultFilename(contentType: string): string {
  const ext = EXTENSIONS[contentType.split(";")[0]?.trim().toLowerCase() ?? ""];
  return ext ? `result.${ext}` : "result";
}

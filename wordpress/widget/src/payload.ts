// What the visitor typed or attached, and the media type it is sent as.

export const MAX_BYTES = 1_048_576;
const EXTENSIONS = /\.(ya?ml|json)$/i;

/** JSON when it looks like a JSON document, YAML otherwise (YAML is a superset, but the service parses each strictly). */
export function contentTypeOf(text: string): string {
  const first = text.trimStart()[0];
  return first === "{" || first === "[" ? "application/json" : "application/yaml";
}

export type FileProblem = "fileType" | "fileTooLarge";

/** Reads an attached file, or says why it cannot be used. */
export async function readAttachment(file: File): Promise<{ text: string } | { problem: FileProblem }> {
  if (!EXTENSIONS.test(file.name)) return { problem: "fileType" };
  if (file.size > MAX_BYTES) return { problem: "fileTooLarge" };
  return { text: await file.text() };
}

/** A short title for a submission: its `presentation_title`/`title`/`name`, or its first line. */
export function summarize(text: string): string {
  const named = /^\s*"?(?:presentation_title|title|name)"?\s*:\s*"?([^"\n]+)"?/m.exec(text);
  const line = named?.[1] ?? text.trim().split("\n")[0] ?? "";
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}

// Safe YAML for untrusted bodies: core schema only (no custom tags), bounded aliases, one document.
import { parseDocument } from "yaml";

export class YamlError extends Error {}

export function parseYaml(text: string): unknown {
  const doc = parseDocument(text, { schema: "core", uniqueKeys: true, prettyErrors: false, customTags: [] });
  const first = doc.errors[0];
  if (first) throw new YamlError(first.message.split("\n")[0]);
  return doc.toJS({ maxAliasCount: 100 });
}

// Safe YAML for untrusted bodies: YAML 1.2 core schema only (no custom or 1.1 tags), bounded aliases,
// bounded nesting, one document, no prototype keys. Every refusal is a YamlError (the API answers 400).
import type { CST, Document, DocumentOptions, ParseOptions, SchemaOptions } from "yaml";
import { Composer, isMap, isScalar, isSeq, Parser } from "yaml";
import { PraisonError } from "../errors.js";
import { MAX_DEPTH, unsafeShape } from "./payload-shape.js";
import { MAX_YAML_ELEMENTS, yamlElementsExceed, yamlIndentationExceeds } from "./prescan.js";

/** A YAML body that was refused; the message says why and is safe to show the sender. */
export class YamlError extends PraisonError {
  constructor(message: string) {
    super("YAML_REFUSED", message);
  }
}

/** Alias expansions allowed in one document; a "billion laughs" needs millions. */
export const MAX_ALIAS_COUNT = 100;

const OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  schema: "core",
  // The library's duplicate-key check compares every key with every other (10,000 keys took seconds);
  // duplicateKey below does the same check with a set.
  uniqueKeys: false,
  prettyErrors: false,
  customTags: [],
};

export function parseYaml(text: string): unknown {
  if (yamlElementsExceed(text, MAX_YAML_ELEMENTS)) {
    throw new YamlError(
      `The document has more than ${MAX_YAML_ELEMENTS} structural elements (lines, entries, indicators); send large payloads as JSON.`,
    );
  }
  if (yamlIndentationExceeds(text, MAX_DEPTH)) {
    throw new YamlError(`The document is indented more than ${MAX_DEPTH} levels deep.`);
  }
  // The CST parser is iterative; the composer after it recurses once per level and would exhaust the
  // stack (even abort the process) on a 10,000-deep document, so depth is checked on the CST first.
  const tokens = Array.from(new Parser().parse(text));
  if (cstDepthExceeds(tokens, MAX_DEPTH)) {
    throw new YamlError(`The document is nested more than ${MAX_DEPTH} levels deep.`);
  }
  const docs = Array.from(new Composer(OPTIONS).compose(tokens, true, text.length));
  if (docs.length > 1) throw new YamlError("Send one YAML document; this body holds several (---).");
  const doc = docs[0];
  if (!doc) return null;
  const problem = doc.errors[0] ?? doc.warnings[0]; // warnings include unknown tags such as !!python/object
  if (problem) throw new YamlError(problem.message.split("\n")[0] ?? problem.message);
  const duplicate = duplicateKey(doc);
  if (duplicate !== undefined) throw new YamlError(`Map keys must be unique; "${duplicate}" is repeated.`);
  const { explicit, version } = doc.directives?.yaml ?? {};
  // A %YAML 1.1 directive would switch the schema (yes/no booleans, sexagesimal numbers, !!binary, merge keys).
  if (explicit && version !== "1.2")
    throw new YamlError(`Only YAML 1.2 is accepted; remove the %YAML ${version} line.`);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    throw new YamlError((error as Error).message);
  }
  const unsafe = unsafeShape(value);
  if (unsafe) throw new YamlError(unsafe);
  return value;
}

/** True when collections nest deeper than `max` anywhere in the token tree (walked without recursion). */
function cstDepthExceeds(tokens: CST.Token[], max: number): boolean {
  const stack: [CST.Token, number][] = tokens.map((t) => [t, 0]);
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const [token, depth] = item;
    if (token.type === "document") {
      if (token.value) stack.push([token.value, depth]);
    } else if (token.type === "block-map" || token.type === "block-seq" || token.type === "flow-collection") {
      if (depth >= max) return true;
      for (const it of token.items) {
        if (it.key) stack.push([it.key, depth + 1]);
        if (it.value) stack.push([it.value, depth + 1]);
      }
    }
  }
  return false;
}

/** The first scalar key that a mapping holds twice, found in one pass (walked without recursion). */
function duplicateKey(doc: Document): string | undefined {
  const stack: unknown[] = [doc.contents];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (isSeq(node)) stack.push(...node.items);
    else if (isMap(node)) {
      const seen = new Set<unknown>();
      for (const pair of node.items) {
        if (isScalar(pair.key)) {
          if (seen.has(pair.key.value)) return String(pair.key.value).slice(0, 64);
          seen.add(pair.key.value);
        }
        stack.push(pair.key, pair.value);
      }
    }
  }
  return undefined;
}

// Shape checks on a parsed payload, before anything walks it recursively (validation, hashing, handlers):
// a bounded depth, and no key that reaches a prototype. Iterative, so a hostile document cannot
// exhaust the stack here.

/** Deepest accepted nesting of objects and arrays; real payloads stay far below it. */
export const MAX_DEPTH = 64;

/**
 * Why `value` must be refused, or undefined. Refuses a `__proto__` key anywhere, and a `constructor`
 * key whose value has a `prototype` key: the same rule as Fastify's JSON parser (secure-json-parse).
 */
export function unsafeShape(value: unknown, maxDepth = MAX_DEPTH): string | undefined {
  const stack: [unknown, number][] = [[value, 0]];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const [node, depth] = item;
    if (node === null || typeof node !== "object") continue;
    if (depth >= maxDepth) return `The payload is nested more than ${maxDepth} levels deep.`;
    if (Array.isArray(node)) {
      for (const child of node) stack.push([child, depth + 1]);
      continue;
    }
    for (const key of Object.keys(node)) {
      const child = (node as Record<string, unknown>)[key];
      if (key === "__proto__") return 'The payload contains a "__proto__" key, which is not accepted.';
      if (key === "constructor" && child !== null && typeof child === "object" && "prototype" in child) {
        return 'The payload contains a "constructor.prototype" key, which is not accepted.';
      }
      stack.push([child, depth + 1]);
    }
  }
  return undefined;
}

// Linear scans of a raw body that refuse hostile shapes before a parser spends time and memory on them.
// The YAML parser needs ~0.5-1 KB and several microseconds per token, so 1 MB of `[` or of blank lines
// cost seconds and close to a gigabyte; these scans look at each character once and allocate nothing.

/**
 * The most structural elements a YAML body may hold: line breaks, flow brackets, commas inside flow
 * collections, block indicators (`- `, `? `, `: `) and the characters that start an alias, anchor, tag,
 * comment, directive or block scalar. Hand-written YAML stays far below; larger payloads go as JSON.
 */
export const MAX_YAML_ELEMENTS = 20_000;

/**
 * Counts the structural elements of a YAML text, stopping once `max` is passed. The count ignores
 * context (a `#` inside a quoted string counts too), so it is an upper bound of the tokens the parser
 * makes: a shape cannot hide inside something this scan mistakes for a string.
 */
export function yamlElementsExceed(text: string, max = MAX_YAML_ELEMENTS): boolean {
  let count = 0;
  let flow = false; // a comma is structural only inside a flow collection, which needs a bracket first
  for (let i = 0; i < text.length; i++) {
    switch (text.charCodeAt(i)) {
      case 0x0d: // CR, unless it starts a CRLF (counted at the LF)
        if (text.charCodeAt(i + 1) === 0x0a) continue;
        break;
      case 0x5b: // [
      case 0x7b: // {
        flow = true;
        break;
      case 0x2c: // ,
        if (!flow) continue;
        break;
      case 0x2d: // -
      case 0x3f: // ?
      case 0x3a: // :
        if (!isBreakOrBlank(text.charCodeAt(i + 1))) continue;
        break;
      case 0x0a: // LF
      case 0x5d: // ]
      case 0x7d: // }
      case 0x2a: // * alias
      case 0x26: // & anchor
      case 0x21: // ! tag
      case 0x23: // # comment
      case 0x25: // % directive
      case 0x7c: // | literal
      case 0x3e: // > folded
        break;
      default:
        continue;
    }
    if (++count > max) return true;
  }
  return false;
}

/**
 * True when lines indent deeper than `max` levels (each line more indented than the open ones above it
 * opens a level). Block collections nest by indentation, so this refuses deep block nesting before the
 * parser reads a megabyte of it; nesting on one line (`- - -`) is bounded by the element count instead.
 */
export function yamlIndentationExceeds(text: string, max: number): boolean {
  const levels: number[] = [];
  let lineStart = true;
  for (let i = 0; i < text.length; i++) {
    if (!lineStart) {
      const c = text.charCodeAt(i);
      lineStart = c === 0x0a || c === 0x0d;
      continue;
    }
    let indent = 0;
    while (text.charCodeAt(i + indent) === 0x20) indent++;
    i += indent;
    const c = text.charCodeAt(i);
    if (Number.isNaN(c) || c === 0x0a || c === 0x0d) continue; // a blank line opens nothing
    lineStart = false;
    while (levels.length > 0 && (levels[levels.length - 1] ?? 0) >= indent) levels.pop();
    levels.push(indent);
    if (levels.length > max) return true;
  }
  return false;
}

/** True when arrays and objects in a JSON text nest deeper than `max` (strings skipped exactly). */
export function jsonDepthExceeds(text: string, max: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // Skip the string: JSON has one escape character and strings cannot span what follows.
      for (i++; i < text.length; i++) {
        const s = text.charCodeAt(i);
        if (s === 0x5c) i++;
        else if (s === 0x22) break;
      }
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return false;
}

function isBreakOrBlank(c: number): boolean {
  return Number.isNaN(c) || c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

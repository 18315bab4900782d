// A small element builder: text is always set as text, never parsed as HTML.

type Attrs = Record<string, string | boolean | undefined>;
type Child = Node | string | false | null | undefined;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    el.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children) {
    if (child) el.append(child);
  }
  return el;
}

let counter = 0;
/** A document-unique id for label/aria wiring (several widgets may share a page). */
export const uid = (prefix: string): string => `praisonai-${prefix}-${++counter}`;

// Measures and wraps text the way a slide renderer will, erring wide, so a box we fill never overflows.
// pptxgenjs cannot measure text; PowerPoint and LibreOffice wrap it themselves when they draw the slide.
// We wrap greedily with widths at least as large as the real glyphs' (font-widths.ts) and break only
// where a renderer may break too; a renderer's own greedy wrap then needs at most as many lines as ours.
import { BOLD, REGULAR, type WidthRange } from "./font-widths.js";

/** Line height as a multiple of the font size; written into the slide as exact line spacing. */
export const LINE_HEIGHT = 1.2;
/** Head-room for kerning and rounding differences between renderers. */
const WIDTH_SAFETY = 0.97;
/** Width, in 1/1000 em, of a character outside the measured ranges: CJK ideographs are exactly 1 em. */
const UNKNOWN_WIDTH = 1000;
/** Emoji and other astral characters are drawn from fallback fonts, some wider than 1 em. */
const ASTRAL_WIDTH = 1300;
/** Splits after the characters where a renderer may break a line without a space (hyphens, dashes, slash). */
const BREAK_AFTER = /(?<=[-\u2010-\u2015/])/u;

export interface Font {
  /** Points. */
  size: number;
  bold?: boolean;
}

/** One wrapped line, and what joins it to the next: a space, nothing (a broken word), or a new paragraph. */
export interface Line {
  text: string;
  sep: " " | "" | "\n";
}

/** The ranges as one flat table per weight, indexed by code point: a lookup per character is hot. */
function flatten(table: readonly WidthRange[]): Uint16Array {
  const end = Math.max(...table.map((r) => r.from + r.widths.length));
  const flat = new Uint16Array(end).fill(UNKNOWN_WIDTH);
  for (const range of table) flat.set(range.widths, range.from);
  return flat;
}
const WIDTHS = { regular: flatten(REGULAR), bold: flatten(BOLD) };

function lookup(table: Uint16Array, cp: number): number {
  if (cp > 0xffff) return ASTRAL_WIDTH;
  return table[cp] ?? UNKNOWN_WIDTH;
}

/** The width of `text` in 1/1000 em (whole numbers, so sums are exact). */
function units(text: string, font: Font): number {
  const table = font.bold ? WIDTHS.bold : WIDTHS.regular;
  let sum = 0;
  for (const ch of text) sum += lookup(table, ch.codePointAt(0) ?? 0);
  return sum;
}

/** The width of `text` in points. */
export function measure(text: string, font: Font): number {
  return (units(text, font) * font.size) / 1000;
}

// Characters XML 1.0 cannot carry at all (a slide with one does not open).
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Text as a slide shows it: XML-safe, spaces collapsed, one line break between paragraphs. */
export function cleanText(text: string): string {
  return text
    .replace(NOT_XML, "")
    .split(/\r\n|\r|\n|\u2028|\u2029/)
    .map((p) => p.replace(/\s+/gu, " ").trim())
    .filter((p) => p !== "")
    .join("\n");
}

/** Splits a paragraph into unbreakable pieces, each remembering whether a space preceded it. */
function tokens(paragraph: string): { text: string; space: boolean }[] {
  const out: { text: string; space: boolean }[] = [];
  for (const word of paragraph.split(" ")) {
    word.split(BREAK_AFTER).forEach((piece, i) => {
      if (piece !== "") out.push({ text: piece, space: i === 0 });
    });
  }
  return out;
}

/** Wraps cleaned text into lines no wider than `width` points. */
export function wrap(text: string, width: number, font: Font): Line[] {
  // In 1/1000 em; widths add up (no kerning), so a line's width is kept as a running sum.
  const max = (width * WIDTH_SAFETY * 1000) / font.size;
  const space = units(" ", font);
  const lines: Line[] = [];
  for (const paragraph of cleanText(text).split("\n")) {
    if (paragraph === "") continue;
    let line = "";
    let used = 0;
    const push = (sep: Line["sep"]) => {
      lines.push({ text: line, sep });
      line = "";
      used = 0;
    };
    for (const token of tokens(paragraph)) {
      const sep = token.space ? " " : "";
      const tokenUnits = units(token.text, font);
      if (line !== "" && used + (token.space ? space : 0) + tokenUnits <= max) {
        line += sep + token.text;
        used += (token.space ? space : 0) + tokenUnits;
        continue;
      }
      if (line !== "") push(sep);
      // A piece wider than the line is cut where it overflows, as renderers do.
      for (const ch of token.text) {
        const w = units(ch, font);
        if (line !== "" && used + w > max) push("");
        line += ch;
        used += w;
      }
    }
    push("\n");
  }
  const last = lines.at(-1);
  if (last) last.sep = "";
  return lines;
}

/** The text of consecutive lines, exactly as it was before wrapping. */
export function joinLines(lines: readonly Line[]): string {
  return lines.map((l, i) => (i === lines.length - 1 ? l.text : l.text + l.sep)).join("");
}

/** Text set in a box: the size chosen, its exact line spacing, and the lines it takes. */
export interface FittedText {
  text: string;
  size: number;
  bold: boolean;
  /** Points between baselines. */
  lineSpacing: number;
  lines: number;
  /** True when even the smallest size did not fit and the text was cut (ending in "…"). */
  truncated: boolean;
}

export const lineSpacingFor = (size: number): number => Math.ceil(size * LINE_HEIGHT);

/** The largest size from `maxSize` down to `minSize` (2 pt steps) at which `text` fits the box. */
export function fitText(
  text: string,
  box: { w: number; h: number },
  opts: { maxSize: number; minSize: number; bold?: boolean },
): FittedText {
  const bold = opts.bold ?? false;
  for (let size = opts.maxSize; size >= opts.minSize; size -= 2) {
    const lines = wrap(text, box.w, { size, bold });
    const spacing = lineSpacingFor(size);
    if (lines.length * spacing <= box.h) {
      return {
        text: joinLines(lines),
        size,
        bold,
        lineSpacing: spacing,
        lines: lines.length,
        truncated: false,
      };
    }
  }
  // Last resort, for input the schema's limits should already keep out: cut at the smallest size.
  const size = opts.minSize;
  const font = { size, bold };
  const spacing = lineSpacingFor(size);
  const keep = wrap(text, box.w, font).slice(0, Math.max(1, Math.floor(box.h / spacing)));
  const last = keep.at(-1) as Line;
  while (last.text !== "" && measure(`${last.text}…`, font) > box.w * WIDTH_SAFETY) {
    last.text = Array.from(last.text).slice(0, -1).join("");
  }
  last.text = `${last.text.trimEnd()}…`;
  return { text: joinLines(keep), size, bold, lineSpacing: spacing, lines: keep.length, truncated: true };
}

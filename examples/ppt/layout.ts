// Plans a deck: which slides, which text in which box, at which size. Pure, so tests and the schema use it too.
import { cleanText, type FittedText, fitText, joinLines, lineSpacingFor, wrap } from "./text-fit.js";

/** The content the planner needs; the schema's output type has this shape. */
export interface DeckContent {
  presentation_title: string;
  presentation_subtitle?: string | null | undefined;
  sections: readonly { section: string; verses: readonly { reference: string; text: string }[] }[];
}

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** A 16:9 slide in points (13.333 × 7.5 in, PowerPoint's "Widescreen"). */
export const SLIDE = { w: 960, h: 540 } as const;

/** Where each text goes, in points. Boxes have no inner margin: the text may use all of them. */
export const BOXES = {
  title: { x: 60, y: 120, w: 840, h: 180 },
  subtitle: { x: 60, y: 330, w: 840, h: 100 },
  sectionLabel: { x: 60, y: 96, w: 840, h: 24 },
  section: { x: 60, y: 130, w: 840, h: 300 },
  header: { x: 48, y: 24, w: 864, h: 40 },
  body: { x: 60, y: 80, w: 840, h: 340 },
  reference: { x: 60, y: 436, w: 840, h: 48 },
  part: { x: 612, y: 496, w: 300, h: 24 },
} as const satisfies Record<string, Box>;

/** Verse text has one size on every slide, so a split verse reads evenly; long verses take more slides. */
export const BODY_FONT = { size: 32, bold: false } as const;
export const BODY_LINES = Math.floor(BOXES.body.h / lineSpacingFor(BODY_FONT.size));
/** Labels ("Section 2 of 3", "(cont.) 2/3") are short enough for their boxes at any count the limits allow. */
const LABEL_SIZE = { sectionLabel: 16, part: 14 } as const;

export type SlidePlan =
  | { kind: "title"; title: FittedText; subtitle?: FittedText }
  | { kind: "section"; label: FittedText; name: FittedText }
  | {
      kind: "verse";
      header: FittedText;
      body: FittedText;
      reference: FittedText;
      /** Present when the verse takes several slides: "1/3", "(cont.) 2/3". */
      partLabel?: FittedText;
      /** 1-based; `parts` is 1 for a verse that fits one slide. */
      part: number;
      parts: number;
    };

/** "1/3" on a verse's first slide, "(cont.) 2/3" on the others. */
export const partLabel = (part: number, parts: number): string =>
  part === 1 ? `${part}/${parts}` : `(cont.) ${part}/${parts}`;

/** Splits a verse into slide-sized pieces of whole lines, as even in length as the slide count allows. */
export function splitVerse(text: string): FittedText[] {
  const lines = wrap(text, BOXES.body.w, BODY_FONT);
  const parts = Math.max(1, Math.ceil(lines.length / BODY_LINES));
  const pieces: FittedText[] = [];
  for (let p = 0; p < parts; p++) {
    // Piece p gets lines [p·L/n, (p+1)·L/n): sizes differ by at most one line, none above BODY_LINES.
    const slice = lines.slice(
      Math.floor((p * lines.length) / parts),
      Math.floor(((p + 1) * lines.length) / parts),
    );
    pieces.push({
      text: joinLines(slice),
      ...BODY_FONT,
      lineSpacing: lineSpacingFor(BODY_FONT.size),
      lines: slice.length,
      truncated: false,
    });
  }
  return pieces;
}

/** A short label set in one line at a fixed size. */
const label = (text: string, size: number): FittedText => ({
  text,
  size,
  bold: false,
  lineSpacing: lineSpacingFor(size),
  lines: 1,
  truncated: false,
});

const fitTitle = (text: string) =>
  fitText(cleanText(text), BOXES.title, { maxSize: 48, minSize: 24, bold: true });
const fitSubtitle = (text: string) => fitText(cleanText(text), BOXES.subtitle, { maxSize: 28, minSize: 16 });
const fitSection = (text: string) =>
  fitText(cleanText(text), BOXES.section, { maxSize: 48, minSize: 24, bold: true });
const fitHeader = (text: string) => fitText(cleanText(text), BOXES.header, { maxSize: 18, minSize: 12 });
const fitReference = (text: string) =>
  fitText(cleanText(text), BOXES.reference, { maxSize: 26, minSize: 14, bold: true });

export function planDeck(deck: DeckContent): SlidePlan[] {
  const subtitle = deck.presentation_subtitle ? cleanText(deck.presentation_subtitle) : "";
  const slides: SlidePlan[] = [
    {
      kind: "title",
      title: fitTitle(deck.presentation_title),
      ...(subtitle ? { subtitle: fitSubtitle(subtitle) } : {}),
    },
  ];
  deck.sections.forEach((section, i) => {
    slides.push({
      kind: "section",
      label: label(`Section ${i + 1} of ${deck.sections.length}`, LABEL_SIZE.sectionLabel),
      name: fitSection(section.section),
    });
    const header = fitHeader(section.section);
    for (const verse of section.verses) {
      const reference = fitReference(verse.reference);
      const pieces = splitVerse(verse.text);
      pieces.forEach((body, p) => {
        const part = p + 1;
        const parts = pieces.length;
        slides.push({
          kind: "verse",
          header,
          body,
          reference,
          ...(parts > 1 ? { partLabel: label(partLabel(part, parts), LABEL_SIZE.part) } : {}),
          part,
          parts,
        });
      });
    }
  });
  return slides;
}

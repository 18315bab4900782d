// Builds the .pptx: renders the planned slides with pptxgenjs. No service code here, so it runs on its own.
import pptxgen from "pptxgenjs";
import { BOXES, type Box, type DeckContent, planDeck, type SlidePlan } from "./layout.js";
import { cleanText, type FittedText } from "./text-fit.js";

// pptxgenjs's ESM build exports the class itself, but its types are CommonJS-shaped, so TypeScript
// (NodeNext) sees the class one level down, as `.default`. Take whichever is there.
type Pptx = pptxgen.default;
type Slide = pptxgen.default.Slide;
const PptxGenJS: typeof pptxgen.default =
  (pptxgen as unknown as { default?: typeof pptxgen.default }).default ??
  (pptxgen as unknown as typeof pptxgen.default);

export const PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation";

/** Arial everywhere: PowerPoint has it, LibreOffice shows it as Liberation Sans (same metrics). */
const FONT_FACE = "Arial";
const COLORS = {
  background: "14213D",
  text: "FFFFFF",
  muted: "A9B4C8",
  accent: "FCA311",
} as const;

/** Shape names in the slide XML, so a reader (or a test) can tell the boxes apart. */
export const SHAPE_NAMES = {
  title: "Title",
  subtitle: "Subtitle",
  sectionLabel: "Section label",
  section: "Section",
  header: "Section header",
  body: "Verse text",
  reference: "Reference",
  part: "Part",
} as const satisfies Record<keyof typeof BOXES, string>;

type BoxName = keyof typeof BOXES;

const inches = (pt: number) => pt / 72;
const place = (b: Box) => ({ x: inches(b.x), y: inches(b.y), w: inches(b.w), h: inches(b.h) });

function addText(
  slide: Slide,
  box: BoxName,
  fitted: Pick<FittedText, "text" | "size" | "bold" | "lineSpacing">,
  style: { color: string; align?: "left" | "center" | "right"; valign?: "top" | "middle" | "bottom" },
): void {
  slide.addText(fitted.text, {
    ...place(BOXES[box]),
    objectName: SHAPE_NAMES[box],
    fontFace: FONT_FACE,
    fontSize: fitted.size,
    bold: fitted.bold,
    // Exact spacing: the line count the planner allowed for is the height the renderer uses.
    lineSpacing: fitted.lineSpacing,
    margin: 0,
    fit: "none",
    wrap: true,
    color: style.color,
    align: style.align ?? "center",
    valign: style.valign ?? "middle",
  });
}

function renderSlide(pptx: Pptx, plan: SlidePlan): void {
  const slide = pptx.addSlide();
  slide.background = { color: COLORS.background };
  switch (plan.kind) {
    case "title":
      addText(slide, "title", plan.title, { color: COLORS.text, valign: "bottom" });
      slide.addShape(pptx.ShapeType.rect, {
        ...place({ x: 420, y: 312, w: 120, h: 4 }),
        fill: { color: COLORS.accent },
        line: { color: COLORS.accent, width: 0 },
      });
      if (plan.subtitle) addText(slide, "subtitle", plan.subtitle, { color: COLORS.muted, valign: "top" });
      break;
    case "section":
      addText(slide, "sectionLabel", plan.label, { color: COLORS.accent });
      addText(slide, "section", plan.name, { color: COLORS.text });
      break;
    case "verse": {
      addText(slide, "header", plan.header, { color: COLORS.muted, align: "left" });
      addText(slide, "body", plan.body, { color: COLORS.text });
      addText(slide, "reference", plan.reference, { color: COLORS.accent, align: "right" });
      if (plan.partLabel) addText(slide, "part", plan.partLabel, { color: COLORS.muted, align: "right" });
      break;
    }
  }
}

/**
 * The deck as .pptx bytes: a title slide, then per section a section slide and a slide per verse
 * (more for a long verse, marked "1/2", "(cont.) 2/2"). Stops between slides once `signal` aborts.
 */
export async function buildDeck(deck: DeckContent, opts: { signal?: AbortSignal } = {}): Promise<Buffer> {
  const { signal } = opts;
  signal?.throwIfAborted();
  const pptx = new PptxGenJS();
  pptx.layout = "LAYOUT_WIDE";
  // Document properties are XML too: the same cleaning as slide text.
  pptx.title = cleanText(deck.presentation_title);
  pptx.subject = cleanText(deck.presentation_subtitle ?? "");
  pptx.author = "PraisonAI PPT";
  for (const plan of planDeck(deck)) {
    signal?.throwIfAborted();
    renderSlide(pptx, plan);
  }
  signal?.throwIfAborted();
  // "STREAM" is pptxgenjs's only Node output that honours `compression`.
  const bytes = await pptx.write({ outputType: "STREAM", compression: true });
  signal?.throwIfAborted();
  return bytes as Buffer;
}

/** A download name from the title: ASCII letters, digits and dashes; "presentation" when nothing is left. */
export function deckFilename(title: string): string {
  const slug = title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 80)
    .replace(/-+$/, "");
  return `${slug || "presentation"}.pptx`;
}

// The PPT example's deck builder, without the service: slide structure, text placement, XML, and LibreOffice.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildDeck, deckFilename, SHAPE_NAMES } from "../examples/ppt/deck.js";
import {
  BODY_FONT,
  BODY_LINES,
  BOXES,
  planDeck,
  type SlidePlan,
  splitVerse,
} from "../examples/ppt/layout.js";
import { Deck, LIMITS } from "../examples/ppt/schema.js";
import { cleanText, type FittedText, measure, wrap } from "../examples/ppt/text-fit.js";
import { parseYaml } from "../src/security/yaml.js";
import { ROOT } from "./support/cli.js";
import { convertToPdf, type PdfWord, pdfPageCount, pdfWords } from "./support/libreoffice.js";
import { readPptx, words, xmlProblem } from "./support/pptx.js";

const SAMPLE_YAML = Deck.parse(parseYaml(readFileSync(path.join(ROOT, "examples/ppt/sample.yaml"), "utf8")));
const SAMPLE_JSON = Deck.parse(JSON.parse(readFileSync(path.join(ROOT, "examples/ppt/sample.json"), "utf8")));

/** Numbered words, so any word lost, doubled or moved shows up. */
const numberedWords = (n: number, word = "word") =>
  Array.from({ length: n }, (_, i) => `${word}${i + 1}`).join(" ");

/** Input that pushes every box: long names, unbroken and hyphenated words, a verse of many slides. */
const STRESS: Deck = Deck.parse({
  presentation_title: `The ${"Wonderful ".repeat(18)}Title`.slice(0, LIMITS.title),
  presentation_subtitle: "M".repeat(LIMITS.subtitle),
  sections: [
    {
      section: `A section whose name goes on and on ${"and on ".repeat(24)}`.slice(0, LIMITS.section),
      verses: [
        { reference: `W${"W".repeat(LIMITS.reference - 1)}`, text: `Unbroken: ${"x".repeat(150)} end.` },
        {
          reference: "Galatians 5:22-23 (KJV)",
          text: `${"long-suffering, well-being, self-control — ".repeat(12)}against such there is no law.`,
        },
        { reference: "Numbered", text: numberedWords(700) },
      ],
    },
  ],
});

const verseSlides = (plan: SlidePlan[]) =>
  plan.flatMap((s) => (s.kind === "verse" ? [s] : [])).map((s) => ({ ...s, text: s.body.text }));

describe("the sample decks", () => {
  it("sample.yaml makes 10 slides: title, 3 section slides, and 6 verse slides for 5 verses", async () => {
    const deck = await readPptx(await buildDeck(SAMPLE_YAML));
    const kinds = deck.slides.map((s) =>
      s.shapes.has(SHAPE_NAMES.title) ? "title" : s.shapes.has(SHAPE_NAMES.section) ? "section" : "verse",
    );
    expect(kinds).toEqual([
      "title",
      "section",
      "verse",
      "verse",
      "section",
      "verse",
      "section",
      "verse",
      "verse",
      "verse",
    ]);
  });

  it("puts the title, section names, references and verse texts in the right slides", async () => {
    const { slides } = await readPptx(await buildDeck(SAMPLE_YAML));
    const [title, faith, hebrews, romans, hope, romans15] = slides;
    expect(title?.shapes.get(SHAPE_NAMES.title)).toBe("Faith, Hope and Love");
    expect(title?.shapes.get(SHAPE_NAMES.subtitle)).toBe("Three that abide (1 Corinthians 13)");
    expect(faith?.shapes.get(SHAPE_NAMES.section)).toBe("Faith");
    expect(faith?.shapes.get(SHAPE_NAMES.sectionLabel)).toBe("Section 1 of 3");
    expect(hope?.shapes.get(SHAPE_NAMES.section)).toBe("Hope");
    expect(hope?.shapes.get(SHAPE_NAMES.sectionLabel)).toBe("Section 2 of 3");

    const verses = SAMPLE_YAML.sections.flatMap((s) => s.verses.map((v) => ({ ...v, section: s.section })));
    for (const [slide, verse] of [
      [hebrews, verses[0]],
      [romans, verses[1]],
      [romans15, verses[2]],
      [slides[9], verses[4]],
    ] as const) {
      expect(slide?.shapes.get(SHAPE_NAMES.body)).toBe(verse?.text);
      expect(slide?.shapes.get(SHAPE_NAMES.reference)).toBe(verse?.reference);
      expect(slide?.shapes.get(SHAPE_NAMES.header)).toBe(verse?.section);
      expect(slide?.shapes.has(SHAPE_NAMES.part)).toBe(false);
    }
  });

  it("continues the long verse on a second slide, marked 1/2 and (cont.) 2/2, every word once and in order", async () => {
    const { slides } = await readPptx(await buildDeck(SAMPLE_YAML));
    const long = SAMPLE_YAML.sections[2]?.verses[0];
    const parts = [slides[7], slides[8]];
    expect(parts.map((s) => s?.shapes.get(SHAPE_NAMES.part))).toEqual(["1/2", "(cont.) 2/2"]);
    for (const s of parts) {
      expect(s?.shapes.get(SHAPE_NAMES.reference)).toBe(long?.reference);
      expect(s?.shapes.get(SHAPE_NAMES.header)).toBe("Love");
    }
    const shown = parts.flatMap((s) => words(s?.shapes.get(SHAPE_NAMES.body) ?? ""));
    expect(shown).toEqual(words(long?.text ?? "missing"));
  });

  it("sample.json makes 7 slides, without a subtitle, its 6-verse psalm over two slides", async () => {
    const { slides } = await readPptx(await buildDeck(SAMPLE_JSON));
    expect(slides).toHaveLength(7);
    expect(slides[0]?.shapes.get(SHAPE_NAMES.title)).toBe("The Lord Is My Shepherd");
    expect(slides[0]?.shapes.has(SHAPE_NAMES.subtitle)).toBe(false);
    const psalm = SAMPLE_JSON.sections[1]?.verses[0];
    expect(slides.slice(5).map((s) => s.shapes.get(SHAPE_NAMES.reference))).toEqual([
      psalm?.reference,
      psalm?.reference,
    ]);
    expect(slides.slice(5).flatMap((s) => words(s.shapes.get(SHAPE_NAMES.body) ?? ""))).toEqual(
      words(psalm?.text ?? "missing"),
    );
  });
});

describe("long verses", () => {
  it("take as few slides as the body box allows, evenly filled, each marked with its part", async () => {
    const text = numberedWords(700);
    const lines = wrap(text, BOXES.body.w, BODY_FONT).length;
    const expectedParts = Math.ceil(lines / BODY_LINES);
    expect(expectedParts).toBeGreaterThanOrEqual(3);

    const deck = Deck.parse({
      presentation_title: "T",
      sections: [{ section: "S", verses: [{ reference: "R", text }] }],
    });
    const { slides } = await readPptx(await buildDeck(deck));
    const parts = slides.slice(2);
    expect(parts).toHaveLength(expectedParts);
    expect(parts.map((s) => s.shapes.get(SHAPE_NAMES.part))).toEqual(
      parts.map((_, i) => (i === 0 ? `1/${expectedParts}` : `(cont.) ${i + 1}/${expectedParts}`)),
    );
    const perSlide = parts.map(
      (s) => wrap(s.shapes.get(SHAPE_NAMES.body) ?? "", BOXES.body.w, BODY_FONT).length,
    );
    expect(Math.max(...perSlide)).toBeLessThanOrEqual(BODY_LINES);
    expect(Math.max(...perSlide) - Math.min(...perSlide)).toBeLessThanOrEqual(1);
    expect(parts.flatMap((s) => words(s.shapes.get(SHAPE_NAMES.body) ?? ""))).toEqual(words(text));
  });

  it("keep every character of a word longer than a line, and of hyphenated words, in order", () => {
    const verses = STRESS.sections[0]?.verses ?? [];
    expect(verses.length).toBe(3);
    for (const verse of verses) {
      const shown = splitVerse(verse.text).map((piece) => piece.text);
      expect(shown.join("").replace(/\s/g, "")).toBe(verse.text.replace(/\s/g, ""));
    }
  });
});

describe("text never overflows its box", () => {
  it("every planned text, wrapped at its size, fits its box in width and height", () => {
    for (const deck of [SAMPLE_YAML, SAMPLE_JSON, STRESS]) {
      for (const slide of planDeck(deck)) {
        for (const { box, text } of drawnTexts(slide)) {
          const { w, h } = BOXES[box];
          const lines = wrap(text.text, w, text);
          expect(lines.length * text.lineSpacing, `${box}: ${text.text.slice(0, 40)}`).toBeLessThanOrEqual(h);
          for (const line of lines) expect(measure(line.text, text)).toBeLessThanOrEqual(w);
        }
      }
    }
  });

  it("shrinks a long title instead of overflowing, and cuts with … only text no size can hold", () => {
    const [title] = planDeck(STRESS);
    if (title?.kind !== "title") throw new Error("no title slide");
    expect(title.title.size).toBeLessThan(48);
    expect(title.title.truncated).toBe(false);
    expect(title.title.text).toBe(STRESS.presentation_title);
    const reference = verseSlides(planDeck(STRESS))[0]?.reference;
    expect(reference?.truncated).toBe(true);
    expect(reference?.text.endsWith("…")).toBe(true);
  });

  it("measures CJK and emoji as at least one em, so they wrap early rather than late", () => {
    expect(measure("主の祈り", { size: 10 })).toBe(40);
    expect(measure("🙏", { size: 10 })).toBeGreaterThan(10);
    const lines = wrap("天".repeat(200), BOXES.body.w, BODY_FONT);
    expect(lines.map((l) => l.text).join("")).toBe("天".repeat(200));
    for (const l of lines) expect(measure(l.text, BODY_FONT)).toBeLessThanOrEqual(BOXES.body.w);
  });
});

describe("the .pptx file", () => {
  it("has only well-formed XML parts, even from text with XML specials and control characters", async () => {
    const nasty = `5 < 6 & "quotes" 'too' ]]> \u0000\u0001\u000b\ufffe\ud800 end`;
    const deck = await readPptx(
      await buildDeck({
        presentation_title: nasty,
        sections: [{ section: nasty, verses: [{ reference: nasty, text: nasty }] }],
      }),
    );
    expect(deck.xml.size).toBeGreaterThan(10);
    for (const [part, xml] of deck.xml) expect(xmlProblem(xml), part).toBeUndefined();
    expect(deck.slides[2]?.shapes.get(SHAPE_NAMES.body)).toBe(cleanText(nasty));
    expect(cleanText(nasty)).toBe(`5 < 6 & "quotes" 'too' ]]> end`);
  });

  it("the XML check itself rejects a malformed part and a forbidden character", () => {
    const decl = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>';
    expect(xmlProblem(`${decl}<a><b></a>`)).toMatch(/InvalidTag/);
    expect(xmlProblem(`${decl}<a>\u0001</a>`)).toMatch(/not allowed/);
    expect(xmlProblem(`${decl}<a>&#1;</a>`)).toMatch(/not allowed/);
    expect(xmlProblem(`${decl}<a x="1">ok &amp; fine</a>`)).toBeUndefined();
  });

  it("stops building when its signal has aborted", async () => {
    const controller = new AbortController();
    controller.abort(new Error("job timed out"));
    await expect(buildDeck(SAMPLE_YAML, { signal: controller.signal })).rejects.toThrow("job timed out");
  });

  it("is named after the title, in safe characters", () => {
    expect(deckFilename("Faith, Hope & Love: 2024!")).toBe("faith-hope-love-2024.pptx");
    expect(deckFilename("Émile’s Café / Ünïcode")).toBe("emile-s-cafe-unicode.pptx");
    expect(deckFilename("主の祈り")).toBe("presentation.pptx");
    expect(deckFilename("a ".repeat(200))).toMatch(/^[a-z0-9-]{1,80}\.pptx$/);
  });
});

describe("the schema", () => {
  it("accepts PraisonAIPPT files with extra keys (highlights) and an empty subtitle", () => {
    const parsed = Deck.parse(
      parseYaml(
        "presentation_title: T\npresentation_subtitle:\nsections:\n- section: S\n  verses:\n  - reference: R\n    text: V\n    highlights: [V]\n",
      ),
    );
    expect(parsed.presentation_subtitle).toBeNull();
    expect(parsed.sections[0]?.verses[0]).toEqual({ reference: "R", text: "V" });
  });

  it("names the path of what is missing or empty", () => {
    const issues = (v: unknown) =>
      (Deck.safeParse(v).error?.issues ?? []).map((i) => `${i.path.join(".")}: ${i.message}`);
    expect(issues({ presentation_title: "T" })).toEqual([
      "sections: is required: a list of sections, each with `section` and `verses`",
    ]);
    expect(
      issues({
        presentation_title: " ",
        sections: [{ section: "S", verses: [{ reference: "R", text: "\u0001" }] }],
      }),
    ).toEqual(["presentation_title: must not be empty", "sections.0.verses.0.text: must not be empty"]);
  });

  it(`rejects a deck of more than ${LIMITS.slides} slides, saying how many it would make`, () => {
    const verses = Array.from({ length: 200 }, (_, i) => ({ reference: `R${i}`, text: "v" }));
    const sections = Array.from({ length: 6 }, (_, i) => ({ section: `S${i}`, verses }));
    const result = Deck.safeParse({ presentation_title: "T", sections });
    expect(result.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["sections", `makes 1207 slides; the limit is ${LIMITS.slides}: split it into several decks`],
    ]);
  });
});

describe("LibreOffice", () => {
  it("converts the decks to PDF, one page per slide, every word drawn inside its box", async () => {
    const decks = [SAMPLE_YAML, SAMPLE_JSON, STRESS];
    const pdfs = await convertToPdf(await Promise.all(decks.map((d) => buildDeck(d))));
    for (const [i, deck] of decks.entries()) {
      const plan = planDeck(deck);
      const pdf = pdfs[i] as string;
      expect(pdfPageCount(pdf)).toBe(plan.length);
      const pages = pdfWords(pdf);
      for (const [p, slide] of plan.entries()) {
        expectDrawnInBoxes(slide, pages[p] ?? [], `deck ${i + 1}, slide ${p + 1}`);
      }
    }
  }, 150_000);
});

/** The slide's texts in drawing order, with their boxes. */
function drawnTexts(slide: SlidePlan): { box: keyof typeof BOXES; text: FittedText }[] {
  switch (slide.kind) {
    case "title":
      return [
        { box: "title", text: slide.title },
        ...(slide.subtitle ? [{ box: "subtitle" as const, text: slide.subtitle }] : []),
      ];
    case "section":
      return [
        { box: "sectionLabel", text: slide.label },
        { box: "section", text: slide.name },
      ];
    case "verse":
      return [
        { box: "header", text: slide.header },
        { box: "body", text: slide.body },
        { box: "reference", text: slide.reference },
        ...(slide.partLabel ? [{ box: "part" as const, text: slide.partLabel }] : []),
      ];
  }
}

/**
 * Matches the page's words to the slide's texts in drawing order (by characters: a renderer may break
 * "long-suffering" into two words), then checks what overflowing would change: every word lies within
 * its box's width, and the renderer used no more lines than planned (planned lines × the exact line
 * spacing fit the box's height). Glyph boxes from pdftotext include the font's ascent and descent, which
 * differ from the line spacing, so heights are judged by line count, not by glyph edges.
 */
function expectDrawnInBoxes(slide: SlidePlan, pageWords: PdfWord[], where: string): void {
  const TOLERANCE = 1.5;
  let next = 0;
  for (const { box, text } of drawnTexts(slide)) {
    const expected = text.text.replace(/\s/g, "");
    let got = "";
    const mine: PdfWord[] = [];
    while (got.length < expected.length && next < pageWords.length) {
      const word = pageWords[next++] as PdfWord;
      got += word.text;
      mine.push(word);
    }
    expect(got, `${where}: the text of ${box}`).toBe(expected);
    const b = BOXES[box];
    let lines = 0;
    let lineTop = Number.NEGATIVE_INFINITY;
    for (const w of mine) {
      const at = `${where}: "${w.text}" in ${box}`;
      expect(w.xMin, at).toBeGreaterThanOrEqual(b.x - TOLERANCE);
      expect(w.xMax, at).toBeLessThanOrEqual(b.x + b.w + TOLERANCE);
      const mid = (w.yMin + w.yMax) / 2;
      expect(mid, at).toBeGreaterThan(b.y);
      expect(mid, at).toBeLessThan(b.y + b.h);
      if (w.yMin > lineTop + text.lineSpacing / 2) {
        lines++;
        lineTop = w.yMin;
      }
    }
    expect(lines, `${where}: lines drawn for ${box} (${text.text.slice(0, 30)})`).toBeLessThanOrEqual(
      text.lines,
    );
    expect(lines * text.lineSpacing).toBeLessThanOrEqual(b.h);
  }
  expect(next, `${where}: words drawn beyond the planned texts`).toBe(pageWords.length);
}

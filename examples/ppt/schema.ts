// The PraisonAIPPT input format (YAML or JSON), as a zod schema: the API validates it before a job is queued.
import { z } from "zod";
import { planDeck } from "./layout.js";
import { cleanText } from "./text-fit.js";

/** Bounds that keep one job to a deck a person would present and a worker builds in seconds. */
export const LIMITS = {
  title: 200,
  subtitle: 300,
  section: 200,
  reference: 200,
  verseText: 10_000,
  sections: 100,
  versesPerSection: 200,
  slides: 1000,
} as const;

/** "is required" for a missing field, zod's own message for anything else. */
const required = (what: string) => (issue: { input: unknown }) =>
  issue.input === undefined ? `is required: ${what}` : undefined;

const text = (max: number, what = "a non-empty string") =>
  z
    .string({ error: required(what) })
    .trim()
    .min(1, "must not be empty")
    .max(max, `must be at most ${max} characters`)
    // Control characters alone would leave an empty slide too.
    .refine((v) => v === "" || cleanText(v) !== "", "must not be empty");

export const Verse = z.object({
  reference: text(LIMITS.reference).describe('Where the text comes from, e.g. "John 3:16 (KJV)"'),
  text: text(LIMITS.verseText).describe("The verse; a long one continues over several slides"),
});

export const Section = z.object({
  section: text(LIMITS.section).describe("The section's name, shown on its own slide"),
  verses: z
    .array(Verse, { error: required("a list of verses, each with `reference` and `text` (may be empty)") })
    .max(LIMITS.versesPerSection, `at most ${LIMITS.versesPerSection} verses`),
});

/**
 * A presentation: a title slide, then per section a section slide and a slide per verse.
 * Other keys of the PraisonAIPPT format (e.g. `highlights`) are accepted and ignored.
 */
export const Deck = z
  .object({
    presentation_title: text(LIMITS.title, "the deck's title"),
    // PraisonAIPPT files often leave it empty (`presentation_subtitle:` is null in YAML).
    presentation_subtitle: z
      .string()
      .trim()
      .max(LIMITS.subtitle, `must be at most ${LIMITS.subtitle} characters`)
      .nullish(),
    sections: z
      .array(Section, { error: required("a list of sections, each with `section` and `verses`") })
      .min(1, "needs at least one section")
      .max(LIMITS.sections, `at most ${LIMITS.sections} sections`),
  })
  .superRefine((deck, ctx) => {
    // Long verses become several slides, so only the layout knows the count.
    const slides = planDeck(deck).length;
    if (slides > LIMITS.slides) {
      ctx.addIssue({
        code: "custom",
        path: ["sections"],
        message: `makes ${slides} slides; the limit is ${LIMITS.slides}: split it into several decks`,
      });
    }
  });

export type Deck = z.output<typeof Deck>;
export type Section = z.output<typeof Section>;
export type Verse = z.output<typeof Verse>;

// PraisonAI PPT as a service: post a PraisonAIPPT deck (YAML or JSON), download the .pptx.
// Run it from the repo root with `npm start` (local storage), or `praisonai-svc run examples/ppt/handlers.ts`.
import { ServiceApp } from "praisonai-svc";
import { buildDeck, deckFilename, PPTX_MIME } from "./deck.js";
import { Deck } from "./schema.js";

const app = new ServiceApp("PraisonAI PPT", {
  version: "1.0.0",
  description:
    "Turns a PraisonAIPPT deck (presentation_title, presentation_subtitle, sections of verses) into a " +
    "PowerPoint file: a title slide, a slide per section and a slide per verse; long verses continue " +
    "over several slides.",
  example: {
    presentation_title: "Faith, Hope and Love",
    sections: [
      {
        section: "Faith",
        verses: [
          {
            reference: "Hebrews 11:1 (KJV)",
            text: "Now faith is the substance of things hoped for, the evidence of things not seen.",
          },
        ],
      },
    ],
  },
});

app.job({ schema: Deck }, async (deck, ctx) => {
  const data = await buildDeck(deck, { signal: ctx.signal });
  ctx.log.info({ bytes: data.length }, "deck built");
  return { data, contentType: PPTX_MIME, filename: deckFilename(deck.presentation_title) };
});

export default app;

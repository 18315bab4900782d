# PraisonAI PPT as a service, in Python: post a PraisonAIPPT deck (YAML or JSON), download the .pptx.
# The real `praisonaippt` package builds the deck (pinned in requirements.txt); this file is the spec's handler.
#   python3 -m venv .venv && .venv/bin/pip install -r requirements.txt
#   npx praisonai-svc run handlers.py          (uses ./.venv/bin/python on its own)
import os
import re
import tempfile
from typing import Any, Dict, List, Optional, Union

from pydantic import BaseModel, ConfigDict, Field

from praisonai_svc import NonRetriableError, ServiceApp

PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


class Highlight(BaseModel):
    """A phrase drawn in colour (PraisonAIPPT's `highlights` entry as an object)."""

    model_config = ConfigDict(extra="allow")
    text: str = Field(min_length=1)
    color: Optional[str] = None
    bold: Optional[bool] = None
    italic: Optional[bool] = None
    underline: Optional[bool] = None
    annotation: Optional[Union[int, str]] = None


class Verse(BaseModel):
    # PraisonAIPPT reads more keys per verse (alignment, font sizes, …): they pass through to it.
    model_config = ConfigDict(extra="allow")
    reference: str = Field(min_length=1, max_length=200, description='Where the text comes from, e.g. "John 3:16"')
    text: str = Field(min_length=1, max_length=10_000, description="The verse")
    highlights: Optional[List[Union[str, Highlight]]] = Field(
        default=None, description="Phrases of the text to highlight (a string, or an object with colour and style)"
    )
    large_text: Optional[Dict[str, int]] = Field(default=None, description="Words to enlarge, with their point size")


class Section(BaseModel):
    model_config = ConfigDict(extra="allow")
    section: str = Field(min_length=1, max_length=200)
    verses: List[Verse] = Field(max_length=200)


class Deck(BaseModel):
    """A PraisonAIPPT deck: a title slide, then per section a section slide and a slide per verse."""

    model_config = ConfigDict(
        extra="allow",  # slide_size, style, template and the rest of PraisonAIPPT's options
        json_schema_extra={
            "examples": [
                {
                    "presentation_title": "Faith, Hope and Love",
                    "sections": [
                        {
                            "section": "Faith",
                            "verses": [
                                {
                                    "reference": "Hebrews 11:1 (KJV)",
                                    "text": "Now faith is the substance of things hoped for, the evidence of things not seen.",
                                    "highlights": ["faith"],
                                }
                            ],
                        }
                    ],
                }
            ]
        },
    )
    presentation_title: str = Field(min_length=1, max_length=200)
    presentation_subtitle: Optional[str] = Field(default=None, max_length=300)
    slide_size: Optional[Union[str, Dict[str, float]]] = Field(
        default=None, description='"widescreen" (16:9), "standard" (4:3), or {"width", "height"} in inches'
    )
    sections: List[Section] = Field(min_length=1, max_length=100)


app = ServiceApp(
    "PraisonAI PPT (Python)",
    version="1.0.0",
    description="Turns a PraisonAIPPT deck into a PowerPoint file with the praisonaippt package.",
)


def _filename(title: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", title).strip("-").lower()[:60]
    return f"{slug or 'slides'}.pptx"


@app.job
def generate_ppt(deck: Deck, ctx) -> tuple:
    from praisonaippt import create_presentation  # imported once per worker process, on the first job

    data: Dict[str, Any] = deck.model_dump(exclude_none=True)
    with tempfile.TemporaryDirectory(prefix="praisonaippt-") as folder:
        path = os.path.join(folder, "slides.pptx")
        created = create_presentation(data, output_file=path)
        if not created or not os.path.exists(path):
            # praisonaippt prints why (now in the job's log) and returns None: the same deck would fail again.
            raise NonRetriableError("praisonaippt could not build this deck; see the job's log for why")
        with open(path, "rb") as f:
            pptx = f.read()
    ctx.logger.info("deck built: %d bytes", len(pptx))
    return pptx, PPTX_MIME, _filename(deck.presentation_title)

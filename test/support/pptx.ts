// Reads a .pptx back for tests: its slides in presentation order, the text of each named shape, and every XML part.
import { XMLParser, XMLValidator } from "fast-xml-parser";
import JSZip from "jszip";

export interface SlideContent {
  /** The part's path in the zip, e.g. "ppt/slides/slide3.xml". */
  part: string;
  /** Text per shape name (`<p:cNvPr name>`), paragraphs joined by "\n". */
  shapes: Map<string, string>;
}

export interface Pptx {
  zip: JSZip;
  /** Every XML part (also .rels), by path. */
  xml: Map<string, string>;
  slides: SlideContent[];
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  isArray: (name) => ["p:sp", "a:p", "a:r", "p:sldId", "Relationship"].includes(name),
});

type Node = Record<string, unknown>;
const nodes = (v: unknown): Node[] => (Array.isArray(v) ? (v as Node[]) : v ? [v as Node] : []);
const child = (n: Node | undefined, name: string): Node | undefined => n?.[name] as Node | undefined;

/** `<a:t>` holds text; the parser gives a string, or an object with "#text" when it has attributes. */
function textOf(t: unknown): string {
  if (typeof t === "string") return t;
  if (t && typeof t === "object" && "#text" in t) return String((t as Node)["#text"]);
  return "";
}

function shapesOf(slideXml: string): Map<string, string> {
  const doc = parser.parse(slideXml) as Node;
  const tree = child(child(child(doc, "p:sld"), "p:cSld"), "p:spTree");
  const shapes = new Map<string, string>();
  for (const sp of nodes(tree?.["p:sp"])) {
    const name = String(child(child(sp, "p:nvSpPr"), "p:cNvPr")?.["@name"] ?? "");
    const paragraphs = nodes(child(sp, "p:txBody")?.["a:p"]).map((p) =>
      nodes(p["a:r"])
        .map((r) => textOf(r["a:t"]))
        .join(""),
    );
    if (paragraphs.some((p) => p !== "")) shapes.set(name, paragraphs.join("\n"));
  }
  return shapes;
}

// XML 1.0 forbids these characters anywhere, escaped or not; the validator below does not look for them.
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]|&#x?0*(?:[0-8bcef]|1[0-9a-f]);/iu;

/** Undefined when `xml` is well-formed UTF-8 XML 1.0; otherwise what is wrong with it. */
export function xmlProblem(xml: string): string | undefined {
  const result = XMLValidator.validate(xml, { allowBooleanAttributes: false });
  if (result !== true) return `${result.err.code} at line ${result.err.line}: ${result.err.msg}`;
  const bad = xml.match(NOT_XML);
  if (bad) return `character not allowed in XML: ${JSON.stringify(bad[0])}`;
  if (!/^<\?xml version="1\.0" encoding="UTF-8"/.test(xml)) return "missing the UTF-8 XML declaration";
  return undefined;
}

export async function readPptx(bytes: Uint8Array): Promise<Pptx> {
  const zip = await JSZip.loadAsync(bytes);
  const xml = new Map<string, string>();
  for (const [path, entry] of Object.entries(zip.files)) {
    if (!entry.dir && /\.(xml|rels)$/.test(path)) xml.set(path, await entry.async("string"));
  }
  const get = (path: string) => {
    const text = xml.get(path);
    if (text === undefined) throw new Error(`the .pptx has no ${path}`);
    return text;
  };
  // Slide order is the presentation's list of slide ids, resolved through its relationships.
  const rels = new Map(
    nodes(
      child(parser.parse(get("ppt/_rels/presentation.xml.rels")) as Node, "Relationships")?.Relationship,
    ).map((r) => [String(r["@Id"]), `ppt/${String(r["@Target"]).replace(/^\/?ppt\//, "")}`]),
  );
  const ids = nodes(
    child(child(parser.parse(get("ppt/presentation.xml")) as Node, "p:presentation"), "p:sldIdLst")?.[
      "p:sldId"
    ],
  );
  const slides = ids.map((id) => {
    const part = rels.get(String(id["@r:id"]));
    if (!part) throw new Error(`slide id ${String(id["@r:id"])} has no relationship`);
    return { part, shapes: shapesOf(get(part)) };
  });
  return { zip, xml, slides };
}

/** The words of a text, for comparing content that was wrapped or split differently. */
export const words = (text: string): string[] => text.split(/\s+/).filter((w) => w !== "");

// Shared by the picture tests: the pictures of the examples and of a fixture with every
// kind of node, and SVG read back as an element tree.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { checkText } from "../../src/graph/checker";
import { createModuleReader } from "../../src/graph/module-reader";
import { buildPicture, type GraphPicture } from "../../src/graph/picture";
import { fixturePath, repoRoot } from "../helpers";

const modules = createModuleReader();

export const featuresGraphPath = fixturePath("graph", "fixtures", "picture", "features.graph");

/** The examples (the reviews example's subgraph too) and the fixture, by a short name. */
export const pictureFiles: Record<string, string> = {
  orders: join(repoRoot, "examples", "orders", "orders.graph"),
  enrich: join(repoRoot, "examples", "text-enrichment", "enrich.graph"),
  reviews: join(repoRoot, "examples", "reviews", "reviews.graph"),
  sentiment: join(repoRoot, "examples", "reviews", "sentiment.graph"),
  features: featuresGraphPath,
  loops: fixturePath("graph", "fixtures", "picture", "loops.graph"),
};

export function pictureOf(file: string): GraphPicture {
  const graph = checkText(readFileSync(file, "utf8"), { path: file, modules }).graph;
  if (graph === undefined) throw new Error(`${file} does not check clean`);
  return buildPicture(graph);
}

export interface XmlElement {
  tag: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** The element's own text, its character references decoded. */
  text: string;
}

type Parsed = Record<string, unknown> & { ":@"?: Record<string, string>; "#text"?: string | number };

/** Parses `xml`, throwing with the parser's message when it is not well-formed XML. */
export function parseXml(xml: string): XmlElement {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new Error(`not well-formed XML: ${valid.err.msg} (line ${valid.err.line}, col ${valid.err.col})`);
  const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "", preserveOrder: true, trimValues: false, parseTagValue: false, parseAttributeValue: false, htmlEntities: true }).parse(xml) as Parsed[];
  const roots = parsed.map(toElement).filter((e): e is XmlElement => e !== undefined);
  if (roots.length !== 1) throw new Error(`expected one root element, got ${roots.length}`);
  return roots[0];
}

function toElement(item: Parsed): XmlElement | undefined {
  const tag = Object.keys(item).find((key) => key !== ":@" && key !== "#text");
  if (tag === undefined || tag.startsWith("?")) return undefined;
  const content = item[tag] as Parsed[];
  return {
    tag,
    attributes: { ...(item[":@"] ?? {}) },
    children: content.map(toElement).filter((e): e is XmlElement => e !== undefined),
    text: content.map((c) => (c["#text"] === undefined ? "" : String(c["#text"]))).join(""),
  };
}

/** Every element below (and including) `root` that `match` accepts, in document order. */
export function findAll(root: XmlElement, match: (e: XmlElement) => boolean): XmlElement[] {
  return [...(match(root) ? [root] : []), ...root.children.flatMap((child) => findAll(child, match))];
}

export function classesOf(e: XmlElement): string[] {
  return (e.attributes.class ?? "").split(/\s+/).filter((c) => c !== "");
}

export const hasClass = (name: string) => (e: XmlElement) => classesOf(e).includes(name);

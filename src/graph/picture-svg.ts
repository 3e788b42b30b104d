// A laid-out picture as SVG text. The graph view and `stepgraph graph` draw the same SVG;
// its class names and data- attributes are what the view hooks into (it writes node states
// into the empty `sg-state` texts and loop figures into `sg-loop-stats`), so keep them.
// `standalone` embeds a light style for files (README, CI); without it there are no
// colours at all and the webview's CSS themes every class with the editor's colours.
import { PICTURE_METRICS, type Box, type PictureLayout, type Point } from "./picture-layout";
import type { GraphPicture, PictureEdge, PictureNode } from "./picture";

export interface SvgOptions {
  standalone: boolean;
}

export function renderSvg(picture: GraphPicture, layout: PictureLayout, options: SvgOptions): string {
  const width = Math.ceil(layout.width);
  const height = Math.ceil(layout.height);
  const boxes = {
    inputs: new Map(layout.inputs.map((b) => [b.name, b])),
    nodes: new Map(layout.nodes.map((b) => [b.name, b])),
  };
  const found = <T>(map: Map<string, T>, name: string, what: string): T => {
    const value = map.get(name);
    if (value === undefined) throw new Error(`the layout has no ${what} '${name}'`);
    return value;
  };
  const nodeCount = picture.nodes.length;
  const lines = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="sg-picture" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="group" aria-label="${attr(`graph ${picture.graph}, ${nodeCount} ${nodeCount === 1 ? "node" : "nodes"}`)}">`,
    `<title>${text(`graph ${picture.graph}`)}</title>`,
    ...(options.standalone ? [`<style>${STANDALONE_STYLE}</style>`] : []),
    // The arrow's colour comes from the style (sg-arrowhead), like everything else.
    `<defs><marker id="sg-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path class="sg-arrowhead" d="M0,0 L10,5 L0,10 z"/></marker></defs>`,
    `<g class="sg-loops">`,
    ...layout.loops.map((frame) => loopFrame(frame.name, frame)),
    `</g>`,
    `<g class="sg-edges">`,
    ...picture.edges.map((edge, i) => edgePath(edge, layout.edges[i].points)),
    `</g>`,
    `<g class="sg-inputs">`,
    ...picture.inputs.map((input) => inputShape(input.name, input.line, found(boxes.inputs, input.name, "input"))),
    `</g>`,
    `<g class="sg-nodes">`,
    ...picture.nodes.map((node) => nodeShape(node, found(boxes.nodes, node.name, "node"))),
    `</g>`,
    `</svg>`,
  ];
  return `${lines.join("\n")}\n`;
}

/** The words a screen reader says for a node (the view adds its state). */
export function nodeLabel(node: PictureNode): string {
  return [`${node.name}, ${kindWords(node)} ${node.callText}`, ...nodeNotes(node)].join(", ");
}

/** "function", "map", "subgraph", or "map subgraph" for a subgraph called once per element. */
export function kindWords(node: Pick<PictureNode, "kind" | "mapped">): string {
  return node.kind === "subgraph" && node.mapped ? "map subgraph" : node.kind;
}

function nodeNotes(node: PictureNode): string[] {
  return [...(node.when === undefined ? [] : [`when ${node.when}`]), ...(node.pinned ? ["pinned"] : []), ...(node.output ? ["output"] : [])];
}

function nodeShape(node: PictureNode, box: Box): string {
  const classes = ["sg-node", `sg-kind-${node.kind}`, ...(node.mapped ? ["sg-mapped"] : []), ...(node.pinned ? ["sg-pinned"] : []), ...(node.output ? ["sg-output"] : []), ...(node.when === undefined ? [] : ["sg-when"])];
  // A node that maps is a stack of cards: the box sits on a second outline, inside the
  // layout box. A subgraph call that maps is both: the stack, and the double border.
  const stack = node.mapped ? 5 : 0;
  const face = { x: box.x, y: box.y, width: box.width - stack, height: box.height - stack };
  const cx = face.x + face.width / 2;
  const parts = [
    `<g class="${classes.join(" ")}" data-node="${attr(node.name)}" data-line="${node.line}" tabindex="0" role="button" aria-label="${attr(nodeLabel(node))}">`,
    `<title>${text([`${node.name} = ${node.callText}`, ...nodeNotes(node)].join("\n"))}</title>`,
    // Marks are outlines in the text colour (currentColor), so they show in any theme.
    ...(stack > 0 ? [`<rect class="sg-mark sg-stack" x="${n(face.x + stack)}" y="${n(face.y + stack)}" width="${n(face.width)}" height="${n(face.height)}" rx="6" fill="none" stroke="currentColor"/>`] : []),
    `<rect class="sg-box" x="${n(face.x)}" y="${n(face.y)}" width="${n(face.width)}" height="${n(face.height)}" rx="6"/>`,
    // A subgraph call has a double border, as a nested graph.
    ...(node.kind === "subgraph" ? [`<rect class="sg-mark sg-inner" x="${n(face.x + 3)}" y="${n(face.y + 3)}" width="${n(face.width - 6)}" height="${n(face.height - 6)}" rx="4" fill="none" stroke="currentColor"/>`] : []),
    `<text class="sg-name" x="${n(cx)}" y="${n(face.y + 22)}" text-anchor="middle">${text(node.name)}</text>`,
    `<text class="sg-call" x="${n(cx)}" y="${n(face.y + 39)}" text-anchor="middle">${text(node.callText)}</text>`,
    `<text class="sg-state" x="${n(cx)}" y="${n(face.y + 54)}" text-anchor="middle"></text>`,
    `</g>`,
  ];
  return parts.join("");
}

function inputShape(name: string, line: number, box: Box): string {
  return [
    `<g class="sg-input" data-input="${attr(name)}" data-line="${line}">`,
    `<title>${text(`input ${name}`)}</title>`,
    `<rect class="sg-input-box" x="${n(box.x)}" y="${n(box.y)}" width="${n(box.width)}" height="${n(box.height)}" rx="${n(box.height / 2)}"/>`,
    `<text class="sg-input-name" x="${n(box.x + box.width / 2)}" y="${n(box.y + box.height / 2 + 4.5)}" text-anchor="middle">${text(name)}</text>`,
    `</g>`,
  ].join("");
}

/** The loop's name, and under it (in the header picture-layout.ts leaves room for) its stats. */
function loopFrame(name: string, box: Box): string {
  const m = PICTURE_METRICS;
  const x = box.x + m.frameTextInset;
  return [
    `<g class="sg-loop" data-loop="${attr(name)}">`,
    `<title>${text(`loop ${name}`)}</title>`,
    `<rect class="sg-frame" x="${n(box.x)}" y="${n(box.y)}" width="${n(box.width)}" height="${n(box.height)}" rx="8"/>`,
    `<text class="sg-loop-name" x="${n(x)}" y="${n(box.y + m.loopNameBaseline)}">${text(`loop ${name}`)}</text>`,
    `<text class="sg-loop-stats" x="${n(x)}" y="${n(box.y + m.loopStatsBaseline)}"></text>`,
    `</g>`,
  ].join("");
}

function edgePath(edge: PictureEdge, points: readonly Point[]): string {
  const classes = ["sg-edge", ...(edge.optional ? ["sg-optional"] : []), ...(edge.conditionOnly ? ["sg-condition"] : [])];
  const d = points.map((p, i) => `${i === 0 ? "M" : "L"}${n(p.x)},${n(p.y)}`).join(" ");
  return `<path class="${classes.join(" ")}" data-from="${attr(edge.from)}" data-to="${attr(edge.to)}" data-from-kind="${edge.fromKind}" d="${d}" fill="none" marker-end="url(#sg-arrow)"/>`;
}

/** Fixed light colours for a picture seen outside the editor. */
const STANDALONE_STYLE = [
  ".sg-picture{font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;background:#ffffff}",
  ".sg-frame{fill:#f6f8fa;stroke:#8c959f;stroke-dasharray:6 4}",
  ".sg-loop-name{font-size:12px;font-weight:600;fill:#57606a}",
  ".sg-loop-stats,.sg-state{font-size:11px;fill:#57606a}",
  ".sg-box{fill:#ffffff;stroke:#424a53;stroke-width:1.2}",
  ".sg-mark{stroke:#424a53}",
  ".sg-output .sg-box{stroke-width:2.4}",
  ".sg-pinned .sg-box{fill:#fff8c5}",
  ".sg-when .sg-box{stroke:#8250df}",
  ".sg-name{font-size:13px;font-weight:600;fill:#1f2328}",
  ".sg-call{font-size:12px;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;fill:#57606a}",
  ".sg-input-box{fill:#ddf4ff;stroke:#0969da}",
  ".sg-input-name{font-size:13px;fill:#0a3069}",
  ".sg-edge{stroke:#6e7781;stroke-width:1.4}",
  ".sg-edge.sg-optional{stroke-dasharray:6 4}",
  ".sg-edge.sg-condition{stroke:#8250df;stroke-dasharray:2 3}",
  ".sg-arrowhead{fill:#6e7781}",
].join("");

/** A coordinate, without float noise. */
function n(value: number): string {
  return String(Math.round(value * 100) / 100);
}

// Characters XML 1.0 cannot hold at all (most C0 controls, lone surrogates, U+FFFE/U+FFFF).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function text(value: string): string {
  return value.replace(NOT_XML, "\uFFFD").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function attr(value: string): string {
  return text(value).replace(/"/g, "&quot;").replace(/\n/g, "&#10;");
}

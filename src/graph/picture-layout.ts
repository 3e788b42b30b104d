// Where everything of a picture goes: elkjs's layered layout, top to bottom, inputs in the
// first layer, each loop a compound node (a frame around its nodes). Box sizes are
// estimated from the text they hold (no DOM), so the same picture always lays out the same,
// in node, in the CLI and in the webview.
import type { ELK, ElkExtendedEdge, ElkNode } from "elkjs/lib/elk-api";
import type { GraphPicture, PictureNode } from "./picture";

/** What the layout needs of elkjs: an `ELK` instance (the browser passes its own). */
export type ElkApi = Pick<ELK, "layout">;

/** Absolute coordinates, the top left corner of the picture at 0,0. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Point {
  x: number;
  y: number;
}

export interface PictureLayout {
  width: number;
  height: number;
  inputs: ({ name: string } & Box)[];
  nodes: ({ name: string } & Box)[];
  /** Frames; the implicit `main` loop gets none when it is the only loop. */
  loops: ({ name: string } & Box)[];
  edges: { from: string; fromKind: "input" | "node"; to: string; points: Point[] }[];
}

/**
 * The sizes the renderers draw with; the text estimates assume the standalone style's fonts
 * (bold 13px names, 12px monospace calls) and err wide, so the text fits in other fonts too.
 */
export const PICTURE_METRICS = {
  nameCharWidth: 8.2,
  callCharWidth: 7.4,
  nodePadding: 12,
  nodeMinWidth: 96,
  nodeHeight: 64,
  inputHeight: 30,
  inputMinWidth: 60,
  /**
   * A frame's header, above its nodes: the loop's name on one line and, on a line of its
   * own below it, the stats the graph view writes with Production on (beside the name
   * they would overlap it in a narrow frame). The baselines are from the frame's top.
   */
  frameTop: 44,
  loopNameBaseline: 19,
  loopStatsBaseline: 35,
  /** The frame's text starts this far in from its left. */
  frameTextInset: 10,
  /** Bold 12px loop names and 11px stats, estimated wide as above. */
  loopNameCharWidth: 7.8,
  loopStatsCharWidth: 6.4,
  /**
   * Stats as wide as these are the least a frame makes room for: the English words with
   * figures of a few digits (longer ones, or longer words, may reach past a narrow frame).
   */
  loopStatsRoom: "999 waiting · 99 in flight · 9.9 jobs/s",
  framePadding: 14,
  frameMinWidth: 120,
} as const;

const LAYOUT_OPTIONS = {
  "elk.algorithm": "layered",
  "elk.direction": "DOWN",
  // Lay frames and their nodes out as one graph, so edges between loops route well.
  "elk.hierarchyHandling": "INCLUDE_CHILDREN",
  "elk.edgeRouting": "ORTHOGONAL",
  "elk.layered.spacing.nodeNodeBetweenLayers": "36",
  "elk.spacing.nodeNode": "28",
  "elk.spacing.edgeNode": "14",
  "elk.padding": "[top=16,left=16,bottom=16,right=16]",
  // The defaults, written down: the layout must not vary between runs.
  "elk.randomSeed": "1",
};

const id = {
  input: (name: string) => `input:${name}`,
  node: (name: string) => `node:${name}`,
  loop: (name: string) => `loop:${name}`,
};

/** Whether a loop gets a frame: every loop does, except `main` when it is the only one. */
export function framedLoops(picture: GraphPicture): string[] {
  if (picture.loops.length === 1 && !picture.loops[0].declared) return [];
  return picture.loops.map((loop) => loop.name);
}

export function nodeSize(node: Pick<PictureNode, "name" | "callText">): { width: number; height: number } {
  const m = PICTURE_METRICS;
  const text = Math.max(node.name.length * m.nameCharWidth, node.callText.length * m.callCharWidth);
  return { width: Math.ceil(Math.max(m.nodeMinWidth, text + 2 * m.nodePadding)), height: m.nodeHeight };
}

/** The least width of a loop's frame: its name and a line of stats fit in its header. */
export function frameMinWidth(loop: string): number {
  const m = PICTURE_METRICS;
  const name = `loop ${loop}`.length * m.loopNameCharWidth;
  const stats = m.loopStatsRoom.length * m.loopStatsCharWidth;
  return Math.ceil(Math.max(m.frameMinWidth, Math.max(name, stats) + 2 * m.frameTextInset));
}

export function inputSize(name: string): { width: number; height: number } {
  const m = PICTURE_METRICS;
  return { width: Math.ceil(Math.max(m.inputMinWidth, name.length * m.nameCharWidth + 2 * m.nodePadding)), height: m.inputHeight };
}

export async function layoutPicture(picture: GraphPicture, elk?: ElkApi): Promise<PictureLayout> {
  const laidOut = await (elk ?? (await defaultElk())).layout(elkGraph(picture));
  return readLayout(picture, laidOut);
}

/**
 * elkjs's bundled build (no web worker: the layout runs in this thread). The shipped build
 * resolves this import to dist/elk.bundled.js at run time, the one copy the webview loads
 * too; it is loaded only when a picture is laid out.
 */
async function defaultElk(): Promise<ElkApi> {
  const { default: ELK } = await import("elkjs/lib/elk.bundled.js");
  return new ELK();
}

function elkGraph(picture: GraphPicture): ElkNode {
  const m = PICTURE_METRICS;
  const frames = new Set(framedLoops(picture));
  const elkNode = (node: PictureNode): ElkNode => ({ id: id.node(node.name), ...nodeSize(node) });
  const inputs: ElkNode[] = picture.inputs.map((input) => ({
    id: id.input(input.name),
    ...inputSize(input.name),
    layoutOptions: { "elk.layered.layering.layerConstraint": "FIRST" },
  }));
  const loose = picture.nodes.filter((node) => !frames.has(node.loop)).map(elkNode);
  const loops: ElkNode[] = picture.loops
    .filter((loop) => frames.has(loop.name))
    .map((loop): ElkNode => {
      const width = frameMinWidth(loop.name);
      const height = m.frameTop + m.framePadding;
      // A loop without nodes is a plain box of the header's size, in the last layer (else it
      // would sit in the first, beside the inputs).
      if (loop.nodes.length === 0) return { id: id.loop(loop.name), width, height, layoutOptions: { "elk.layered.layering.layerConstraint": "LAST" } };
      return {
        id: id.loop(loop.name),
        layoutOptions: {
          "elk.padding": `[top=${m.frameTop},left=${m.framePadding},bottom=${m.framePadding},right=${m.framePadding}]`,
          "elk.nodeSize.constraints": "MINIMUM_SIZE",
          // Height first: laying out DOWN with INCLUDE_CHILDREN, ELK Layered swaps a compound
          // node's minimum width and height (eclipse-elk/elk#1033, kieler/elkjs#313).
          "elk.nodeSize.minimum": `(${height}, ${width})`,
        },
        children: picture.nodes.filter((node) => node.loop === loop.name).map(elkNode),
      };
    });
  const edges: ElkExtendedEdge[] = picture.edges.map((edge, i) => ({
    id: `edge:${i}`,
    sources: [edge.fromKind === "input" ? id.input(edge.from) : id.node(edge.from)],
    targets: [id.node(edge.to)],
  }));
  return { id: "root", layoutOptions: LAYOUT_OPTIONS, children: [...inputs, ...loops, ...loose], edges };
}

function readLayout(picture: GraphPicture, root: ElkNode): PictureLayout {
  // ELK gives each shape relative to its parent, and each edge relative to its container.
  const boxes = new Map<string, Box>();
  const place = (node: ElkNode, dx: number, dy: number): void => {
    const box = { x: dx + (node.x ?? 0), y: dy + (node.y ?? 0), width: node.width ?? 0, height: node.height ?? 0 };
    boxes.set(node.id, box);
    for (const child of node.children ?? []) place(child, box.x, box.y);
  };
  place(root, -(root.x ?? 0), -(root.y ?? 0));
  const box = (key: string): Box => {
    const found = boxes.get(key);
    if (found === undefined) throw new Error(`the layout has no box for ${key}`);
    return round(found);
  };

  const elkEdges = new Map<string, ElkExtendedEdge & { container?: string }>();
  const collect = (node: ElkNode): void => {
    for (const edge of node.edges ?? []) elkEdges.set(edge.id, edge);
    for (const child of node.children ?? []) collect(child);
  };
  collect(root);

  const frames = new Set(framedLoops(picture));
  return {
    width: Math.ceil(root.width ?? 0),
    height: Math.ceil(root.height ?? 0),
    inputs: picture.inputs.map(({ name }) => ({ name, ...box(id.input(name)) })),
    nodes: picture.nodes.map(({ name }) => ({ name, ...box(id.node(name)) })),
    loops: picture.loops.filter((loop) => frames.has(loop.name)).map(({ name }) => ({ name, ...box(id.loop(name)) })),
    edges: picture.edges.map((edge, i) => {
      const laid = elkEdges.get(`edge:${i}`);
      const origin = boxes.get(laid?.container ?? "root") ?? { x: 0, y: 0 };
      const points = (laid?.sections ?? []).flatMap((s) => [s.startPoint, ...(s.bendPoints ?? []), s.endPoint]);
      return { from: edge.from, fromKind: edge.fromKind, to: edge.to, points: points.map((p) => roundPoint({ x: origin.x + p.x, y: origin.y + p.y })) };
    }),
  };
}

// Two decimals are plenty on screen, and keep floating-point noise out of the output.
const r2 = (n: number): number => Math.round(n * 100) / 100;
const roundPoint = (p: Point): Point => ({ x: r2(p.x), y: r2(p.y) });
const round = (b: Box): Box => ({ x: r2(b.x), y: r2(b.y), width: r2(b.width), height: r2(b.height) });

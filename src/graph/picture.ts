// What a picture of a graph shows, before layout: its inputs, nodes, the edges between
// them and its loops. Built from the checked model; the graph view, `stepgraph graph` and
// the debugger's node states all name nodes as this does.
import type { GraphModel, NodeModel } from "./model";

/**
 * A `map` node runs its function once per element; a `subgraph` node calls another graph,
 * once, or once per element when it maps (then it is `mapped` as well).
 */
export type PictureNodeKind = "function" | "map" | "subgraph";

export interface PictureNode {
  name: string;
  /** Zero-based line of its `node` statement. */
  line: number;
  loop: string;
  kind: PictureNodeKind;
  /** The function as the call writes it (`pricing.quote`), or the subgraph's alias. */
  callText: string;
  /**
   * It calls once per element of an array (a `map` argument): true for every `map` node,
   * and for a subgraph call that maps (`sentiment(text: map texts)`).
   */
  mapped: boolean;
  /** Its `when` condition, formatted; absent when it has none. */
  when?: string;
  /** Written with `[pin: ...]`. */
  pinned: boolean;
  /** One of the graph's outputs. */
  output: boolean;
}

export interface PictureInput {
  name: string;
  /** Zero-based line of its `input` statement. */
  line: number;
}

/** Data flowing from an input or a node into a node. */
export interface PictureEdge {
  from: string;
  fromKind: "input" | "node";
  to: string;
  /** Every reference along it is written `REF?`: a skipped `from` does not skip `to`. */
  optional: boolean;
  /** It is read only by `to`'s `when` condition, not by its arguments. */
  conditionOnly: boolean;
}

export interface PictureLoop {
  name: string;
  /** False for the implicit loop `main`. */
  declared: boolean;
  /** Its nodes in topological order. */
  nodes: string[];
}

export interface GraphPicture {
  graph: string;
  /** Absolute path of the `.graph` file. */
  file: string;
  inputs: PictureInput[];
  /** In the model's topological order. */
  nodes: PictureNode[];
  edges: PictureEdge[];
  loops: PictureLoop[];
}

export function buildPicture(graph: GraphModel): GraphPicture {
  return {
    graph: graph.name,
    file: graph.file,
    inputs: graph.inputs.map(({ name, line }) => ({ name, line })),
    nodes: graph.nodes.map((node) => pictureNode(node, graph.outputs.includes(node.name))),
    edges: graph.nodes.flatMap(edgesInto),
    loops: graph.loops.map(({ name, declared, nodes }) => ({ name, declared, nodes: [...nodes] })),
  };
}

function pictureNode(node: NodeModel, output: boolean): PictureNode {
  const mapped = node.mapIndex !== undefined;
  const kind: PictureNodeKind = node.subgraph ? "subgraph" : mapped ? "map" : "function";
  return {
    name: node.name,
    line: node.line,
    loop: node.loop,
    kind,
    callText: node.callText,
    mapped,
    ...(node.when ? { when: node.when.text } : {}),
    pinned: node.pin !== undefined,
    output,
  };
}

/** One edge per input or node `node` reads, in the order it first reads them. */
function edgesInto(node: NodeModel): PictureEdge[] {
  const edges = new Map<string, PictureEdge>();
  const add = (fromKind: "input" | "node", from: string, optional: boolean, conditionOnly: boolean): void => {
    const id = `${fromKind}:${from}`;
    const seen = edges.get(id);
    if (seen === undefined) edges.set(id, { from, fromKind, to: node.name, optional, conditionOnly });
    else edges.set(id, { ...seen, optional: seen.optional && optional, conditionOnly: seen.conditionOnly && conditionOnly });
  };
  for (const arg of node.args) if (arg.kind !== "literal") add(arg.kind, arg.name, arg.optional === true, false);
  for (const ref of node.when?.references ?? []) add(ref.kind, ref.name, ref.optional, true);
  return [...edges.values()];
}

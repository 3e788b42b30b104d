// A picture as a Graphviz digraph: inputs as ellipses, nodes as boxes (a node that maps a
// stack, a subgraph call a double border: a mapped subgraph call both), each loop a
// cluster. Graphviz lays it out itself.
import { framedLoops } from "./picture-layout";
import type { GraphPicture, PictureEdge, PictureNode } from "./picture";

export function renderDot(picture: GraphPicture): string {
  const frames = new Set(framedLoops(picture));
  const nodeLine = (node: PictureNode, indent: string): string => `${indent}${quote(node.name)} [${nodeAttributes(node)}];`;
  const lines = [
    `digraph ${quote(picture.graph)} {`,
    `  graph [rankdir=TB, label=${quote(`graph ${picture.graph}`)}, labelloc=t, fontname="Helvetica", fontsize=14];`,
    `  node [shape=box, style=rounded, fontname="Helvetica", fontsize=12];`,
    `  edge [color="#6e7781", arrowsize=0.7];`,
    ...picture.inputs.map((input) => `  ${quote(input.name)} [label=${quote(input.name)}, shape=ellipse, color="#0969da", tooltip=${quote(`input ${input.name}`)}];`),
    ...picture.loops
      .filter((loop) => frames.has(loop.name))
      .flatMap((loop) => [
        `  subgraph ${quote(`cluster_${loop.name}`)} {`,
        `    label=${quote(`loop ${loop.name}`)}; style="dashed,rounded"; color="#8c959f";`,
        ...picture.nodes.filter((node) => node.loop === loop.name).map((node) => nodeLine(node, "    ")),
        `  }`,
      ]),
    ...picture.nodes.filter((node) => !frames.has(node.loop)).map((node) => nodeLine(node, "  ")),
    ...picture.edges.map((edge) => `  ${quote(edge.from)} -> ${quote(edge.to)}${edgeAttributes(edge)};`),
    `}`,
  ];
  return `${lines.join("\n")}\n`;
}

function nodeAttributes(node: PictureNode): string {
  const notes = [...(node.when === undefined ? [] : [`when ${node.when}`]), ...(node.pinned ? ["pinned"] : []), ...(node.output ? ["output"] : [])];
  const attributes = [
    `label=${quote(`${node.name}\n${node.callText}`)}`,
    `tooltip=${quote([`${node.name} = ${node.callText}`, ...notes].join("\n"))}`,
    ...(node.mapped ? ["shape=box3d"] : []),
    ...(node.kind === "subgraph" ? ["peripheries=2"] : []),
    ...(node.pinned ? [`style="rounded,filled"`, `fillcolor="#fff8c5"`] : []),
    ...(node.output ? ["penwidth=2"] : []),
    ...(node.when === undefined ? [] : [`color="#8250df"`]),
  ];
  return attributes.join(", ");
}

function edgeAttributes(edge: PictureEdge): string {
  if (edge.conditionOnly) return ` [style=dotted, color="#8250df"${edge.optional ? ", arrowhead=empty" : ""}]`;
  return edge.optional ? " [style=dashed]" : "";
}

/** A DOT double-quoted string; newlines become the label escape \n. */
function quote(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\r?\n/g, "\\n")}"`;
}

// A picture as a Mermaid flowchart (top down), each loop a subgraph: for Markdown that
// renders Mermaid (GitHub, GitLab, many wikis). Mermaid lays it out itself.
import { framedLoops } from "./picture-layout";
import type { GraphPicture, PictureEdge, PictureNode } from "./picture";

// Ids are prefixed: Mermaid reads some bare words (`end`, `graph`, `subgraph`) as keywords.
const id = {
  input: (name: string) => `i_${name}`,
  node: (name: string) => `n_${name}`,
  loop: (name: string) => `l_${name}`,
};

export function renderMermaid(picture: GraphPicture): string {
  const frames = new Set(framedLoops(picture));
  const pinned = picture.nodes.filter((node) => node.pinned).map((node) => id.node(node.name));
  const outputs = picture.nodes.filter((node) => node.output).map((node) => id.node(node.name));
  const lines = [
    "flowchart TD",
    ...picture.inputs.map((input) => `  ${id.input(input.name)}(["${label(input.name)}"])`),
    ...picture.loops
      .filter((loop) => frames.has(loop.name))
      .flatMap((loop) => [
        `  subgraph ${id.loop(loop.name)}["${label(`loop ${loop.name}`)}"]`,
        ...picture.nodes.filter((node) => node.loop === loop.name).map((node) => `    ${nodeShape(node)}`),
        "  end",
      ]),
    ...picture.nodes.filter((node) => !frames.has(node.loop)).map((node) => `  ${nodeShape(node)}`),
    ...picture.edges.map((edge) => `  ${edge.fromKind === "input" ? id.input(edge.from) : id.node(edge.from)} ${arrow(edge)} ${id.node(edge.to)}`),
    ...(outputs.length > 0 ? ["  classDef output stroke-width:3px", `  class ${outputs.join(",")} output`] : []),
    ...(pinned.length > 0 ? ["  classDef pinned fill:#fff8c5", `  class ${pinned.join(",")} pinned`] : []),
  ];
  return `${lines.join("\n")}\n`;
}

/** A subgraph call is a subroutine box; a node that maps (a subgraph call too) says so under its call. */
function nodeShape(node: PictureNode): string {
  const text = label(`${node.name}\n${node.callText}${node.mapped ? " (map)" : ""}`);
  return node.kind === "subgraph" ? `${id.node(node.name)}[["${text}"]]` : `${id.node(node.name)}["${text}"]`;
}

/** Dotted for `REF?` and for references only the `when` condition reads (labelled so). */
function arrow(edge: PictureEdge): string {
  if (edge.conditionOnly) return "-. when .->";
  return edge.optional ? "-.->" : "-->";
}

/** Text inside a quoted Mermaid label: entity codes for what would end or break it. */
function label(value: string): string {
  return value
    .replace(/&/g, "#amp;")
    .replace(/"/g, "#quot;")
    .replace(/</g, "#lt;")
    .replace(/>/g, "#gt;")
    .replace(/\r?\n/g, "<br/>");
}

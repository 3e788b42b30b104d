// `stepgraph graph FILE`: the picture of a graph (as the graph view draws it) as SVG,
// Graphviz DOT or Mermaid, for documentation and CI.
import { writeFileSync } from "node:fs";
import { checkText } from "../graph/checker";
import { formatDiagnostic } from "../graph/diagnostics";
import { createModuleReader } from "../graph/module-reader";
import { buildPicture, type GraphPicture } from "../graph/picture";
import { renderDot } from "../graph/picture-dot";
import { layoutPicture } from "../graph/picture-layout";
import { renderMermaid } from "../graph/picture-mermaid";
import { renderSvg } from "../graph/picture-svg";
import { readGraphSource } from "../graph/source-file";
import { Exit, UserError, type Command } from "./command";
import { parseArguments } from "./parse-arguments";

const FORMATS = ["svg", "dot", "mermaid"] as const;
type Format = (typeof FORMATS)[number];

export const graphCommand: Command = {
  name: "graph",
  summary: "draw a graph as SVG, Graphviz DOT or Mermaid",
  usage: `Usage: stepgraph graph FILE [--format svg|dot|mermaid] [--out F]

Draws the graph's inputs, nodes and the edges between them, each loop as a frame.

  --format svg|dot|mermaid     SVG laid out as the graph view does (default), a Graphviz
                               digraph, or a Mermaid flowchart
  --out F                      write to F instead of stdout

Exit status: 0 when drawn, 1 when the graph has errors (they are printed), 2 on bad input.`,
  async run(args) {
    const { values, positionals } = parseArguments("graph", args, { format: { type: "string", default: "svg" }, out: { type: "string" } });
    const format = values.format as Format;
    if (!FORMATS.includes(format)) throw new UserError(`graph: --format is svg, dot or mermaid, not '${values.format}'`);
    if (positionals.length !== 1) throw new UserError("graph: name one graph file (see 'stepgraph graph --help')");
    const file = positionals[0];

    const source = readGraphSource(file);
    if (!source.ok) throw new UserError(`${file} ${source.message}`);
    const checked = checkText(source.text, { path: file, modules: createModuleReader() });
    const graph = checked.graph;
    if (graph === undefined) {
      for (const d of checked.diagnostics) process.stderr.write(`${formatDiagnostic(file, d)}\n`);
      return Exit.failed;
    }

    const drawn = await draw(buildPicture(graph), format);
    if (values.out === undefined) process.stdout.write(drawn);
    else writeOut(values.out, drawn);
    return Exit.ok;
  },
};

async function draw(picture: GraphPicture, format: Format): Promise<string> {
  if (format === "dot") return renderDot(picture);
  if (format === "mermaid") return renderMermaid(picture);
  return renderSvg(picture, await layoutPicture(picture), { standalone: true });
}

function writeOut(path: string, text: string): void {
  try {
    writeFileSync(path, text);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "its folder does not exist" : code === "EISDIR" ? "it is a directory" : code === "EACCES" || code === "EPERM" ? "permission denied" : (e as Error).message;
    throw new UserError(`graph: cannot write ${path}: ${why}`);
  }
}

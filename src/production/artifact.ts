// The artifact of a deployed version: every node module of the graph bundled by esbuild
// into one self-contained CommonJS file (packages included), so that workers need no
// checkout and no node_modules. Module i of the graph (its subgraphs' included) is the
// artifact's export `m{i}`.
import { build } from "esbuild";
import { dirname, parse, resolve } from "node:path";
import { nodesWithSubgraphs, type GraphModel } from "../graph/model";
import { GraphLoadError } from "../runtime/graph-loader";

export interface Artifact {
  code: string;
  /** The modules in artifact order. */
  modulePaths: string[];
}

export async function buildArtifact(graph: GraphModel): Promise<Artifact> {
  const modulePaths = [...new Set(nodesWithSubgraphs(graph).flatMap(({ node }) => (node.subgraph === undefined ? [node.modulePath] : [])))];
  const entry = modulePaths.map((path, i) => `export * as m${i} from ${JSON.stringify(path)};`).join("\n");
  const result = await build({
    stdin: { contents: entry, resolveDir: dirname(graph.file), sourcefile: `${graph.name}.artifact.js`, loader: "js" },
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    // Stacks of failed nodes point into the TypeScript (workers enable source maps).
    sourcemap: "inline",
    // Source paths relative to the root: a worker, loading the artifact at the root, shows them as they are here.
    absWorkingDir: parse(resolve(graph.file)).root,
    write: false,
    logLevel: "silent",
  }).catch((e: { errors?: { text: string }[] }) => {
    throw new GraphLoadError(`the node code of ${graph.file} does not bundle: ${(e.errors ?? []).map((m) => m.text).join("; ") || String(e)}`);
  });
  return { code: result.outputFiles[0].text, modulePaths };
}

// Everything a run needs before its first node: the checked graph and its node modules
// built. Errors come back as one GraphLoadError listing every problem.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { checkText } from "../graph/checker";
import { formatDiagnostic, type Diagnostic } from "../graph/diagnostics";
import { nodesWithSubgraphs, type GraphModel, type NodeModel } from "../graph/model";
import type { ModuleReader } from "../graph/module-exports";
import { createModuleReader } from "../graph/module-reader";
import { readGraphSource } from "../graph/source-file";
import { buildModule, ModuleBuildError, type BuiltModule } from "./module-bundler";
import { parsePinText } from "./pin-file";

/** Where, in the state folder, the module reader keeps what it learned between processes. */
const MODULE_EXPORTS_FILE = "module-exports.json";

export class GraphLoadError extends Error {
  constructor(
    message: string,
    readonly diagnostics: readonly Diagnostic[] = [],
  ) {
    super(message);
  }
}

export interface LoadedGraph {
  graph: GraphModel;
  /** Built modules by module path (the subgraphs' modules included). */
  modules: ReadonlyMap<string, BuiltModule>;
  /** The value of each pin file the graph and its subgraphs name, by absolute path. */
  pins: ReadonlyMap<string, unknown>;
}

export interface LoadOptions {
  /** Where bundles are written: the workspace's .stepgraph folder. */
  stateDir: string;
  moduleReader?: ModuleReader;
}

export async function loadGraph(path: string, options: LoadOptions): Promise<LoadedGraph> {
  const source = readGraphSource(path);
  if (!source.ok) throw new GraphLoadError(`${path} ${source.message}`);
  // What the reader learned of the modules is kept in the state folder: a warm start whose modules did not change does not load the compiler.
  const result = checkText(source.text, { path, modules: options.moduleReader ?? createModuleReader({ persistTo: join(options.stateDir, MODULE_EXPORTS_FILE) }) });
  const errors = result.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0 || result.graph === undefined) {
    const lines = errors.map((d) => formatDiagnostic(path, d));
    throw new GraphLoadError(`${path} has ${errors.length} error${errors.length === 1 ? "" : "s"}:\n${lines.join("\n")}`, errors);
  }
  const graph = result.graph;
  const nodes = nodesWithSubgraphs(graph).map(({ node }) => node);
  const pins = readPins(nodes);
  const modulePaths = [...new Set(nodes.filter((n) => n.subgraph === undefined).map((n) => n.modulePath))];
  const outDir = join(options.stateDir, "build", graph.name);
  const built = await Promise.all(modulePaths.map((modulePath) => buildModule(modulePath, { outDir, workingDir: dirname(graph.file) }))).catch((e: unknown) => {
    if (e instanceof ModuleBuildError) throw new GraphLoadError(`a node module of ${path} does not build:\n${e.message}`);
    throw e;
  });
  return { graph, modules: new Map(built.map((m) => [m.modulePath, m])), pins };
}

function readPins(nodes: readonly NodeModel[]): Map<string, unknown> {
  const pins = new Map<string, unknown>();
  for (const { pin, name } of nodes) {
    if (pin === undefined || pins.has(pin)) continue;
    let text: string;
    try {
      text = readFileSync(pin, "utf8");
    } catch (e) {
      throw new GraphLoadError(`the pin file of node '${name}' cannot be read: ${pin} (${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message})`);
    }
    try {
      pins.set(pin, parsePinText(text));
    } catch (e) {
      throw new GraphLoadError(`the pin file of node '${name}' does not hold a pin value: ${pin}: ${(e as Error).message}`);
    }
  }
  return pins;
}

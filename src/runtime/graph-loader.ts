// Everything a run needs before its first node: the checked graph and its node modules
// built. Errors come back as one GraphLoadError listing every problem.
import { dirname, join } from "node:path";
import { checkText } from "../graph/checker";
import { formatDiagnostic, type Diagnostic } from "../graph/diagnostics";
import type { GraphModel } from "../graph/model";
import type { ModuleReader } from "../graph/module-exports";
import { createModuleReader } from "../graph/module-reader";
import { readGraphSource } from "../graph/source-file";
import { buildModule, ModuleBuildError, type BuiltModule } from "./module-bundler";

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
  /** Built modules by module path. */
  modules: ReadonlyMap<string, BuiltModule>;
}

export interface LoadOptions {
  /** Where bundles are written: the workspace's .stepgraph folder. */
  stateDir: string;
  moduleReader?: ModuleReader;
}

export async function loadGraph(path: string, options: LoadOptions): Promise<LoadedGraph> {
  const source = readGraphSource(path);
  if (!source.ok) throw new GraphLoadError(`${path} ${source.message}`);
  const result = checkText(source.text, { path, modules: options.moduleReader ?? createModuleReader() });
  const errors = result.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0 || result.graph === undefined) {
    const lines = errors.map((d) => formatDiagnostic(path, d));
    throw new GraphLoadError(`${path} has ${errors.length} error${errors.length === 1 ? "" : "s"}:\n${lines.join("\n")}`, errors);
  }
  const graph = result.graph;
  const modulePaths = [...new Set(graph.nodes.map((n) => n.modulePath))];
  const outDir = join(options.stateDir, "build", graph.name);
  const built = await Promise.all(modulePaths.map((modulePath) => buildModule(modulePath, { outDir, workingDir: dirname(graph.file) }))).catch((e: unknown) => {
    if (e instanceof ModuleBuildError) throw new GraphLoadError(`a node module of ${path} does not build:\n${e.message}`);
    throw e;
  });
  return { graph, modules: new Map(built.map((m) => [m.modulePath, m])) };
}

// Deploy: check the graph, bundle its node code, sign both, store the version in Redis,
// make it active and tell the running workers (production.md, "Deploy").
import { loadGraph } from "../runtime/graph-loader";
import type { QueueStore } from "../store/queue-store";
import { buildArtifact } from "./artifact";
import { compileProductionGraph } from "./production-graph";
import { refuseUnsupportedConstructs } from "./v2-support";
import { sha256, signVersion } from "./signed-version";

export interface DeployResult {
  graph: string;
  version: number;
  /** Each loop with how many of its workers are alive now. */
  loops: { name: string; workers: number }[];
}

export interface DeployOptions {
  file: string;
  /** The workspace's .stepgraph folder (per-module builds for the code hashes). */
  stateDir: string;
  deployKey: string;
  /** Opens the store once the graph name is known (the graph's keys carry it). */
  openStore(graph: string): Promise<QueueStore>;
}

/** Throws GraphLoadError when the graph has errors or its code does not build. */
export async function deployGraph(options: DeployOptions): Promise<DeployResult> {
  const { graph, modules } = await loadGraph(options.file, { stateDir: options.stateDir });
  refuseUnsupportedConstructs(graph);
  const artifact = await buildArtifact(graph);
  const codeHashes = new Map([...modules].map(([path, built]) => [path, built.codeHash]));
  const productionGraph = compileProductionGraph(graph, artifact.modulePaths, codeHashes);
  const store = await options.openStore(graph.name);
  const version = await store.storeVersion((version) =>
    signVersion({ graph: productionGraph, version, createdAt: Date.now(), artifactSha256: sha256(artifact.code) }, artifact.code, options.deployKey),
  );
  const loops = await Promise.all(productionGraph.loops.map(async (loop) => ({ name: loop.name, workers: (await store.loopCounts(loop.name)).workers })));
  return { graph: graph.name, version, loops };
}

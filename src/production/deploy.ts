// Deploy: check the graph, bundle its node code, sign both, store the version in Redis,
// make it active and tell the running workers (docs/production.md, "Deploy and versions").
import { loadGraph } from "../runtime/graph-loader";
import type { QueueStore } from "../store/queue-store";
import { buildArtifact } from "./artifact";
import { compileProductionGraph, partitionsOf } from "./production-graph";
import { checkMaxmemoryPolicy } from "./redis-policy";
import { sha256, signPointer, signVersion } from "./signed-version";
import { pinWarnings } from "./pin-warnings";

/** Versions kept in Redis besides those an unfinished job uses (docs/production.md, "Deploy and versions"). */
export const KEPT_VERSIONS = 10;

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
  /** Told what the user should check (a Redis whose eviction policy cannot be read). */
  warn(line: string): void;
}

/** Throws GraphLoadError when the graph has errors or its code does not build, EvictingRedisError for a Redis that evicts. */
export async function deployGraph(options: DeployOptions): Promise<DeployResult> {
  const { graph, modules } = await loadGraph(options.file, { stateDir: options.stateDir });
  for (const warning of pinWarnings(graph)) options.warn(warning);
  const artifact = await buildArtifact(graph);
  const codeHashes = new Map([...modules].map(([path, built]) => [path, built.codeHash]));
  const productionGraph = compileProductionGraph(graph, artifact.modulePaths, codeHashes);
  const store = await options.openStore(graph.name);
  const warning = await checkMaxmemoryPolicy(store);
  if (warning !== undefined) options.warn(warning);
  const version = await store.storeVersion(
    (version) => signVersion({ graph: productionGraph, version, createdAt: Date.now(), artifactSha256: sha256(artifact.code) }, artifact.code, options.deployKey),
    (version, sequence) => signPointer(graph.name, { version, sequence }, options.deployKey),
    KEPT_VERSIONS,
    partitionsOf(productionGraph),
  );
  const loops = await Promise.all(productionGraph.loops.map(async (loop) => ({ name: loop.name, workers: (await store.loopCounts(loop.name)).workers })));
  return { graph: graph.name, version, loops };
}

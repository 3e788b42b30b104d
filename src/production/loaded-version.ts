// A deployed version as a worker runs it: read from Redis, verified, its artifact written
// to a private temporary folder and loaded, every node's function looked up.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { QueueStore } from "../store/queue-store";
import type { ProductionGraph, ProductionLoop, ProductionNode } from "./production-graph";
import { sha256, verifyVersion, VersionRefusedError } from "./signed-version";

import type { NodeFunction } from "../runtime/node-call";

export interface LoadedVersion {
  version: number;
  graph: ProductionGraph;
  nodes: ReadonlyMap<string, { node: ProductionNode; fn: NodeFunction }>;
  loops: ReadonlyMap<string, ProductionLoop>;
}

export async function loadVersion(store: QueueStore, version: number, deployKey: string, artifactDir: string): Promise<LoadedVersion> {
  const stored = await store.readVersion(version);
  if (stored === undefined) throw new VersionRefusedError(`version ${version} of graph '${store.graph}' is not in Redis`);
  const manifest = verifyVersion(stored, deployKey, store.graph, version);
  if (sha256(stored.artifact) !== manifest.artifactSha256) throw new VersionRefusedError(`the artifact of version ${version} of graph '${store.graph}' does not match its manifest: refused`);
  mkdirSync(artifactDir, { recursive: true, mode: 0o700 });
  const file = join(artifactDir, `${store.graph}-v${version}-${manifest.artifactSha256.slice(0, 12)}.js`);
  writeFileSync(file, stored.artifact, { mode: 0o600 });
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the artifact is a CommonJS bundle, verified above
  const modules = require(file) as Record<string, Record<string, unknown>>;
  const nodes = new Map<string, { node: ProductionNode; fn: NodeFunction }>();
  for (const node of manifest.graph.nodes) {
    const fn = modules[`m${node.module}`]?.[node.exportName];
    if (typeof fn !== "function") throw new VersionRefusedError(`version ${version}: '${node.exportName}' (node '${node.name}') is not a function in the artifact`);
    nodes.set(node.name, { node, fn: fn as NodeFunction });
  }
  return { version, graph: manifest.graph, nodes, loops: new Map(manifest.graph.loops.map((l) => [l.name, l])) };
}

// A deployed version as a worker runs it: read from Redis, verified, its artifact compiled
// as a CommonJS module straight from memory (no file: nothing is left on disk when the
// worker is killed, and nothing in require's cache keeps an unloaded version alive), every
// node's function looked up. The artifact's inline source map still maps stacks to the
// TypeScript (the worker enables source maps).
import Module from "node:module";
import type { QueueStore } from "../store/queue-store";
import type { ProductionGraph, ProductionLoop, ProductionNode } from "./production-graph";
import { sha256, verifyVersion, VersionRefusedError } from "./signed-version";

import type { NodeFunction } from "../runtime/node-call";

export interface LoadedVersion {
  version: number;
  graph: ProductionGraph;
  /** Every node with its function (none for the nodes that gather a subgraph call's inputs and outputs). */
  nodes: ReadonlyMap<string, LoadedNode>;
  loops: ReadonlyMap<string, ProductionLoop>;
}

export interface LoadedNode {
  node: ProductionNode;
  fn?: NodeFunction;
  /** A subgraph called with `map`: the nodes each element runs, loaded alike. */
  program?: ReadonlyMap<string, LoadedNode>;
}

/** The part of Node's CommonJS loader that compiles a module's code, which @types/node does not declare. */
type CompilableModule = Module & { _compile(code: string, filename: string): void };

export async function loadVersion(store: QueueStore, version: number, deployKey: string): Promise<LoadedVersion> {
  const stored = await store.readVersion(version);
  if (stored === undefined) throw new VersionRefusedError(`version ${version} of graph '${store.graph}' is not in Redis`);
  const manifest = verifyVersion(stored, deployKey, store.graph, version);
  if (sha256(stored.artifact) !== manifest.artifactSha256) throw new VersionRefusedError(`the artifact of version ${version} of graph '${store.graph}' does not match its manifest: refused`);
  // At the root: the source map's paths, relative to the root of the deploying machine, come out as they were there.
  const filename = `/${store.graph}.v${version}.artifact.js`;
  const artifact = new Module(filename) as CompilableModule;
  artifact.filename = filename;
  try {
    artifact._compile(stored.artifact, filename);
  } catch (e) {
    throw new VersionRefusedError(`version ${version} of graph '${store.graph}' cannot be loaded: its node code throws: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
  }
  const nodes = loadNodes(manifest.graph.nodes, artifact.exports as Record<string, Record<string, unknown> | undefined>, version);
  return { version, graph: manifest.graph, nodes, loops: new Map(manifest.graph.loops.map((l) => [l.name, l])) };
}

function loadNodes(compiled: readonly ProductionNode[], modules: Record<string, Record<string, unknown> | undefined>, version: number): Map<string, LoadedNode> {
  const nodes = new Map<string, LoadedNode>();
  for (const node of compiled) {
    if (node.kind === "mapped-subgraph") {
      nodes.set(node.name, { node, program: loadNodes(node.subgraphProgram?.nodes ?? [], modules, version) });
      continue;
    }
    if (node.kind !== "call") {
      nodes.set(node.name, { node });
      continue;
    }
    const exported = modules[`m${node.module}`];
    const fn = exported !== undefined && Object.hasOwn(exported, node.exportName) ? exported[node.exportName] : undefined;
    if (typeof fn !== "function") throw new VersionRefusedError(`version ${version}: '${node.exportName}' (node '${node.name}') is not a function in the artifact`);
    nodes.set(node.name, { node, fn: fn as NodeFunction });
  }
  return nodes;
}

// The compiled graph that a deployed version carries: what a worker needs to run its
// loop and to hand each job on, with no source files at hand. Built from the checked
// GraphModel at deploy time, signed with the artifact.
import type { ArgumentModel, GraphModel, InputModel } from "../graph/model";
import type { NodeOptions } from "../graph/options";

/** Bumped when the shape below changes; a worker refuses a version of another format. */
export const PRODUCTION_GRAPH_FORMAT = 1;

export interface ProductionNode {
  name: string;
  /** Index of its module among the artifact's exports (`m0`, `m1`, ...). */
  module: number;
  exportName: string;
  args: ArgumentModel[];
  options: NodeOptions;
  dependencies: string[];
  /** Hash of the node's code (as in development mode): part of its cache key. */
  codeHash: string;
}

export interface ProductionLoop {
  name: string;
  /** In topological order. */
  nodes: string[];
  concurrency: number;
  upstream: string[];
  downstream: string[];
  /** The values (inputs and node outputs) a job must bring into this loop. */
  needs: string[];
  /** Per downstream loop, the values this loop hands on to it: what it needs from here, and no more. */
  handOn: Record<string, string[]>;
  /** For a loop with no downstream loop: the graph outputs it puts in the result. */
  resultPart?: string[];
}

export interface ProductionGraph {
  format: number;
  name: string;
  inputs: Pick<InputModel, "name" | "hasDefault" | "default">[];
  outputs: string[];
  nodes: ProductionNode[];
  /** In topological order. */
  loops: ProductionLoop[];
  /** Loops with no upstream loop: a submitted job enters each of them. */
  entryLoops: string[];
  /** Loops with no downstream loop: each adds its part of the result. */
  lastLoops: string[];
}

/**
 * Compiles `graph` for production. `modulePaths` orders the artifact's modules;
 * `codeHashes` gives each module's code hash.
 */
export function compileProductionGraph(graph: GraphModel, modulePaths: readonly string[], codeHashes: ReadonlyMap<string, string>): ProductionGraph {
  const loopOf = new Map(graph.nodes.map((n) => [n.name, n.loop]));
  const downstream = new Map(graph.loops.map((l) => [l.name, [] as string[]]));
  for (const loop of graph.loops) for (const up of loop.upstream) downstream.get(up)?.push(loop.name);

  // What can reach each loop: the inputs, and the nodes of the loops upstream of it, transitively.
  const inputNames = graph.inputs.map((i) => i.name);
  const reachable = new Map<string, Set<string>>();
  for (const loop of graph.loops) {
    const values = new Set(inputNames);
    for (const up of loop.upstream) {
      for (const name of reachable.get(up) ?? []) values.add(name);
      for (const node of graph.loops.find((l) => l.name === up)?.nodes ?? []) values.add(node);
    }
    reachable.set(loop.name, values);
  }

  // What each loop needs brought in: its own references from outside, plus what the loops
  // after it (and the result) need that it does not compute, as far as it can be had here.
  const needs = new Map<string, Set<string>>();
  for (const loop of [...graph.loops].reverse()) {
    const own = new Set(loop.nodes);
    const wanted = new Set<string>();
    for (const name of loop.nodes) {
      for (const arg of graph.nodesByName.get(name)?.args ?? []) if (arg.kind !== "literal") wanted.add(arg.name);
    }
    const after = downstream.get(loop.name) ?? [];
    for (const down of after) for (const name of needs.get(down) ?? []) wanted.add(name);
    if (after.length === 0) for (const name of graph.outputs) wanted.add(name);
    const available = reachable.get(loop.name) ?? new Set();
    needs.set(loop.name, new Set([...wanted].filter((name) => !own.has(name) && available.has(name))));
  }

  const loops = graph.loops.map((loop): ProductionLoop => {
    const has = new Set([...loop.nodes, ...(needs.get(loop.name) ?? [])]);
    const after = downstream.get(loop.name) ?? [];
    const handOn = Object.fromEntries(after.map((down) => [down, [...(needs.get(down) ?? [])].filter((name) => has.has(name))]));
    return {
      name: loop.name,
      nodes: loop.nodes,
      concurrency: loop.options.concurrency,
      upstream: loop.upstream,
      downstream: after,
      needs: [...(needs.get(loop.name) ?? [])],
      handOn,
      ...(after.length === 0 ? { resultPart: graph.outputs.filter((name) => has.has(name)) } : {}),
    };
  });

  const moduleIndex = new Map(modulePaths.map((path, i) => [path, i]));
  return {
    format: PRODUCTION_GRAPH_FORMAT,
    name: graph.name,
    inputs: graph.inputs.map(({ name, hasDefault, default: value }) => ({ name, hasDefault, ...(hasDefault ? { default: value } : {}) })),
    outputs: graph.outputs,
    nodes: graph.nodes.map((node) => ({
      name: node.name,
      module: moduleIndex.get(node.modulePath) ?? -1,
      exportName: node.exportName,
      args: node.args,
      options: node.options,
      dependencies: node.dependencies.filter((d) => loopOf.get(d) === node.loop),
      codeHash: `${codeHashes.get(node.modulePath)}#${node.exportName}`,
    })),
    loops,
    entryLoops: loops.filter((l) => l.upstream.length === 0).map((l) => l.name),
    lastLoops: loops.filter((l) => l.downstream.length === 0).map((l) => l.name),
  };
}

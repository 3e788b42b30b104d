// The compiled graph that a deployed version carries: what a worker needs to run its
// loop and to hand each job on, with no source files at hand. Built from the checked
// GraphModel at deploy time, signed with the artifact.
//
// A subgraph call is inlined into the calling node's loop (the subgraph's own loops are
// ignored): the call `C` becomes a node `C/(inputs)` that gathers the subgraph's inputs
// (with `C`'s arguments, condition and skips), the subgraph's nodes as `C/NAME` (nested
// calls as `C/D/NAME`), and `C` itself, which gathers the subgraph's outputs. Names with a
// `/` cannot clash with the caller's own, which are identifiers.
//
// A subgraph called with `map` is not inlined: it stays one node of the caller's loop that
// carries the subgraph's program (its nodes compiled as above, under their own names, behind
// an `(inputs)` node and gathered by an `(outputs)` node), run once per element in the worker.
import type { ArgumentModel, ConditionModel, GraphModel, InputModel, NodeModel } from "../graph/model";
import type { NodeOptions } from "../graph/options";

/** Bumped when the shape below changes; a worker refuses a version of another format. */
export const PRODUCTION_GRAPH_FORMAT = 3;

/** How the names a node's arguments and condition were written with resolve to the job's values (set inside a subgraph). */
export interface NameScope {
  /** Prefix of the scope's node names in the job's values: `C/`. */
  prefix: string;
  /** The node holding the subgraph's inputs, as an object by input name. */
  inputsNode: string;
  inputs: string[];
}

export interface ProductionNode {
  name: string;
  /** A function of the artifact; the inputs of a subgraph call; its outputs (the call's value); a subgraph called with `map`. */
  kind: "call" | "subgraph-inputs" | "subgraph-outputs" | "mapped-subgraph";
  /** Index of its module among the artifact's exports (`m0`, `m1`, ...); -1 for the subgraph kinds. */
  module: number;
  exportName: string;
  args: ArgumentModel[];
  options: NodeOptions;
  /** The nodes of its loop it waits for. */
  dependencies: string[];
  /** The nodes, of any loop, whose skip skips it (referenced without `?`). */
  requiredDependencies: string[];
  when?: ConditionModel;
  /** The argument written `map REF`: the function runs once per element. */
  mapIndex?: number;
  /** Hash of the node's code (as in development mode): part of its cache key. */
  codeHash: string;
  scope?: NameScope;
  /** Inside a subgraph: the graph and node its cache key and context name (the subgraph's own names, as in development mode). */
  cacheAs?: { graph: string; node: string };
  /** subgraph-inputs, mapped-subgraph: the subgraph's inputs, and the input each argument gives. */
  subgraphInputs?: { inputs: Pick<InputModel, "name" | "hasDefault" | "default">[]; given: string[] };
  /** subgraph-outputs: each output of the subgraph and the node that computes it. */
  subgraphOutputs?: { name: string; node: string }[];
  /** mapped-subgraph: what each element runs. */
  subgraphProgram?: SubgraphProgram;
}

/** A subgraph's nodes as one element of a mapped call runs them, as one loop in topological order. */
export interface SubgraphProgram {
  /** The alias the caller calls it by, for messages. */
  alias: string;
  /** Holds the element's inputs (set before the run); then the subgraph's nodes; `(outputs)` last, the element's value. */
  nodes: ProductionNode[];
}

export const PROGRAM_INPUTS = "(inputs)";
export const PROGRAM_OUTPUTS = "(outputs)";

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
  /**
   * `graph NAME [partitions: N]`: jobs of this version are spread over N partitions. Absent
   * in versions deployed before partitions existed: one.
   */
  partitions?: number;
}

/** How many partitions a version's jobs are spread over. */
export function partitionsOf(graph: ProductionGraph): number {
  return graph.partitions ?? 1;
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
      const node = graph.nodesByName.get(name);
      for (const arg of node?.args ?? []) if (arg.kind !== "literal") wanted.add(arg.name);
      for (const ref of node?.when?.references ?? []) wanted.add(ref.name);
    }
    const after = downstream.get(loop.name) ?? [];
    for (const down of after) for (const name of needs.get(down) ?? []) wanted.add(name);
    if (after.length === 0) for (const name of graph.outputs) wanted.add(name);
    const available = reachable.get(loop.name) ?? new Set();
    needs.set(loop.name, new Set([...wanted].filter((name) => !own.has(name) && available.has(name))));
  }

  const moduleIndex = new Map(modulePaths.map((path, i) => [path, i]));
  const flattened = new Map(graph.nodes.map((node) => [node.name, inlineNode(node, graph, { moduleIndex, codeHashes, sameLoop: (d) => loopOf.get(d) === node.loop })]));

  const loops = graph.loops.map((loop): ProductionLoop => {
    const has = new Set([...loop.nodes, ...(needs.get(loop.name) ?? [])]);
    const after = downstream.get(loop.name) ?? [];
    const handOn = Object.fromEntries(after.map((down) => [down, [...(needs.get(down) ?? [])].filter((name) => has.has(name))]));
    return {
      name: loop.name,
      nodes: loop.nodes.flatMap((name) => (flattened.get(name) ?? []).map((n) => n.name)),
      concurrency: loop.options.concurrency,
      upstream: loop.upstream,
      downstream: after,
      needs: [...(needs.get(loop.name) ?? [])],
      handOn,
      ...(after.length === 0 ? { resultPart: graph.outputs.filter((name) => has.has(name)) } : {}),
    };
  });

  return {
    format: PRODUCTION_GRAPH_FORMAT,
    name: graph.name,
    inputs: graph.inputs.map(({ name, hasDefault, default: value }) => ({ name, hasDefault, ...(hasDefault ? { default: value } : {}) })),
    outputs: graph.outputs,
    nodes: [...flattened.values()].flat(),
    loops,
    entryLoops: loops.filter((l) => l.upstream.length === 0).map((l) => l.name),
    lastLoops: loops.filter((l) => l.downstream.length === 0).map((l) => l.name),
    partitions: graph.partitions,
  };
}

interface InlineContext {
  moduleIndex: ReadonlyMap<string, number>;
  codeHashes: ReadonlyMap<string, string>;
  /** Whether a dependency (named as in the node's own graph) is in the node's loop: it is inside a subgraph. */
  sameLoop(dependency: string): boolean;
  scope?: NameScope;
}

/** The production nodes of one node of `graph`: itself, or, for a subgraph call, the call inlined (in order). */
function inlineNode(node: NodeModel, graph: GraphModel, context: InlineContext): ProductionNode[] {
  const { scope } = context;
  const prefix = scope?.prefix ?? "";
  // Inside a subgraph every node waits for (and is skipped with) the subgraph call's inputs.
  const gate = scope === undefined ? [] : [scope.inputsNode];
  const common = {
    args: node.args,
    options: node.options,
    dependencies: [...node.dependencies.filter((d) => context.sameLoop(d)).map((d) => prefix + d), ...gate],
    requiredDependencies: [...node.requiredDependencies.map((d) => prefix + d), ...gate],
    ...(node.when === undefined ? {} : { when: node.when }),
    ...(scope === undefined ? {} : { scope }),
  };
  const subgraph = node.subgraph;
  if (subgraph !== undefined && node.mapIndex !== undefined) {
    return [
      {
        name: prefix + node.name,
        kind: "mapped-subgraph",
        module: -1,
        exportName: "",
        ...common,
        mapIndex: node.mapIndex,
        codeHash: "",
        subgraphInputs: subgraphInputs(subgraph.graph, subgraph.inputs),
        subgraphProgram: { alias: subgraph.alias, nodes: subgraphProgram(subgraph.graph, node.options, context) },
      },
    ];
  }
  if (subgraph === undefined) {
    return [
      {
        name: prefix + node.name,
        kind: "call",
        module: context.moduleIndex.get(node.modulePath) ?? -1,
        exportName: node.exportName,
        ...common,
        ...(node.mapIndex === undefined ? {} : { mapIndex: node.mapIndex }),
        codeHash: `${context.codeHashes.get(node.modulePath)}#${node.exportName}`,
        ...(scope === undefined ? {} : { cacheAs: { graph: graph.name, node: node.name } }),
      },
    ];
  }
  const inner: NameScope = { prefix: `${prefix}${node.name}/`, inputsNode: `${prefix}${node.name}/(inputs)`, inputs: subgraph.graph.inputs.map((i) => i.name) };
  const inputs: ProductionNode = {
    name: inner.inputsNode,
    kind: "subgraph-inputs",
    module: -1,
    exportName: "",
    ...common,
    codeHash: "",
    subgraphInputs: subgraphInputs(subgraph.graph, subgraph.inputs),
  };
  const nodes = subgraph.graph.nodes.flatMap((n) => inlineNode(n, subgraph.graph, { ...context, scope: inner, sameLoop: () => true }));
  const outputs: ProductionNode = {
    name: prefix + node.name,
    kind: "subgraph-outputs",
    module: -1,
    exportName: "",
    args: [],
    options: node.options,
    dependencies: [inner.inputsNode, ...subgraph.graph.outputs.map((o) => inner.prefix + o)],
    requiredDependencies: [inner.inputsNode],
    codeHash: "",
    subgraphOutputs: subgraph.graph.outputs.map((o) => ({ name: o, node: inner.prefix + o })),
  };
  return [inputs, ...nodes, outputs];
}

function subgraphInputs(graph: GraphModel, given: string[]): NonNullable<ProductionNode["subgraphInputs"]> {
  return { inputs: graph.inputs.map(({ name, hasDefault, default: value }) => ({ name, hasDefault, ...(hasDefault ? { default: value } : {}) })), given };
}

/** The nodes one element of a mapped call of `graph` runs, in topological order. */
function subgraphProgram(graph: GraphModel, options: NodeOptions, context: InlineContext): ProductionNode[] {
  const scope: NameScope = { prefix: "", inputsNode: PROGRAM_INPUTS, inputs: graph.inputs.map((i) => i.name) };
  const gathering = { module: -1, exportName: "", args: [], options, requiredDependencies: [], codeHash: "" };
  const inputs: ProductionNode = { name: PROGRAM_INPUTS, kind: "subgraph-inputs", ...gathering, dependencies: [] };
  const nodes = graph.nodes.flatMap((n) => inlineNode(n, graph, { ...context, scope, sameLoop: () => true }));
  const outputs: ProductionNode = {
    name: PROGRAM_OUTPUTS,
    kind: "subgraph-outputs",
    ...gathering,
    dependencies: [PROGRAM_INPUTS, ...graph.outputs],
    subgraphOutputs: graph.outputs.map((o) => ({ name: o, node: o })),
  };
  return [inputs, ...nodes, outputs];
}


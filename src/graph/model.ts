// The checked graph: what the runtime, the debugger and production run. Built by the
// checker only when the file has no errors.
import type { ConditionExpr, JsonValue, NodeStatement } from "./ast";
import type { ExportedMember } from "./module-exports";
import type { LoopOptions, NodeOptions } from "./options";

/**
 * A node's argument: a reference into an input or node output, or a literal. `optional`
 * marks a reference written `REF?`: a skipped node passes `undefined` there instead of
 * skipping this node. `text` is the reference as written, without `map` or `?`.
 */
export type ArgumentModel =
  | { kind: "input" | "node"; name: string; path: (string | number)[]; text: string; optional?: true }
  | { kind: "literal"; value: JsonValue; text: string };

/** A node's `when` condition. */
export interface ConditionModel {
  /** The parsed condition; `evaluateCondition` (condition.ts) gives its truth. */
  expr: ConditionExpr;
  /** The condition in its formatted form, e.g. `order.total > 100 and not order.flagged`. */
  text: string;
  /**
   * The inputs and nodes it reads, in order without repeats. `optional` when every
   * reference to that name in the condition is written `REF?` (a skipped node then reads
   * as `undefined`, i.e. `null`); otherwise a skipped node skips this node.
   */
  references: { kind: "input" | "node"; name: string; optional: boolean }[];
}

/** What a node that calls a subgraph (`geo(address: ..., country: ...)`) calls. */
export interface SubgraphCallModel {
  /** The alias of its `use graph` statement. */
  alias: string;
  /** Absolute path of the subgraph's `.graph` file. */
  file: string;
  /** The subgraph's own model; its loops are ignored (its nodes run in the calling node's loop). */
  graph: GraphModel;
  /**
   * The subgraph's inputs the call gives, in the subgraph's input order: the node's
   * `args[i]` is the value of input `inputs[i]`. Inputs left out take their defaults.
   */
  inputs: string[];
}

export interface NodeModel {
  name: string;
  /** Zero-based line of the `node` statement. */
  line: number;
  /** Absolute path of the module that exports the function. */
  modulePath: string;
  /** The module as the `use` statement wrote it. */
  moduleSpecifier: string;
  exportName: string;
  /** The function as written in the call: `quote` or `pricing.quote`. */
  callText: string;
  function: ExportedMember;
  args: ArgumentModel[];
  options: NodeOptions;
  /** Nodes this node references (its arguments, then its condition), in order without repeats. */
  dependencies: string[];
  /**
   * The dependencies referenced at least once without `?` (in an argument or the condition):
   * when one of them is skipped, this node is skipped too.
   */
  requiredDependencies: string[];
  /** The index in `args` of the argument written `map REF`: the function runs once per element. */
  mapIndex?: number;
  /** `when CONDITION`: the node is skipped when it does not hold. */
  when?: ConditionModel;
  /** `[pin: "PATH"]`, resolved from the graph file's folder: development mode uses that file's value as the output. */
  pin?: string;
  /**
   * Set when the node calls a subgraph. Then `modulePath` is the subgraph's file,
   * `moduleSpecifier` the `use graph` path, `exportName` and `callText` the alias, and
   * `function` describes the call (one parameter per input given); none of them is a module.
   */
  subgraph?: SubgraphCallModel;
  /** Nodes that reference this node. */
  dependents: string[];
  loop: string;
  statement: NodeStatement;
}

export interface InputModel {
  name: string;
  line: number;
  hasDefault: boolean;
  default?: JsonValue;
}

export interface LoopModel {
  name: string;
  /** Its nodes in topological order. */
  nodes: string[];
  options: LoopOptions;
  /** Loops whose nodes this loop's nodes reference. */
  upstream: string[];
  /** False for the implicit loop `main` of nodes no `loop` names. */
  declared: boolean;
}

export interface GraphModel {
  name: string;
  /** Absolute path of the `.graph` file. */
  file: string;
  /**
   * `graph NAME [partitions: N]` (default 1): how many hash tags production spreads the
   * graph's queues over. A subgraph's is ignored, as are its loops.
   */
  partitions: number;
  inputs: InputModel[];
  /** In deterministic topological order, ties broken by line. */
  nodes: NodeModel[];
  nodesByName: ReadonlyMap<string, NodeModel>;
  /** Names of the output nodes: the `output` statements, else every node no node uses. */
  outputs: string[];
  /** In topological order of their dependencies. */
  loops: LoopModel[];
}

export const IMPLICIT_LOOP = "main";

/** Every node of the graph and of each subgraph it calls, however deep (each subgraph file once), with the graph it belongs to. */
export function nodesWithSubgraphs(graph: GraphModel, seen = new Set<string>()): { graph: GraphModel; node: NodeModel }[] {
  if (seen.has(graph.file)) return [];
  seen.add(graph.file);
  return graph.nodes.flatMap((node) => [{ graph, node }, ...(node.subgraph ? nodesWithSubgraphs(node.subgraph.graph, seen) : [])]);
}

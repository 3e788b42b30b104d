// The checked graph: what the runtime, the debugger and production run. Built by the
// checker only when the file has no errors.
import type { JsonValue, NodeStatement } from "./ast";
import type { ExportedMember } from "./module-exports";
import type { LoopOptions, NodeOptions } from "./options";

/** A node's argument: a reference into an input or node output, or a literal. */
export type ArgumentModel =
  | { kind: "input" | "node"; name: string; path: (string | number)[]; text: string }
  | { kind: "literal"; value: JsonValue; text: string };

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
  /** Nodes this node references, in argument order without repeats. */
  dependencies: string[];
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

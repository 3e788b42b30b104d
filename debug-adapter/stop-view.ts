// What a stop shows: the call stack (each job's stop node, then the nodes that fed it), each
// frame's scopes (Inputs, Node, Outputs) and the variables under them, and the names an
// expression can use at a frame. Ids (frames, variable references) hold until the run moves
// on (`reset`). While stepped back, all of it is as recorded at the history cursor.
import { Handles, Scope, Source, StackFrame } from "@vscode/debugadapter";
import type { DebugProtocol } from "@vscode/debugprotocol";
import { basename } from "node:path";
import type { GraphModel, NodeModel } from "../src/graph/model";
import type { ScopeName } from "../src/runtime/expression-completions";
import type { HistoryCursor } from "../src/runtime/history-cursor";
import { namedArguments } from "../src/runtime/node-arguments";
import { isSettled } from "../src/runtime/node-state";
import type { Orchestrator, StopLevel } from "../src/runtime/orchestrator";
import { nodeScopeRows } from "./node-scope";
import { outputMenuContext, type MenuVariable } from "./output-pins";
import { childrenOf, hasChildren, indexedCount, preview, typeName, type PathStep } from "./values-view";

/** A stack frame: a node of a job (the top job's, or a subgraph's), and the element when it is a map node's stepped through. */
export type Frame = StopLevel;

/** A place an edit writes to: a node output of the top job, and the path inside it. */
export interface EditTarget {
  node: string;
  path: PathStep[];
}

/** What a variablesReference stands for until the next resume. */
export type Container =
  | { kind: "inputs"; frame: Frame }
  | { kind: "node"; frame: Frame }
  | { kind: "outputs"; job: Orchestrator }
  | { kind: "value"; value: unknown; evaluateName: string; edit?: EditTarget };

export class StopView {
  private readonly handles = new Handles<Container>();
  private readonly frames = new Map<number, Frame>();

  constructor(
    private readonly job: Orchestrator,
    private readonly cursor: HistoryCursor,
    /** A zero-based line of a graph file as the client counts lines. */
    private readonly clientLine: (line: number) => number,
  ) {}

  /** The run moved on: every frame id and variable reference given so far is gone. */
  reset(): void {
    this.handles.reset();
    this.frames.clear();
  }

  /**
   * The node of each job the stop is in, innermost first (a subgraph's node above its
   * calling node); while stepped back, the history record's node.
   */
  stopFrames(): Frame[] {
    const node = this.cursor.inPast ? this.cursor.currentNode : undefined;
    return node !== undefined ? [{ job: this.job, node }] : this.job.levels.reverse();
  }

  /** The frame of this id (from the last stack trace). */
  frame(frameId: number): Frame | undefined {
    return this.frames.get(frameId);
  }

  /** The frame of this id, else the top one. */
  frameAt(frameId: number | undefined): Frame | undefined {
    return (frameId !== undefined ? this.frames.get(frameId) : undefined) ?? this.stopFrames()[0];
  }

  container(reference: number): Container | undefined {
    return this.handles.get(reference);
  }

  stackTrace(args: DebugProtocol.StackTraceArguments): DebugProtocol.StackTraceResponse["body"] {
    // Each job's stop node, then the nodes that fed it; the element only on the stop node.
    const all = this.stopFrames().flatMap((stop) => upstreamOf(stop.job, stop.node).map((name): Frame => (name === stop.node ? stop : { job: stop.job, node: name })));
    const start = args.startFrame ?? 0;
    const count = args.levels && args.levels > 0 ? args.levels : all.length;
    const stackFrames = all.slice(start, start + count).map((frame, i) => {
      const id = start + i + 1;
      this.frames.set(id, frame);
      const node = frame.job.state(frame.node).node;
      const file = frame.job.graph.file;
      return new StackFrame(id, `${frameNodeName(frame)} = ${node.callText}(…)`, new Source(basename(file), file), this.clientLine(node.line), 1);
    });
    return { stackFrames, totalFrames: all.length };
  }

  scopes(frame: Frame): Scope[] {
    return [
      new Scope("Inputs", this.handles.create({ kind: "inputs", frame }), false),
      new Scope("Node", this.handles.create({ kind: "node", frame }), false),
      new Scope("Outputs", this.handles.create({ kind: "outputs", job: frame.job }), false),
    ];
  }

  variables(container: Container, page?: { start: number; count: number }): DebugProtocol.Variable[] {
    switch (container.kind) {
      case "inputs": {
        const { node, values } = this.argumentsAt(container.frame);
        return node.args.map((arg, i) => this.variable(node.function.parameters[i]?.name ?? arg.text, values[i], arg.text));
      }
      case "node":
        return nodeScopeRows(container.frame, this.cursor.recordOf(container.frame.job, container.frame.node)).map(([name, value]) => this.variable(name, value, JSON.stringify(value ?? null)));
      case "outputs":
        // Only the top job's outputs can be edited: a subgraph's job ends with its node. Any can be pinned.
        return Object.entries(this.cursor.outputs(container.job)).map(([name, value]): MenuVariable => ({
          ...this.variable(name, value, name, container.job === this.job ? { node: name, path: [] } : undefined),
          __vscodeVariableMenuContext: outputMenuContext(container.job.state(name).node),
        }));
      case "value":
        return childrenOf(container.value, container.evaluateName, page).map((child) =>
          this.variable(child.name, child.value, child.evaluateName, container.edit ? { node: container.edit.node, path: [...container.edit.path, child.step] } : undefined),
        );
    }
  }

  /** A variable of `value`, with a reference to its children when it has any. */
  variable(name: string, value: unknown, evaluateName: string, edit?: EditTarget): DebugProtocol.Variable {
    const reference = hasChildren(value) ? this.handles.create({ kind: "value", value, evaluateName, ...(edit ? { edit } : {}) }) : 0;
    const variable: DebugProtocol.Variable = { name, value: preview(value), type: typeName(value), variablesReference: reference, evaluateName };
    const indexed = indexedCount(value);
    if (indexed !== undefined) variable.indexedVariables = indexed;
    return variable;
  }

  /** The output, and the path inside it, that the variable `name` of `container` stands for; undefined when it is not one that can be edited. */
  editTarget(container: Container | undefined, name: string): EditTarget | undefined {
    if (container?.kind === "outputs") return container.job === this.job ? { node: name, path: [] } : undefined;
    if (container?.kind !== "value" || !container.edit) return undefined;
    const child = childrenOf(container.value, "").find((c) => c.name === name);
    return child ? { node: container.edit.node, path: [...container.edit.path, child.step] } : undefined;
  }

  /** Names an expression can use at a frame (the top one by default), as one scope object. */
  scopeFor(frameId: number | undefined): Record<string, unknown> {
    return Object.fromEntries(this.scopeNames(this.frameAt(frameId)).map(({ name, value }) => [name, value]));
  }

  /** The node's parameters, its job's inputs and outputs so far, and where each comes from; a later one of the same name hides an earlier one. */
  scopeNames(frame: Frame | undefined): ScopeName[] {
    const job = frame?.job ?? this.job;
    const parameters = frame ? namedArguments(frame.job.state(frame.node).node, this.argumentsAt(frame).values) : {};
    const named = (values: Readonly<Record<string, unknown>>, kind: ScopeName["kind"]) => Object.entries(values).map(([name, value]): ScopeName => ({ name, value, kind }));
    return [...named(parameters, "parameter"), ...named(job.inputs, "input"), ...named(this.cursor.outputs(job), "output")];
  }

  /**
   * The node and its argument values: at a map element, that element's call; as recorded
   * when stepped back; else as they are now.
   */
  private argumentsAt({ job, node: name, element }: Frame): { node: NodeModel; values: unknown[] } {
    const state = job.state(name);
    if (element) return { node: state.node, values: element.args };
    const record = this.cursor.recordOf(job, name);
    if (record?.args) return { node: state.node, values: record.args };
    if (state.args && state.status !== "pending") return { node: state.node, values: state.args };
    const ready = state.node.dependencies.every((d) => isSettled(job.state(d)));
    return { node: state.node, values: ready ? job.argumentValues(state.node) : [] };
  }
}

/** A frame's node as the call stack names it: `scaled[1]` at a map element. */
export function frameNodeName(frame: Frame): string {
  return frame.element ? `${frame.node}[${frame.element.index}]` : frame.node;
}

/** The current node, then the nodes that fed it, nearest first (breadth-first). */
function upstreamOf(orchestrator: Orchestrator, node: string): string[] {
  const order = [node];
  for (let i = 0; i < order.length; i++) {
    for (const dependency of orchestrator.state(order[i]).node.dependencies) if (!order.includes(dependency)) order.push(dependency);
  }
  return order;
}

/** `name`, `name.a.b`, `name[0]`, `name["key"]` → a node output of `graph` and a path into it. */
export function parseEvaluateName(expression: string, graph: GraphModel): EditTarget | undefined {
  const match = /^\s*([A-Za-z_$][\w$]*)((?:\.[A-Za-z_$][\w$]*|\[\d+\]|\["(?:[^"\\]|\\.)*"\])*)\s*$/.exec(expression);
  if (!match || !graph.nodesByName.has(match[1])) return undefined;
  const path: PathStep[] = [];
  for (const [, property, index, quoted] of match[2].matchAll(/\.([A-Za-z_$][\w$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g)) {
    path.push({ kind: "property", key: property ?? (index !== undefined ? Number(index) : (JSON.parse(quoted) as string)) });
  }
  return { node: match[1], path };
}

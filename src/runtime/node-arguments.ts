// The argument values of a node's call, from the job's values (its inputs and the outputs
// so far) by name: a reference follows its property path, a literal is a fresh copy. And
// the values by the function's parameter names.
import type { ArgumentModel, NodeModel } from "../graph/model";
import { valueAtPath } from "./values";

/** A call's argument values by the function's parameter names: the names an expression over the call can use. */
export function namedArguments(node: NodeModel, values: readonly unknown[]): Record<string, unknown> {
  const named: Record<string, unknown> = {};
  node.function.parameters.forEach((parameter, i) => {
    if (i < values.length && /^[A-Za-z_$][\w$]*$/.test(parameter.name)) named[parameter.name] = values[i];
  });
  return named;
}

export function argumentValues(args: readonly ArgumentModel[], valueOf: (name: string) => unknown): unknown[] {
  return args.map((arg) => (arg.kind === "literal" ? structuredClone(arg.value) : valueAtPath(valueOf(arg.name), arg.path)));
}

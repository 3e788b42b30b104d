// The argument values of a node's call, from the job's values (its inputs and the outputs
// so far) by name: a reference follows its property path, a literal is a fresh copy.
import type { ArgumentModel } from "../graph/model";
import { valueAtPath } from "./values";

export function argumentValues(args: readonly ArgumentModel[], valueOf: (name: string) => unknown): unknown[] {
  return args.map((arg) => (arg.kind === "literal" ? structuredClone(arg.value) : valueAtPath(valueOf(arg.name), arg.path)));
}

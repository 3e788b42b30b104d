// The rules for a call's arguments that do not need the callee's module: `map`, and named
// arguments (subgraph calls take only named arguments, function calls only positional ones).
import type { Argument, InputStatement } from "./ast";
import { Code, error, type Diagnostic } from "./diagnostics";
import { didYouMean } from "./suggest";

/** At most one `map`, and only of a reference that is not optional. Returns the mapped argument's index. */
export function checkMapArguments(args: readonly Argument[], diagnostics: Diagnostic[]): number | undefined {
  let mapped: number | undefined;
  args.forEach((arg, i) => {
    if (arg.map === undefined) return;
    if (mapped !== undefined) {
      diagnostics.push(error(Code.TwoMapArguments, "a call maps at most one argument; this is its second 'map'", arg.map.to(arg.range)));
      return;
    }
    mapped = i;
    if (arg.kind === "literal") {
      diagnostics.push(error(Code.MapNeedsReference, "'map' takes a reference to an input or node, not a literal (write the array as an input or a node)", arg.map.to(arg.range)));
    } else if (arg.optional) {
      diagnostics.push(error(Code.MapNeedsReference, `'map' needs an array: a skipped '${arg.root.text}' has none to map, so 'map ${arg.root.text}?' is not allowed`, arg.optional));
    }
  });
  return mapped;
}

export function checkFunctionArguments(fn: string, args: readonly Argument[], diagnostics: Diagnostic[]): void {
  for (const arg of args) {
    if (arg.label === undefined) continue;
    diagnostics.push(
      error(Code.NamedArgumentToFunction, `'${fn}' is a function: its arguments are positional; named arguments ('${arg.label.text}:') are for subgraph calls`, arg.label.range),
    );
  }
}

/**
 * A subgraph call names one argument per input of the subgraph; inputs with a default may
 * be left out. Returns, for each input given, the index of its argument.
 */
export function checkSubgraphArguments(
  alias: string,
  calleeRange: Argument["range"],
  args: readonly Argument[],
  inputs: readonly InputStatement[],
  diagnostics: Diagnostic[],
): Map<string, number> {
  const given = new Map<string, number>();
  const inputNames = inputs.map((input) => input.name.text);
  args.forEach((arg, i) => {
    if (arg.label === undefined) {
      diagnostics.push(
        error(Code.PositionalArgumentToSubgraph, `'${alias}' is a graph: name each argument after an input (${inputNames.map((n) => `${n}: ...`).join(", ") || "it has no inputs"})`, arg.range),
      );
      return;
    }
    const name = arg.label.text;
    if (!inputNames.includes(name)) {
      const which = inputNames.length === 0 ? "it has no inputs" : `its inputs: ${inputNames.join(", ")}`;
      diagnostics.push(error(Code.UnknownSubgraphArgument, `graph '${alias}' has no input '${name}'${didYouMean(name, inputNames) || ` (${which})`}`, arg.label.range));
      return;
    }
    if (given.has(name)) {
      diagnostics.push(error(Code.DuplicateSubgraphArgument, `input '${name}' is given twice`, arg.label.range));
      return;
    }
    given.set(name, i);
  });
  const missing = inputs.filter((input) => input.default === undefined && !given.has(input.name.text)).map((input) => input.name.text);
  if (missing.length > 0) {
    const list = missing.map((n) => `'${n}'`).join(", ");
    diagnostics.push(error(Code.MissingSubgraphArgument, `graph '${alias}' needs ${missing.length === 1 ? "input" : "inputs"} ${list} (inputs without a default)`, calleeRange));
  }
  return given;
}

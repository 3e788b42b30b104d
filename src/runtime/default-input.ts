// Where a job's input comes from when none is given: a JSON file next to the graph, named
// after it (`orders.input.json`) or simply `input.json`. F5 on a graph file and a bare
// `stepgraph run FILE` then work on graphs whose inputs have no defaults.
import { existsSync } from "node:fs";
import { basename, dirname, join } from "node:path";

export function defaultInputFile(graphPath: string): string | undefined {
  const dir = dirname(graphPath);
  const candidates = [join(dir, `${basename(graphPath).replace(/\.graph$/, "")}.input.json`), join(dir, "input.json")];
  return candidates.find((file) => existsSync(file));
}

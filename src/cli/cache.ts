// `stepgraph cache clear NAME|FILE`: removes every cached output of one graph.
import { existsSync } from "node:fs";
import { parse } from "../graph/parser";
import { readGraphSource } from "../graph/source-file";
import { NodeCache } from "../store/node-cache";
import { CACHE_OPTIONS, CACHE_OPTIONS_USAGE, openCacheFromOptions } from "./cache-options";
import { Exit, UserError, type Command } from "./command";
import { parseArguments } from "./parse-arguments";

export const cacheCommand: Command = {
  name: "cache",
  summary: "clear the cached outputs of a graph",
  usage: `Usage: stepgraph cache clear NAME|FILE

Removes every cached node output of the graph named NAME (as in 'graph NAME'), or of the
graph in FILE.
${CACHE_OPTIONS_USAGE}`,
  async run(args) {
    const { values, positionals } = parseArguments("cache", args, CACHE_OPTIONS);
    const [action, target, ...rest] = positionals;
    if (action !== "clear") throw new UserError(`cache: the only action is 'clear' (stepgraph cache clear NAME)`);
    if (target === undefined || rest.length > 0) throw new UserError("cache clear: name one graph (its name or its .graph file)");
    const graph = graphName(target);
    const { storage, notice } = await openCacheFromOptions(values.redis);
    try {
      if (notice) process.stderr.write(`stepgraph: ${notice}\n`);
      const count = await new NodeCache(storage).clearGraph(graph);
      process.stdout.write(`cleared ${count} cached output${count === 1 ? "" : "s"} of graph '${graph}' (${storage.description})\n`);
      return Exit.ok;
    } finally {
      await storage.close();
    }
  },
};

/** A graph's name given directly, or read from its file. */
function graphName(target: string): string {
  if (!existsSync(target)) {
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(target)) return target;
    throw new UserError(`cache clear: '${target}' is neither a graph name (as in 'graph NAME') nor an existing .graph file`);
  }
  const source = readGraphSource(target);
  if (!source.ok) throw new UserError(`${target} ${source.message}`);
  const statement = parse(source.text).file.statements.find((s) => s.kind === "graph");
  if (statement?.kind !== "graph") throw new UserError(`${target} has no 'graph NAME' statement`);
  return statement.name.text;
}

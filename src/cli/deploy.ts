// `stepgraph deploy FILE`: check, bundle, sign, store and activate a version; print it
// with its loops and how many workers of each are alive.
import { deployGraph } from "../production/deploy";
import { EvictingRedisError } from "../production/redis-policy";
import { GraphLoadError } from "../runtime/graph-loader";
import { stateDir } from "./cache-options";
import { Exit, UserError, type Command } from "./command";
import { parseArguments } from "./parse-arguments";
import { deployKey, openProduction, PRODUCTION_OPTIONS, PRODUCTION_OPTIONS_USAGE, productionRedisUrl, type ProductionConnection } from "./production-options";

export const deployCommand: Command = {
  name: "deploy",
  summary: "deploy a graph to its production loops (signed with STEPGRAPH_DEPLOY_KEY)",
  usage: `Usage: stepgraph deploy FILE [--redis URL] [--json]

Checks the graph, bundles its node code, signs both with STEPGRAPH_DEPLOY_KEY, stores the
version in Redis and makes it active; running workers switch to it between jobs.

  --json                       print { graph, version, loops: [{ name, workers }] }
${PRODUCTION_OPTIONS_USAGE}

Exit status: 0 when deployed, 1 when the graph has errors, 2 on bad input.`,
  async run(args) {
    const { values, positionals } = parseArguments("deploy", args, { ...PRODUCTION_OPTIONS, json: { type: "boolean", default: false } });
    if (positionals.length !== 1) throw new UserError("deploy: name one graph file (see 'stepgraph deploy --help')");
    const key = deployKey();
    const url = productionRedisUrl(values.redis);
    let connection: ProductionConnection | undefined;
    try {
      const result = await deployGraph({
        file: positionals[0],
        stateDir: stateDir(),
        deployKey: key,
        openStore: async (graph) => {
          connection = await openProduction(graph, url);
          return connection.store;
        },
        warn: (line) => process.stderr.write(`stepgraph: warning: ${line}\n`),
      });
      if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
      else {
        process.stdout.write(`deployed ${result.graph} version ${result.version}\n`);
        for (const loop of result.loops) process.stdout.write(`  loop ${loop.name}: ${loop.workers} worker${loop.workers === 1 ? "" : "s"} alive\n`);
      }
      return Exit.ok;
    } catch (e) {
      if (e instanceof GraphLoadError) {
        process.stderr.write(`stepgraph: ${e.message}\n`);
        return e.diagnostics.length > 0 ? Exit.failed : Exit.usage;
      }
      if (e instanceof EvictingRedisError) throw new UserError(`deploy: ${e.message}`);
      throw e;
    } finally {
      connection?.close();
    }
  },
};

// `stepgraph graphs`: the graphs deployed to the Redis (those with an active-version
// pointer) and their active versions. Reads only.
import { QueueManager } from "../production/queue-manager";
import { VersionRefusedError } from "../production/signed-version";
import { QueueStore } from "../store/queue-store";
import { redactRedisUrl } from "../store/redis-url";
import { Exit, UserError, type Command } from "./command";
import { parseArguments } from "./parse-arguments";
import { PRODUCTION_OPTIONS, PRODUCTION_OPTIONS_USAGE, productionRedisUrl, unavailableAsUserError } from "./production-options";

interface DeployedGraph {
  graph: string;
  activeVersion: number;
}

export const graphsCommand: Command = {
  name: "graphs",
  summary: "list the graphs deployed to the Redis and their active versions",
  usage: `Usage: stepgraph graphs [--json]

  --json                       print [{ graph, activeVersion }, ...], sorted by name
${PRODUCTION_OPTIONS_USAGE}

A graph whose active-version pointer is not a signed pointer is left out, with a line on stderr.
Exit status: 0 (also when no graph is deployed), 2 on bad input or when Redis does not answer.`,
  async run(args) {
    const { values, positionals } = parseArguments("graphs", args, { ...PRODUCTION_OPTIONS, json: { type: "boolean", default: false } });
    if (positionals.length > 0) throw new UserError(`graphs: unexpected '${positionals[0]}' (it lists every graph; 'stepgraph status NAME' shows one)`);
    const url = productionRedisUrl(values.redis);
    const deployments = await unavailableAsUserError(QueueStore.openDeployments(url));
    try {
      const versions = await Promise.all((await deployments.graphs()).map((graph) => activeVersion(new QueueManager(deployments.store(graph)))));
      const graphs = versions.filter((deployed): deployed is DeployedGraph => deployed !== undefined);
      if (values.json) process.stdout.write(`${JSON.stringify(graphs)}\n`);
      else if (graphs.length === 0) process.stdout.write(`no graph is deployed to ${redactRedisUrl(url)}\n`);
      else {
        const width = Math.max(...graphs.map((g) => g.graph.length));
        for (const g of graphs) process.stdout.write(`${g.graph.padEnd(width)}  version ${g.activeVersion}\n`);
      }
      return Exit.ok;
    } finally {
      deployments.close();
    }
  },
};

/** The graph's active version; undefined when it has none (any more), or a pointer that is refused (said on stderr). */
async function activeVersion(manager: QueueManager): Promise<DeployedGraph | undefined> {
  try {
    const version = await manager.activeVersion();
    return version === undefined ? undefined : { graph: manager.graphName, activeVersion: version };
  } catch (e) {
    if (!(e instanceof VersionRefusedError)) throw e;
    process.stderr.write(`stepgraph: ${e.message} (left out)\n`);
    return undefined;
  }
}

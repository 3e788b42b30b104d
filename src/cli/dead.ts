// `stepgraph dead NAME [list | retry ID | drop ID]`: the graph's dead-letter list.
import { Exit, UserError, type Command } from "./command";
import { parseArguments } from "./parse-arguments";
import { checkGraphName, openProduction, refusalsAsUserErrors, PRODUCTION_OPTIONS, PRODUCTION_OPTIONS_USAGE, productionRedisUrl } from "./production-options";

export const deadCommand: Command = {
  name: "dead",
  summary: "list, retry or drop a deployed graph's dead jobs",
  usage: `Usage: stepgraph dead NAME [list | retry ID | drop ID] [--json]

  list                         every dead job: loop, node, attempts, error (the default)
  retry ID                     put the job back on the loop it died in, with fresh attempts, on the active version
  drop ID                      forget the job (it stays counted as dead)
  --json                       list: a JSON array of the dead-letter records (with the stack and the job's state)
${PRODUCTION_OPTIONS_USAGE}

Exit status: 0 when done, 1 when there is no such dead job, 2 on bad input.`,
  async run(args) {
    const { values, positionals } = parseArguments("dead", args, { ...PRODUCTION_OPTIONS, json: { type: "boolean", default: false } });
    const [name, action = "list", id, ...extra] = positionals;
    const graph = checkGraphName(name, "dead");
    if (!["list", "retry", "drop"].includes(action)) throw new UserError(`dead: the action is list, retry ID or drop ID, not '${action}'`);
    if (action !== "list" && id === undefined) throw new UserError(`dead: ${action} needs the job's ID (see 'stepgraph dead ${graph} list')`);
    if (extra.length > 0 || (action === "list" && id !== undefined)) throw new UserError(`dead: unexpected '${action === "list" ? id : extra[0]}'`);
    const connection = await openProduction(graph, productionRedisUrl(values.redis));
    try {
      const { manager } = connection;
      if (action === "list") {
        const records = await manager.deadJobs();
        if (values.json) process.stdout.write(`${JSON.stringify(records)}\n`);
        else if (records.length === 0) process.stdout.write(`no dead jobs in ${graph}\n`);
        else for (const r of records) process.stdout.write(`${r.id}  ${r.loop}/${r.node || "-"}  ${r.attempts} attempt${r.attempts === 1 ? "" : "s"}  ${new Date(r.diedAt).toISOString()}  ${r.error}\n`);
        return Exit.ok;
      }
      const noSuchJob = () => {
        process.stderr.write(`stepgraph: no dead job '${id}' in ${graph} (see 'stepgraph dead ${graph} list')\n`);
        return Exit.failed;
      };
      if (action === "drop") {
        if (!(await manager.dropDead(id))) return noSuchJob();
        process.stdout.write(`job ${id} dropped\n`);
        return Exit.ok;
      }
      const retried = await refusalsAsUserErrors(manager.retryDead(id));
      if (retried.kind === "missing") return noSuchJob();
      if (retried.kind === "no-loop") {
        process.stderr.write(`stepgraph: job ${id} died in loop '${retried.loop}', which the active version ${retried.version} does not have: deploy a version with that loop, or drop the job\n`);
        return Exit.failed;
      }
      const loops = retried.loops.length === 1 ? `loop ${retried.loops[0]}` : `loops ${retried.loops.join(", ")}`;
      process.stdout.write(`job ${id} is back in its queue (${loops}, on version ${retried.version}, the active one)\n`);
      return Exit.ok;
    } finally {
      connection.close();
    }
  },
};

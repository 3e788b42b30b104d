// `stepgraph submit NAME`: enqueues jobs on the active version; with --wait, prints each
// job's outcome as it finishes (--json: one line per job `{ id, status, result | error }`).
import { inspect } from "node:util";
import { JobInputError, resolveJobInput } from "../runtime/job-input";
import { UnserializableValueError } from "../runtime/values";
import type { JobOutcome } from "../production/queue-manager";
import { Exit, UserError, type Command } from "./command";
import { JOB_INPUT_OPTIONS, readJobPayload } from "./job-input-options";
import { parseArguments } from "./parse-arguments";
import { checkGraphName, openProduction, positiveInteger, PRODUCTION_OPTIONS, PRODUCTION_OPTIONS_USAGE, productionRedisUrl, refusalsAsUserErrors, secondsOption } from "./production-options";

export const submitCommand: Command = {
  name: "submit",
  summary: "submit jobs to a deployed graph (and wait for their results)",
  usage: `Usage: stepgraph submit NAME [--input JSON | --input-file F] [--count N] [--wait [--timeout SECONDS]] [--json]

  --input JSON                 the job's payload: an object with the graph's inputs
  --input-file F               the payload from a JSON file
  --count N                    submit N jobs with that payload (default 1)
  --wait                       wait for every job and print each outcome as it finishes
  --timeout SECONDS            with --wait: give up after this long (default: wait as long as it takes)
  --json                       one line per job: { "id", "status": "done" | "dead", "result" | "error" }
                               (without --wait: { "id", "status": "submitted" })
${PRODUCTION_OPTIONS_USAGE}

Exit status: 0 when submitted (with --wait: every job done), 1 when a job is dead or
still pending at the timeout, 2 on bad input.`,
  async run(args) {
    const { values, positionals } = parseArguments("submit", args, {
      ...JOB_INPUT_OPTIONS,
      ...PRODUCTION_OPTIONS,
      count: { type: "string" },
      wait: { type: "boolean", default: false },
      timeout: { type: "string" },
      json: { type: "boolean", default: false },
    });
    if (positionals.length > 1) throw new UserError(`submit: name one graph, not ${positionals.length} (see 'stepgraph submit --help')`);
    const graph = checkGraphName(positionals[0], "submit");
    const count = positiveInteger(values.count, "count", 1);
    const timeoutMs = secondsOption(values.timeout, "timeout", Number.POSITIVE_INFINITY);
    const payload = readJobPayload(values);
    const url = productionRedisUrl(values.redis);

    const connection = await openProduction(graph, url);
    try {
      const { manager } = connection;
      const manifest = await refusalsAsUserErrors(manager.activeManifest());
      if (manifest === undefined) throw new UserError(`submit: graph '${graph}' has no deployed version (run 'stepgraph deploy FILE' first)`);
      let inputs: Record<string, unknown>;
      try {
        inputs = resolveJobInput(manifest.graph, payload);
      } catch (e) {
        if (e instanceof JobInputError || e instanceof UnserializableValueError) throw new UserError(`submit: ${e.message}`);
        throw e;
      }
      const batch = values.wait ? manager.newBatch() : undefined;
      const ids = await manager.submit(manifest, Array.from({ length: count }, () => inputs), batch);
      if (!values.wait || batch === undefined) {
        if (values.json) process.stdout.write(ids.map((id) => `${JSON.stringify({ id, status: "submitted" })}\n`).join(""));
        else process.stdout.write(`submitted ${count} job${count === 1 ? "" : "s"} to ${graph} version ${manifest.version}: ${describeIds(ids)}\n`);
        return Exit.ok;
      }
      let dead = 0;
      const pending = await manager.waitForBatch(
        batch,
        ids,
        (outcome) => {
          if (outcome.status === "dead") dead++;
          process.stdout.write(values.json ? `${JSON.stringify(outcome)}\n` : `${describeOutcome(outcome)}\n`);
        },
        { timeoutMs },
      );
      if (pending.length > 0) process.stderr.write(`stepgraph: ${pending.length} job${pending.length === 1 ? "" : "s"} still pending after ${timeoutMs / 1000} s: ${describeIds(pending)}\n`);
      return dead > 0 || pending.length > 0 ? Exit.failed : Exit.ok;
    } finally {
      connection.close();
    }
  },
};

function describeIds(ids: readonly string[]): string {
  return ids.length <= 5 ? ids.join(", ") : `${ids[0]} to ${ids[ids.length - 1]}`;
}

function describeOutcome(outcome: JobOutcome): string {
  if (outcome.status === "done") return `job ${outcome.id} done: ${inspect(outcome.result, { depth: 6, breakLength: Infinity })}`;
  if (outcome.status === "dead") return `job ${outcome.id} dead: node '${outcome.error.node}' in loop '${outcome.error.loop}' failed after ${outcome.error.attempts} attempt${outcome.error.attempts === 1 ? "" : "s"}: ${outcome.error.message}`;
  return `job ${outcome.id} pending`;
}

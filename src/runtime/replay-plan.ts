// A replay's run of the local graph (docs/debugging.md, "Replaying a production job"): what
// production recorded of a job, matched to the local graph's inputs and nodes. A node with
// a recorded output takes it and does not run; the others run with the local code, but for
// those that need a value production did not record (an input the job did not carry into
// the loop it died in, a finished job's input, given neither in the input nor by a default):
// those cannot run here. Each failure stands for a local node, before which the debugger stops.
import type { GraphModel, NodeModel } from "../graph/model";
import { JobInputError } from "./job-input";
import type { RecordedFailure, RecordedJob } from "./recorded-job";
import { decodeValue } from "./values";

export interface ReplayPlan {
  job: RecordedJob;
  /** The job's inputs: those production recorded, then those given for the others, then the defaults of the rest. */
  inputs: Record<string, unknown>;
  /** The inputs production did not record nor the input gave, taken from their defaults (production's may have differed). */
  defaulted: string[];
  /** Production's outputs of the local graph's nodes, decoded, in the graph's order. */
  recorded: ReadonlyMap<string, unknown>;
  /** Why each node that cannot run here cannot: a value it needs is not recorded, nor given. In the graph's order. */
  outOfReach: ReadonlyMap<string, string>;
  /** The local node each failure of production stands for, with the failure. */
  failed: ReadonlyMap<string, RecordedFailure>;
  /** Local nodes whose outputs production left out of the dead-letter record (its size limit): they run here. */
  leftOut: string[];
  /** What of production's record the local graph cannot take, one line each. */
  notes: string[];
}

/** The replay of `job` on `graph`; `given` (the launch's or the command line's input) fills inputs production did not record. */
export function replayPlan(graph: GraphModel, job: RecordedJob, given: unknown = {}): ReplayPlan {
  const givenInputs = checkedGiven(graph, given);
  const inputNames = new Set(graph.inputs.map((i) => i.name));
  const notes: string[] = [];
  const inputs: Record<string, unknown> = {};
  const decoded = new Map<string, unknown>();
  const unknown: string[] = [];
  const unreadable: string[] = [];
  for (const [name, encoded] of Object.entries(job.values)) {
    const local = inputNames.has(name) || graph.nodesByName.has(name);
    if (!local) {
      // A subgraph call's inner values (`C/x`) and a map's elements (`N#3`): the local node runs whole.
      if (!graph.nodesByName.has(name.split(/[/#]/)[0])) unknown.push(name);
      continue;
    }
    try {
      decoded.set(name, decodeValue(encoded));
    } catch {
      unreadable.push(name);
    }
  }
  const defaulted: string[] = [];
  for (const input of graph.inputs) {
    if (decoded.has(input.name)) inputs[input.name] = decoded.get(input.name);
    else if (Object.hasOwn(givenInputs, input.name)) inputs[input.name] = givenInputs[input.name];
    else if (input.hasDefault) {
      inputs[input.name] = structuredClone(input.default);
      defaulted.push(input.name);
    }
  }
  const recorded = new Map(graph.nodes.flatMap((node) => (decoded.has(node.name) ? [[node.name, decoded.get(node.name)] as const] : [])));
  if (unknown.length > 0) notes.push(`production recorded values the local graph has no input or node for: ${unknown.join(", ")}`);
  for (const name of unreadable) notes.push(`the value production recorded for '${name}' cannot be read here (${inputNames.has(name) ? "nodes that need it cannot run" : "it runs here instead"})`);

  const failed = new Map<string, RecordedFailure>();
  for (const failure of job.failures) {
    const node = failedNode(graph, failure, recorded);
    if (node === undefined) notes.push(failure.node === "" ? `the job died in loop '${failure.loop}', which has no node left to run in the local graph` : `node '${failure.node}' (loop '${failure.loop}') failed in production, and the local graph has no such node`);
    else if (!failed.has(node.name)) failed.set(node.name, failure);
  }
  return {
    job,
    inputs,
    defaulted,
    recorded,
    outOfReach: outOfReachNodes(graph, job, new Set(Object.keys(inputs)), recorded),
    failed,
    leftOut: job.leftOut.filter((name) => graph.nodesByName.has(name)),
    notes,
  };
}

/** The local node a failure stands for: the one named (a subgraph call's, for a node inside it); for a job whose worker died, the loop's first node without a recorded output. */
function failedNode(graph: GraphModel, failure: RecordedFailure, recorded: ReadonlyMap<string, unknown>): NodeModel | undefined {
  if (failure.node === "") return graph.nodes.find((node) => node.loop === failure.loop && !recorded.has(node.name));
  return graph.nodesByName.get(failure.node) ?? graph.nodesByName.get(failure.node.split("/")[0]);
}

/** Each node that needs an input nobody has, or a node that cannot run: by node, why. */
function outOfReachNodes(graph: GraphModel, job: RecordedJob, inputs: ReadonlySet<string>, recorded: ReadonlyMap<string, unknown>): Map<string, string> {
  const out = new Map<string, string>();
  for (const node of graph.nodes) {
    if (recorded.has(node.name)) continue;
    const reads = [...node.args.flatMap((arg) => (arg.kind === "input" ? [arg.name] : [])), ...(node.when?.references.flatMap((r) => (r.kind === "input" ? [r.name] : [])) ?? [])];
    const input = reads.find((name) => !inputs.has(name));
    if (input !== undefined) {
      out.set(node.name, `needs input '${input}', which production did not record for job ${job.id}`);
      continue;
    }
    const dependency = node.dependencies.find((name) => out.has(name));
    if (dependency !== undefined) out.set(node.name, `needs '${dependency}', which cannot run here`);
  }
  return out;
}

/** The given input: an object of the graph's inputs (none required: production's record has the rest). */
function checkedGiven(graph: GraphModel, given: unknown): Record<string, unknown> {
  if (typeof given !== "object" || given === null || Array.isArray(given)) throw new JobInputError("the input of a replay must be a JSON object with some of the graph's inputs (production's record has the others)");
  const declared = new Set(graph.inputs.map((i) => i.name));
  const unknown = Object.keys(given).filter((name) => !declared.has(name));
  if (unknown.length > 0) throw new JobInputError(`the input has ${unknown.length === 1 ? "a field" : "fields"} the graph does not declare: ${unknown.join(", ")}`);
  return given as Record<string, unknown>;
}

// The context that Stepgraph passes to every node function as its last argument, after
// the arguments written in the graph. The stepgraph package does not export this type
// yet, so the example declares it once here. It is a type only: nothing here runs.
//
// A node function that needs the context declares it as its LAST parameter, after one
// parameter per argument in the graph call:
//
//   node language = lang.detectLanguage(tokens)                 // one argument in the graph...
//   export function detectLanguage(tokens: string[], ctx: NodeContext) // ...then ctx
//
// A function that does not need it simply leaves it out.

/** What a running node knows about itself and its job. */
export interface NodeContext {
  /** The graph's name, from its `graph NAME` statement. */
  graph: string;
  /** The node's name, from its `node NAME = ...` statement. */
  node: string;
  /** The job this call belongs to. */
  jobId: string;
  /** Which attempt this is; it grows when a node with `retry:` is tried again. */
  attempt: number;
  /** `"prod"` in a production worker, `"dev"` otherwise (a run or a debug session). */
  mode: "dev" | "prod";
  /** Aborted when the node's `timeout:` expires or the job is cancelled: stop work then. */
  signal: AbortSignal;
  /** Writes to the job's log, like console.log but kept with the job and the node. */
  log(...args: unknown[]): void;
}

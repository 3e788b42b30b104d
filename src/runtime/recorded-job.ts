// What production recorded of one job, as a replay in development mode takes it: plain
// data, read from production's Redis by the production room (recorded-job-reader.ts) and
// turned into a run of the local graph by replay-plan.ts.

export interface RecordedJob {
  id: string;
  /** How the job ended in production. */
  status: "dead" | "done";
  /**
   * Encoded values by the names production's nodes use: the graph's inputs and node outputs
   * the job carried into the loop it died in, what that loop computed before, and the parts
   * of its result; an inlined subgraph's nodes as `CALL/NODE`.
   */
  values: Record<string, string>;
  /** Nodes whose outputs production computed but left out of the dead-letter record (its size limit). */
  leftOut: string[];
  /** That size limit, in bytes, for saying why. */
  recordLimitBytes: number;
  /** For a dead job: each loop it died in (a job dies in two parallel loops at most once each). */
  failures: RecordedFailure[];
}

export interface RecordedFailure {
  loop: string;
  /** The node that failed, as production names it; "" when its worker died running the loop, or refused the job's version. */
  node: string;
  /** For a map node: the element that failed. */
  element?: number;
  attempts: number;
  error: string;
  /** Mapped to the TypeScript source, as production logs it. */
  stack?: string;
  /** The version the job ran on. */
  version: number;
  diedAt: number;
}

// Stepping back: a cursor over the job's history (its finished nodes, in the order they
// finished). While the cursor is set, nothing runs: what a stop shows is the node recorded
// at the cursor, with the arguments, output and outputs-so-far of that moment. Only the top
// job's history is travelled (a subgraph's job ends with its node).
import type { Orchestrator } from "./orchestrator";
import { isDone, type NodeRecord } from "./node-state";

export class HistoryCursor {
  /** The history record shown as the current step; undefined in the present. */
  private at: number | undefined;

  constructor(private readonly job: Orchestrator) {}

  get inPast(): boolean {
    return this.at !== undefined;
  }

  /** Back to the present (a resume, a re-run). */
  toPresent(): void {
    this.at = undefined;
  }

  /** One record back; false when the cursor is at the first (nothing moved). */
  back(): boolean {
    const at = this.at ?? this.job.history.length;
    if (at === 0) return false;
    this.at = at - 1;
    return true;
  }

  /** One record forward, into the present after the last. */
  forward(): void {
    if (this.at !== undefined) this.moveTo(this.at + 1);
  }

  /** Back to the latest earlier record of a node in `nodes` (a reverse continue), else to the first record. */
  backTo(nodes: ReadonlySet<string>): void {
    const history = this.job.history;
    let at = (this.at ?? history.length) - 1;
    while (at > 0 && !nodes.has(history[at].name)) at--;
    this.moveTo(Math.max(at, 0));
  }

  /** The node shown on top: the record at the cursor, or where the run is stopped. */
  get currentNode(): string | undefined {
    return this.at === undefined ? this.job.current : this.job.history[this.at].name;
  }

  /** The latest record of `node` up to the cursor; undefined in the present, or for another job. */
  recordOf(job: Orchestrator, node: string): NodeRecord | undefined {
    if (this.at === undefined || job !== this.job) return undefined;
    const history = this.job.history;
    for (let i = this.at; i >= 0; i--) if (history[i].name === node) return history[i];
    return undefined;
  }

  /** Every finished node's output of a job, as of the cursor for the top job. */
  outputs(job: Orchestrator): Record<string, unknown> {
    if (this.at === undefined || job !== this.job) {
      const inputs = new Set(job.graph.inputs.map((i) => i.name));
      return Object.fromEntries(Object.entries(job.values()).filter(([name]) => !inputs.has(name)));
    }
    const outputs: Record<string, unknown> = {};
    for (const record of this.job.history.slice(0, this.at + 1)) if (isDone(record)) outputs[record.name] = record.value;
    return outputs;
  }

  private moveTo(at: number): void {
    this.at = at >= this.job.history.length ? undefined : at;
  }
}

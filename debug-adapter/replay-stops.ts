// A replay's stops: before each node that failed in production, once (the stop condition
// asks `stopsBefore`), reported as an exception stop whose exceptionInfo is production's
// error, until the run resumes. Translation only: the plan says which nodes and why.
import type { DebugProtocol } from "@vscode/debugprotocol";
import type { GraphModel, NodeModel } from "../src/graph/model";
import type { Orchestrator, StopReason } from "../src/runtime/orchestrator";
import type { RecordedFailure } from "../src/runtime/recorded-job";
import type { ReplayPlan } from "../src/runtime/replay-plan";

/** A stop before a node that failed in production: the stopped event's description and the exceptionInfo body. */
export interface ProductionStop {
  failure: RecordedFailure;
  description: string;
  exceptionInfo: Omit<DebugProtocol.ExceptionInfoResponse["body"], "breakMode">;
}

export class ReplayStops {
  /** The nodes not yet stopped before. */
  private readonly pending: Set<string>;
  /** The node the stop condition last said to stop before, until the stop is reported. */
  private asked: string | undefined;
  /** The node the run is stopped before as production's failure, until it resumes. */
  private current: string | undefined;

  constructor(
    private readonly plan: ReplayPlan,
    private readonly orchestrator: Orchestrator,
  ) {
    this.pending = new Set(plan.failed.keys());
  }

  /** The stop condition's part: stop before this node of the replayed graph (once)? */
  stopsBefore(node: NodeModel, graph: GraphModel): boolean {
    if (graph !== this.orchestrator.graph || !this.pending.has(node.name)) return false;
    this.pending.delete(node.name);
    this.asked = node.name;
    return true;
  }

  /** The run stopped before `node` for `reason`: production's stop, when it is the one asked for. */
  stoppedBefore(node: string, reason: StopReason | "restart"): ProductionStop | undefined {
    const asked = this.asked;
    this.asked = undefined;
    if (asked === undefined) return undefined;
    if (reason === "breakpoint" && asked === node) {
      this.current = node;
      return this.stopOf(node);
    }
    // The run stopped elsewhere first (a node beside it failed): it stops before this one when it gets there.
    this.pending.add(asked);
    return undefined;
  }

  /** Production's stop the run is at, if it is at `node`'s. */
  shown(node: string): ProductionStop | undefined {
    return this.current === node ? this.stopOf(node) : undefined;
  }

  resumed(): void {
    this.current = undefined;
  }

  private stopOf(node: string): ProductionStop {
    const failure = this.plan.failed.get(node) as RecordedFailure;
    const attempts = `${failure.attempts} attempt${failure.attempts === 1 ? "" : "s"}`;
    const where = `job ${this.plan.job.id}, loop ${failure.loop}, after ${attempts}`;
    const named = failure.node !== "";
    const exceptionId = (failure.stack === undefined ? undefined : /^([A-Za-z_$][\w$]*):/.exec(failure.stack)?.[1]) ?? "Error";
    return {
      failure,
      description: named ? `node '${node}' failed in production` : `the job died in production in loop '${failure.loop}': stopped before '${node}', its first node`,
      exceptionInfo: {
        exceptionId,
        description: named
          ? `node '${node}' failed in production (${where}): ${failure.error}`
          : `the job died in production (${where}): ${failure.error}; which node of the loop was running is not known, '${node}' is its first`,
        details: { message: failure.error, typeName: exceptionId, ...(failure.stack === undefined ? {} : { stackTrace: failure.stack }), evaluateName: node },
      },
    };
  }
}

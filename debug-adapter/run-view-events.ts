// The DAP custom event `stepgraphRunView` (body: the job's RunView), for the editor's graph
// view: sent whenever the view changes (a node starts or finishes, a map's element
// finishes, a stop, an edit). Changes go out at most once per BURST_MS, the view built
// when it is sent, so the last state is never lost; only the job's end is sent at once, to
// come before `terminated`. Sending the view of a 200-node graph at every step made
// stepping over cached nodes twice as slow (bench/dap.bench.ts); a user holding F10 now
// sees one view every BURST_MS, and the view of the stop they let go at.
// The custom request `stepgraphRunView` (no arguments) is answered with the view as it is
// now, for a graph view opened after the events it would have needed.
import { Event } from "@vscode/debugadapter";
import type { DebugProtocol } from "@vscode/debugprotocol";
import type { Orchestrator } from "../src/runtime/orchestrator";
import { RUN_VIEW_EVENT, runView, type RunView } from "../src/runtime/run-view";

/** Why a `stepgraphRunView` request before the launch has no answer. */
export const NO_RUN_VIEW = "no graph has been launched in this session yet: its node states come once it is";

/** Shorter than the eye can follow; many steps' worth of changes when stepping over cached nodes. */
const BURST_MS = 30;

export class RunViewEvents {
  private scheduled: NodeJS.Timeout | undefined;
  private lastSent: string | undefined;
  /** The view changed: it goes out within BURST_MS. */
  readonly changed = (): void => {
    this.scheduled ??= setTimeout(this.now, BURST_MS);
  };

  /** `current`: the node the adapter shows as current (while stepped back, a past one). */
  constructor(
    private readonly orchestrator: Orchestrator,
    private readonly current: () => string | undefined,
    private readonly send: (event: DebugProtocol.Event) => void,
  ) {
    orchestrator.on("nodeStarted", this.changed);
    orchestrator.on("nodeFinished", this.changed);
    orchestrator.on("elementFinished", this.changed);
    // Listening before the adapter does, so that the last view goes out before `terminated`.
    orchestrator.on("finished", this.now);
  }

  /** The `stepgraphRunView` request's response: the view now, whatever was sent before. */
  answer(response: DebugProtocol.Response): DebugProtocol.Response {
    response.body = this.view();
    return response;
  }

  /** The view now, its current node the adapter's. */
  private view(): RunView {
    const view = runView(this.orchestrator);
    const current = this.current();
    if (current === undefined) delete view.current;
    else view.current = current;
    return view;
  }

  /** Sends the view now if it differs from the last one sent. */
  private readonly now = (): void => {
    if (this.scheduled) clearTimeout(this.scheduled);
    this.scheduled = undefined;
    const view = this.view();
    const text = JSON.stringify(view);
    if (text === this.lastSent) return;
    this.lastSent = text;
    this.send(new Event(RUN_VIEW_EVENT, view));
  };

  dispose(): void {
    if (this.scheduled) clearTimeout(this.scheduled);
    this.scheduled = undefined;
    this.orchestrator.off("nodeStarted", this.changed);
    this.orchestrator.off("nodeFinished", this.changed);
    this.orchestrator.off("elementFinished", this.changed);
    this.orchestrator.off("finished", this.now);
  }
}

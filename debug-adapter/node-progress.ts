// DAP progress events for long nodes, sent only to a client that announced
// `supportsProgressReporting`. A node whose calls run longer than SHOW_AFTER_MS gets
// `progressStart`; then `progressUpdate`s (a map node: elements done of all, as each
// finishes; any other node: how long it has run, every second); and `progressEnd` when
// its calls end. A stop ends every progress (nothing runs for the user while stopped);
// resumed() counts afresh for the nodes still running (paused at a running node, stopped
// inside a subgraph node). The progress of a node the Orchestrator can cancel is
// cancellable: the `cancel` request names it by its progressId.
import { ProgressEndEvent, ProgressStartEvent, ProgressUpdateEvent } from "@vscode/debugadapter";
import type { DebugProtocol } from "@vscode/debugprotocol";
import type { Orchestrator } from "../src/runtime/orchestrator";

/** How long a node runs before its progress shows. */
export const SHOW_AFTER_MS = 1000;

const TICK_MS = 1000;

interface Tracked {
  since: number;
  /** Until the progress shows: its start; then, for a node that is not a map, the ticks. */
  timer: NodeJS.Timeout;
  progressId?: string;
}

export class NodeProgress {
  private readonly tracked = new Map<string, Tracked>();
  private nextId = 1;

  constructor(
    private readonly orchestrator: Orchestrator,
    private readonly send: (event: DebugProtocol.Event) => void,
  ) {
    orchestrator.on("callsStarted", this.started);
    orchestrator.on("elementFinished", this.elementFinished);
    orchestrator.on("callsEnded", this.ended);
    orchestrator.on("stopped", this.stopped);
  }

  /** Before a resume: the nodes still running are counted from now. */
  resumed(): void {
    for (const node of this.orchestrator.calling) this.started({ node });
  }

  /** Cancels the node of this progress; false when it is not one of ours, or cannot be cancelled now. */
  cancel(progressId: string): boolean {
    const node = [...this.tracked].find(([, tracked]) => tracked.progressId === progressId)?.[0];
    return node !== undefined && this.orchestrator.cancel(node);
  }

  /** The session ends: a progress shown ends with it. */
  dispose(): void {
    this.stopped();
    this.orchestrator.off("callsStarted", this.started);
    this.orchestrator.off("elementFinished", this.elementFinished);
    this.orchestrator.off("callsEnded", this.ended);
    this.orchestrator.off("stopped", this.stopped);
  }

  private readonly started = ({ node }: { node: string }): void => {
    if (this.tracked.has(node)) return;
    this.tracked.set(node, { since: performance.now(), timer: setTimeout(() => this.show(node), SHOW_AFTER_MS) });
  };

  private show(node: string): void {
    const tracked = this.tracked.get(node);
    if (!tracked) return;
    const progressId = `stepgraph-node-${this.nextId++}`;
    tracked.progressId = progressId;
    const event = new ProgressStartEvent(progressId, `node '${node}'`) as DebugProtocol.ProgressStartEvent;
    Object.assign(event.body, this.now(node, tracked), { cancellable: this.orchestrator.canCancel(node) });
    this.send(event);
    if (this.orchestrator.state(node).elements) return;
    tracked.timer = setInterval(() => this.update(node), TICK_MS);
  }

  private readonly elementFinished = ({ node }: { node: string }): void => {
    if (this.tracked.get(node)?.progressId !== undefined) this.update(node);
  };

  private update(node: string): void {
    const tracked = this.tracked.get(node);
    if (tracked?.progressId === undefined) return;
    const event = new ProgressUpdateEvent(tracked.progressId) as DebugProtocol.ProgressUpdateEvent;
    Object.assign(event.body, this.now(node, tracked));
    this.send(event);
  }

  /** A map node's elements done of all; else how long the node has run. */
  private now(node: string, tracked: Tracked): { message: string; percentage?: number } {
    const elements = this.orchestrator.state(node).elements;
    if (elements) return { message: `${elements.finished} of ${elements.count} elements`, percentage: elements.count === 0 ? 100 : (elements.finished / elements.count) * 100 };
    return { message: `running for ${Math.round((performance.now() - tracked.since) / 1000)} s` };
  }

  private readonly ended = ({ node }: { node: string }): void => {
    const tracked = this.tracked.get(node);
    if (!tracked) return;
    this.tracked.delete(node);
    this.end(tracked);
  };

  private readonly stopped = (): void => {
    for (const tracked of this.tracked.values()) this.end(tracked);
    this.tracked.clear();
  };

  private end(tracked: Tracked): void {
    clearTimeout(tracked.timer);
    if (tracked.progressId !== undefined) this.send(new ProgressEndEvent(tracked.progressId));
  }
}

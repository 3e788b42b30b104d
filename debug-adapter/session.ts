// The DAP session: translates between the Debug Adapter Protocol and the Orchestrator.
// Every graph node is a step (and each element of a map node stepped through); the job has
// one thread; the call stack is the current node and, below it, the nodes that fed it, and
// inside a subgraph, those of the subgraph above those of its caller. Nothing here runs
// node code or knows Redis. A replay (launch attribute `replay`) stops before the node that
// failed in production, and shows production's error for it (replay-stop.ts).
import {
  Breakpoint,
  Handles,
  InitializedEvent,
  InvalidatedEvent,
  LoggingDebugSession,
  OutputEvent,
  Scope,
  Source,
  StackFrame,
  StoppedEvent,
  TerminatedEvent,
  Thread,
} from "@vscode/debugadapter";
import type { DebugProtocol } from "@vscode/debugprotocol";
import { basename, dirname, join } from "node:path";
import { inspect } from "node:util";
import type { GraphModel, NodeModel } from "../src/graph/model";
import { defaultInputFile } from "../src/runtime/default-input";
import { openDevSession, type DevSession } from "../src/runtime/dev-session";
import { readRecordedJob, replayCacheProblem } from "../src/production/recorded-job-reader";
import { outOfReachLine, replayHeadline, replayLines } from "../src/runtime/replay-text";
import { DEFAULT_LOCAL_REDIS_URL, invalidRedisUrlReason } from "../src/store/redis-url";
import { JobInputError, readJobInputFile } from "../src/runtime/job-input";
import { completionsAt, type ScopeName } from "../src/runtime/expression-completions";
import { ExpressionEvaluator } from "../src/runtime/expression-evaluator";
import { isDone, isSettled, type NodeRecord } from "../src/runtime/node-state";
import type { Orchestrator, StopLevel, StopReason } from "../src/runtime/orchestrator";
import { PinValueError, pinText } from "../src/runtime/pin-file";
import { RUN_VIEW_REQUEST } from "../src/runtime/run-view";
import { parseRedisChoice } from "../src/store/open-cache-storage";
import { hitConditionHolds, interpolateLogMessage, nodeLinesOf, normalizePath, placeBreakpoint } from "./breakpoints";
import { COMPLETION_TRIGGERS, completionTargets, textBeforeCursor } from "./console-completions";
import { gotoTargetNode, gotoTargetsAt } from "./goto-targets";
import { checkLaunchArguments, LaunchArgumentError, type LaunchArguments } from "./launch-arguments";
import { checkedPinTextArguments, outputMenuContext, PIN_TEXT_REQUEST, PIN_TEXT_USAGE, type MenuVariable, type PinTextBody } from "./output-pins";
import { NodeProgress } from "./node-progress";
import { ReplayStops } from "./replay-stops";
import { ATTACH_TIMEOUT_MS, noChildSessionsLine, nodeHostAttach } from "./node-debugging";
import { NO_RUN_VIEW, RunViewEvents } from "./run-view-events";
import { TOKEN_REFUSAL, tokenMatches } from "./server-token";
import { childrenOf, hasChildren, indexedCount, preview, replaceAt, typeName, type PathStep } from "./values-view";
import { ErrorCode, type ErrorCodeNumber } from "./error-codes";

const THREAD_ID = 1;
const NODE_ERRORS_FILTER = "nodeErrors";

interface BreakpointSpec {
  id: number;
  node: string;
  condition?: string;
  hitCondition?: string;
  logMessage?: string;
  hits: number;
}

/** A server's session: served once a launch gives the token; `refuse` closes the connection. */
interface ServerAccess {
  token: string;
  refuse(): void;
}

/** A stack frame: a node of a job (the top job's, or a subgraph's), at an element for a map node stepped through. */
/** A stack frame: a node of a job, and the element when it is a map node's. */
type Frame = StopLevel;

/** What a variablesReference stands for until the next resume. */
type Container =
  | { kind: "inputs"; frame: Frame }
  | { kind: "node"; frame: Frame }
  | { kind: "outputs"; job: Orchestrator }
  | { kind: "value"; value: unknown; evaluateName: string; edit?: { node: string; path: PathStep[] } };

export class StepgraphDebugSession extends LoggingDebugSession {
  private session: DevSession | undefined;
  private launchArgs: LaunchArguments | undefined;
  private readonly evaluator = new ExpressionEvaluator();
  private configurationDone!: () => void;
  private readonly configured = new Promise<void>((resolve) => (this.configurationDone = resolve));
  private readonly breakpoints = new Map<string, BreakpointSpec[]>();
  private nextBreakpointId = 1;
  private stopOnNodeErrors = true;
  private handles = new Handles<Container>();
  private frames = new Map<number, Frame>();
  /** Set while stepped back: the history record shown as the current step. */
  private cursor: number | undefined;
  private ended = false;
  private runView: RunViewEvents | undefined;
  /** Progress of long nodes, for a client that takes progress events. */
  private progress: NodeProgress | undefined;
  /** What the client announced in `initialize` (the events it takes: invalidated, progress). */
  private client: DebugProtocol.InitializeRequestArguments = { adapterID: "" };
  /** Child sessions of the JavaScript debugger attach to the node hosts (debugNodeCode, and a client with startDebugging). */
  private childSessions = false;
  /** The answers to the startDebugging requests sent: true when the client started the child session. */
  private childAnswers: Promise<boolean>[] = [];
  /** Set while the first node waits for the child sessions: a refused one ends the wait. */
  private onChildRefused: (() => void) | undefined;
  /** Set until a launch gave the server's token; the initialized event waits for it. */
  private locked: { access: ServerAccess; initializedPending: boolean } | undefined;
  /** In a replay: the stops before the nodes that failed in production. */
  private replayStops: ReplayStops | undefined;

  constructor(access?: ServerAccess) {
    super();
    if (access) this.locked = { access, initializedPending: false };
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
  }

  private get orchestrator(): Orchestrator | undefined {
    return this.session?.orchestrator;
  }

  protected override initializeRequest(response: DebugProtocol.InitializeResponse, client: DebugProtocol.InitializeRequestArguments): void {
    this.client = client;
    response.body = {
      supportsConfigurationDoneRequest: true,
      supportsConditionalBreakpoints: true,
      supportsHitConditionalBreakpoints: true,
      supportsLogPoints: true,
      supportsBreakpointLocationsRequest: true,
      supportsEvaluateForHovers: true,
      supportsSetVariable: true,
      supportsSetExpression: true,
      supportsStepBack: true,
      supportsRestartFrame: true,
      supportsRestartRequest: true,
      supportsTerminateRequest: true,
      supportsExceptionInfoRequest: true,
      supportsCompletionsRequest: true,
      supportsCancelRequest: true,
      supportsGotoTargetsRequest: true,
      completionTriggerCharacters: COMPLETION_TRIGGERS,
      supportsDelayedStackTraceLoading: false,
      exceptionBreakpointFilters: [{ filter: NODE_ERRORS_FILTER, label: "Node errors", description: "Stop at a node that throws (after its retries)", default: true }],
    };
    this.sendResponse(response);
    if (this.locked) this.locked.initializedPending = true;
    else this.sendEvent(new InitializedEvent());
  }

  /** On a server, only `initialize` and a launch that gives the token are served; anything else closes the connection. */
  protected override dispatchRequest(request: DebugProtocol.Request): void {
    const locked = this.locked;
    if (locked && request.command !== "initialize") {
      const token: unknown = request.command === "launch" ? (request.arguments as { token?: unknown } | undefined)?.token : undefined;
      if (!tokenMatches(locked.access.token, token)) {
        const response: DebugProtocol.Response = { seq: 0, type: "response", request_seq: request.seq, command: request.command, success: false };
        this.fail(response, ErrorCode.tokenRefused, TOKEN_REFUSAL, true);
        locked.access.refuse();
        return;
      }
      this.locked = undefined;
      if (locked.initializedPending) this.sendEvent(new InitializedEvent());
    }
    super.dispatchRequest(request);
  }

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.configurationDone();
    this.sendResponse(response);
  }

  protected override async launchRequest(response: DebugProtocol.LaunchResponse, raw: DebugProtocol.LaunchRequestArguments): Promise<void> {
    const args = this.checked(response, raw);
    if (!args) return;
    this.launchArgs = args;
    if (!(await this.openAndAnswer(response, args))) return;
    // Breakpoints and the exception filter arrive before configurationDone; only then does the job start.
    await this.configured;
    await this.startJob(args);
  }

  protected override async restartRequest(response: DebugProtocol.RestartResponse, args: DebugProtocol.RestartArguments): Promise<void> {
    const launchArgs = args.arguments === undefined ? this.launchArgs : this.checked(response, args.arguments);
    if (!launchArgs) return args.arguments === undefined ? this.fail(response, ErrorCode.nothingToRestart, "nothing to restart: the session was not launched") : undefined;
    await this.session?.close();
    this.session = undefined;
    if (await this.openAndAnswer(response, launchArgs)) await this.startJob(launchArgs);
  }

  /** The launch configuration, checked; undefined when it is bad and an error response was sent. */
  private checked(response: DebugProtocol.Response, raw: unknown): LaunchArguments | undefined {
    try {
      return checkLaunchArguments(raw);
    } catch (e) {
      if (!(e instanceof LaunchArgumentError)) throw e;
      this.fail(response, ErrorCode.badLaunchArguments, e.message, true);
      return undefined;
    }
  }

  /** Opens the job and answers the request: true when it opened, else an error response was sent. */
  private async openAndAnswer(response: DebugProtocol.Response, args: LaunchArguments): Promise<boolean> {
    try {
      await this.open(args);
    } catch (e) {
      this.fail(response, ErrorCode.openFailed, (e as Error).message, true);
      return false;
    }
    this.sendResponse(response);
    this.evaluator.warmUp();
    return true;
  }

  private async open(args: LaunchArguments): Promise<void> {
    const graphPath = normalizePath(args.graph);
    // A replay's input only fills what production did not record: no input file is taken unless named.
    const inputFile = args.inputFile ?? (args.input === undefined && args.replay === undefined ? defaultInputFile(graphPath) : undefined);
    if (inputFile !== undefined && args.inputFile === undefined) this.output(`input: ${inputFile} (the launch configuration gives no 'input' or 'inputFile')\n`, "console");
    const payload = inputFile !== undefined ? readInputFile(inputFile) : (args.input ?? {});
    const replay = args.replay && { job: String(args.replay.job), url: productionUrl(args.replay.redisUrl) };
    const redis = parseRedisChoice(args.redisUrl ?? process.env.STEPGRAPH_REDIS_URL);
    // A replay runs the local code whole: the cache only when the launch asks for it, and never in production's Redis.
    const cacheMode = args.cache ?? (replay ? "off" : "use");
    const cacheProblem = replay && replayCacheProblem(cacheMode, redis, replay.url);
    if (cacheProblem) throw new Error(cacheProblem);
    const debugNodeCode = args.debugNodeCode ?? true;
    const stateDir = join(args.cwd ?? dirname(graphPath), ".stepgraph");
    this.session = await openDevSession({
      graphPath,
      payload,
      redis,
      stateDir,
      cacheMode,
      defaultTtlMs: args.defaultTtlMs,
      poolSize: args.poolSize,
      inspect: debugNodeCode,
      ...(replay ? { replay: { read: (graph: string) => readRecordedJob(replay.url, graph, replay.job) } } : {}),
    }).catch((e: unknown) => {
      if (!(e instanceof JobInputError)) throw e;
      throw new Error(`${e.message}: give 'input' or 'inputFile' in the launch configuration, or put ${basename(graphPath).replace(/\.graph$/, "")}.input.json or input.json next to the graph`, { cause: e });
    });
    const orchestrator = this.session.orchestrator;
    this.runView?.dispose();
    this.runView = new RunViewEvents(orchestrator, () => this.currentNode(), (event) => this.sendEvent(event));
    this.progress?.dispose();
    this.progress = this.client.supportsProgressReporting ? new NodeProgress(orchestrator, (event) => this.sendEvent(event)) : undefined;
    this.output(`graph '${orchestrator.graph.name}': ${orchestrator.graph.nodes.length} nodes; cache: ${this.session.cacheDescription}\n`, "console");
    if (this.session.notice) this.output(`${this.session.notice}\n`, "console");
    const plan = this.session.replay;
    this.replayStops = plan && new ReplayStops(plan, orchestrator);
    if (plan) {
      const reused = [...plan.recorded.keys()];
      const lines = [replayHeadline(plan, orchestrator.graph.name), `reused from production: ${reused.length > 0 ? reused.join(", ") : "none"}`, ...replayLines(plan), ...outOfReachLine(plan)];
      this.output(lines.map((line) => `${line}\n`).join(""), "console");
    }
    orchestrator.on("log", ({ node, level, text }) => this.output(`[${node}] ${text}\n`, level === "log" ? "stdout" : "stderr"));
    orchestrator.on("nodeFinished", ({ node, status, durationMs }) => {
      const state = orchestrator.state(node);
      const error = status === "failed" ? `: ${state.error?.message}` : "";
      const why = status === "ran" && state.why !== undefined ? ` (${state.why})` : "";
      this.output(`● ${node} ${status} ${durationMs.toFixed(1)} ms${why}${error}\n`, "console");
    });
    orchestrator.on("nodeCancelled", ({ node, durationMs }) => this.output(`● ${node} cancelled ${durationMs.toFixed(1)} ms\n`, "console"));
    orchestrator.on("stopped", ({ reason }) => this.stopped(reason));
    orchestrator.on("finished", ({ outputs, failed }) => {
      const shown = Object.entries(outputs).map(([name, value]) => `  ${name}: ${inspect(value, { depth: 4, breakLength: 100 }).replace(/\n/g, "\n  ")}`);
      this.output(`graph ${failed ? "finished with failures" : "finished"}; outputs:\n${shown.join("\n")}\n`, "console");
      this.end();
    });
    orchestrator.setStopCondition((node, nodeArgs, values, graph) => this.shouldStop(node, nodeArgs, values, graph));
    this.childSessions = debugNodeCode && this.client.supportsStartDebuggingRequest === true;
    if (this.childSessions) this.attachToHosts(this.session, { stateDir, cwd: args.cwd ?? dirname(graphPath) });
  }

  /** Asks the client for a child session on every host's inspector, now and for each host started later. */
  private attachToHosts(session: DevSession, folders: { stateDir: string; cwd: string }): void {
    const asked = new Set<string>();
    const attach = (host: { url: string; pid: number; attached: boolean }) => {
      if (asked.has(host.url) || this.session !== session) return;
      asked.add(host.url);
      this.childAnswers.push(
        new Promise((resolve) =>
          this.sendRequest("startDebugging", nodeHostAttach(host, folders), ATTACH_TIMEOUT_MS, (response) => {
            if (!response.success) {
              this.output(`the JavaScript debugger was not started for node host ${host.pid}${response.message ? ` (${response.message})` : ""}: its node code is not debugged\n`, "console");
              this.onChildRefused?.();
            }
            resolve(response.success);
          }),
        ),
      );
    };
    this.childAnswers = [];
    session.pool.inspectors.forEach(attach);
    session.pool.on("inspector", attach);
  }

  /**
   * Before the first node runs, the child sessions attach (or the wait times out), so that
   * breakpoints in node code hold from the start. Attached is both: the client answered
   * startDebugging (VS Code does once the child session's attach is done, its breakpoints
   * set), and the debugger is connected to every host (Node's "Debugger attached.").
   */
  private async whenChildSessionsAttached(): Promise<void> {
    const pool = this.session?.pool;
    if (!this.childSessions || !pool) return;
    const deadline = Date.now() + ATTACH_TIMEOUT_MS;
    // A refusal ends the wait at once (the hosts' URLs, and so the requests, may still be coming).
    let refused!: () => void;
    const refusal = new Promise<boolean>((resolve) => (refused = () => resolve(false)));
    this.onChildRefused = refused;
    if (this.childAnswers.length > 0) void Promise.all(this.childAnswers).then((answers) => answers.every(Boolean) || refused());
    const connected = await Promise.race([pool.whenAttached(ATTACH_TIMEOUT_MS), refusal]);
    this.onChildRefused = undefined;
    const timeout = new Promise<boolean[]>((resolve) => setTimeout(() => resolve([false]), Math.max(0, deadline - Date.now())).unref());
    const answers = await Promise.race([Promise.all(this.childAnswers), timeout]);
    const attached = connected && answers.every(Boolean);
    if (!attached) this.output(`the JavaScript debugger is not attached to every node host (waited up to ${ATTACH_TIMEOUT_MS / 1000} s): node code runs, and may not stop in its breakpoints\n`, "console");
  }

  private async startJob(args: LaunchArguments): Promise<void> {
    await this.whenChildSessionsAttached();
    const orchestrator = this.orchestrator;
    if (!orchestrator) return;
    // The exception filter may have changed while the graph was loading.
    orchestrator.setStopOnError(this.stopOnNodeErrors);
    // A replay runs to the node that failed in production, unless told to stop on entry.
    if (args.stopOnEntry ?? args.replay === undefined) orchestrator.stopOnEntry();
    else void this.resume(() => orchestrator.continue());
  }

  // --- breakpoints --------------------------------------------------------------------

  protected override setBreakPointsRequest(response: DebugProtocol.SetBreakpointsResponse, args: DebugProtocol.SetBreakpointsArguments): void {
    const path = args.source.path ? normalizePath(args.source.path) : undefined;
    const nodes = path ? nodeLinesOf(path) : undefined;
    const specs: BreakpointSpec[] = [];
    response.body = {
      breakpoints: (args.breakpoints ?? []).map((requested) => {
        const placement = placeBreakpoint(this.convertClientLineToDebugger(requested.line) - 1, nodes);
        const breakpoint: DebugProtocol.Breakpoint = new Breakpoint(placement.verified, this.convertDebuggerLineToClient(placement.line + 1));
        breakpoint.id = this.nextBreakpointId++;
        if (placement.message) breakpoint.message = placement.message;
        if (placement.node) specs.push({ id: breakpoint.id, node: placement.node, condition: requested.condition, hitCondition: requested.hitCondition, logMessage: requested.logMessage, hits: 0 });
        return breakpoint;
      }),
    };
    if (path) this.breakpoints.set(path, specs);
    this.sendResponse(response);
  }

  protected override breakpointLocationsRequest(response: DebugProtocol.BreakpointLocationsResponse, args: DebugProtocol.BreakpointLocationsArguments): void {
    const nodes = args.source.path ? (nodeLinesOf(args.source.path) ?? []) : [];
    const first = this.convertClientLineToDebugger(args.line) - 1;
    const last = args.endLine === undefined ? first : this.convertClientLineToDebugger(args.endLine) - 1;
    response.body = {
      breakpoints: nodes.filter((n) => n.lastLine >= first && n.firstLine <= last).map((n) => ({ line: this.convertDebuggerLineToClient(n.firstLine + 1) })),
    };
    this.sendResponse(response);
  }

  protected override setExceptionBreakPointsRequest(response: DebugProtocol.SetExceptionBreakpointsResponse, args: DebugProtocol.SetExceptionBreakpointsArguments): void {
    this.stopOnNodeErrors = args.filters.includes(NODE_ERRORS_FILTER);
    this.orchestrator?.setStopOnError(this.stopOnNodeErrors);
    this.sendResponse(response);
  }

  /** The stop condition the Orchestrator asks before each node. */
  private async shouldStop(node: NodeModel, nodeArgs: unknown[], values: Record<string, unknown>, graph: GraphModel): Promise<boolean> {
    if (this.replayStops?.stopsBefore(node, graph)) return true;
    const specs = this.breakpoints.get(normalizePath(graph.file)) ?? [];
    let stop = false;
    for (const spec of specs.filter((s) => s.node === node.name)) {
      const scope = { ...this.namedArguments(node, nodeArgs), ...values };
      if (spec.condition) {
        const result = await this.evaluator.evaluate(spec.condition, scope);
        if (!result.ok) {
          this.output(`breakpoint condition '${spec.condition}' on ${node.name}: ${result.error}\n`, "stderr");
          stop = true;
          continue;
        }
        if (!result.value) continue;
      }
      spec.hits++;
      if (spec.hitCondition && hitConditionHolds(spec.hitCondition, spec.hits) === false) continue;
      if (spec.logMessage) {
        const text = await interpolateLogMessage(spec.logMessage, async (expression) => {
          const result = await this.evaluator.evaluate(expression, scope);
          return result.ok ? (typeof result.value === "string" ? result.value : preview(result.value)) : `<${result.error}>`;
        });
        this.output(`${text}\n`, "console");
        continue;
      }
      stop = true;
    }
    return stop;
  }

  // --- stopping and resuming ------------------------------------------------------------

  private stopped(reason: StopReason | "restart"): void {
    this.resetReferences();
    const top = this.stopFrames()[0];
    // Before a node that failed in production: an exception stop, with production's error.
    const production = top && top.job === this.orchestrator ? this.replayStops?.stoppedBefore(top.node, reason) : undefined;
    if (production) {
      const event = new StoppedEvent("exception", THREAD_ID) as DebugProtocol.StoppedEvent;
      event.body.description = production.description;
      event.body.text = production.failure.error;
      this.sendEvent(event);
      this.runView?.changed();
      return;
    }
    // A cancelled node's stop is a pause for the client (DAP has no reason for it), described as what it is.
    const event = new StoppedEvent(reason === "cancel" ? "pause" : reason, THREAD_ID) as DebugProtocol.StoppedEvent;
    const name = top ? frameNodeName(top) : "";
    const where = top && top.job !== this.orchestrator ? ` of subgraph '${top.job.graph.name}'` : "";
    event.body.description = reason === "exception" ? `node '${name}' failed` : reason === "cancel" ? `node '${name}' was cancelled: stopped before it` : `before node '${name}'${where}`;
    if (reason === "exception" && top) event.body.text = top.job.state(top.node).error?.message;
    this.sendEvent(event);
    this.runView?.changed();
  }

  private resetReferences(): void {
    this.handles.reset();
    this.frames.clear();
  }

  /** Every resume invalidates what the client holds; errors of the engine become output. */
  private async resume(action: () => Promise<void>): Promise<void> {
    this.cursor = undefined;
    this.replayStops?.resumed();
    this.resetReferences();
    this.progress?.resumed();
    try {
      await action();
    } catch (e) {
      this.output(`${(e as Error).message}\n`, "stderr");
    }
  }

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    response.body = { threads: [new Thread(THREAD_ID, `graph ${this.orchestrator?.graph.name ?? ""}`.trim())] };
    this.sendResponse(response);
  }

  protected override continueRequest(response: DebugProtocol.ContinueResponse): void {
    if (!this.whenStopped(response)) return;
    response.body = { allThreadsContinued: true };
    this.sendResponse(response);
    if (this.inPast()) return this.travel(this.orchestrator?.history.length);
    void this.resume(() => (this.orchestrator as Orchestrator).continue());
  }

  protected override nextRequest(response: DebugProtocol.NextResponse): void {
    this.stepForward(response);
  }

  /**
   * Into a subgraph node, or to element 0 of a map node. On a function node, into its
   * TypeScript in the JavaScript debugger's child session when one is attached (the
   * Orchestrator's stepIn pauses on the function's first line), and the stop comes before
   * the next node once the function has returned; else as next, saying why.
   */
  protected override stepInRequest(response: DebugProtocol.StepInResponse): void {
    const node = this.inPast() ? undefined : this.functionNodeOnTop();
    const pool = this.session?.pool;
    if (node !== undefined && pool?.inspect && !this.client.supportsStartDebuggingRequest && !pool.debuggerAttached && this.orchestrator?.isRunning === false) {
      this.output(noChildSessionsLine(node), "console");
    }
    this.stepForward(response, true);
  }

  /** The node on top of the stop when it calls a function (not a subgraph, not a map node), else undefined. */
  private functionNodeOnTop(): string | undefined {
    const top = this.stopFrames()[0];
    if (!top || top.element) return undefined;
    const node = top.job.state(top.node).node;
    return node.subgraph === undefined && node.mapIndex === undefined ? top.node : undefined;
  }

  private stepForward(response: DebugProtocol.Response, into = false): void {
    if (!this.whenStopped(response)) return;
    this.sendResponse(response);
    if (this.inPast()) return this.travel((this.cursor as number) + 1);
    const orchestrator = this.orchestrator as Orchestrator;
    void this.resume(() => (into ? orchestrator.stepIn() : orchestrator.step()));
  }

  protected override stepOutRequest(response: DebugProtocol.StepOutResponse): void {
    if (!this.whenStopped(response)) return;
    this.sendResponse(response);
    if (this.inPast()) return this.travel(this.orchestrator?.history.length);
    void this.resume(() => (this.orchestrator as Orchestrator).stepOut());
  }

  protected override pauseRequest(response: DebugProtocol.PauseResponse): void {
    this.orchestrator?.pause();
    this.sendResponse(response);
  }

  /** Back through the finished nodes, showing their recorded values; nothing runs. */
  protected override stepBackRequest(response: DebugProtocol.StepBackResponse): void {
    if (!this.whenStopped(response)) return;
    const history = (this.orchestrator as Orchestrator).history;
    const at = this.cursor ?? history.length;
    if (at === 0) return this.fail(response, ErrorCode.noEarlierStep, "no earlier node: this is the first step");
    this.sendResponse(response);
    this.travel(at - 1);
  }

  protected override reverseContinueRequest(response: DebugProtocol.ReverseContinueResponse): void {
    if (!this.whenStopped(response)) return;
    this.sendResponse(response);
    const history = (this.orchestrator as Orchestrator).history;
    const withBreakpoint = new Set([...this.breakpoints.values()].flat().map((b) => b.node));
    let at = (this.cursor ?? history.length) - 1;
    while (at > 0 && !withBreakpoint.has(history[at].name)) at--;
    this.travel(Math.max(at, 0));
  }

  /** Shows history record `at` (or the present, at the end of the history) as the current step. */
  private travel(at: number | undefined): void {
    const orchestrator = this.orchestrator as Orchestrator;
    this.cursor = at === undefined || at >= orchestrator.history.length ? undefined : at;
    this.stopped("step");
  }

  /** Jump to Cursor: the target on a line of the launched graph (none elsewhere). */
  protected override gotoTargetsRequest(response: DebugProtocol.GotoTargetsResponse, args: DebugProtocol.GotoTargetsArguments): void {
    const graph = this.orchestrator?.graph;
    const line = this.convertClientLineToDebugger(args.line) - 1;
    response.body = { targets: graph ? gotoTargetsAt(graph, args.source.path, line, (l) => this.convertDebuggerLineToClient(l + 1)) : [] };
    this.sendResponse(response);
  }

  /** Moves the run to before the target's node (the Orchestrator's goto); from the present when stepped back. A refusal is the error response. */
  protected override gotoRequest(response: DebugProtocol.GotoResponse, args: DebugProtocol.GotoArguments): void {
    if (!this.whenStopped(response)) return;
    const orchestrator = this.orchestrator as Orchestrator;
    const node = gotoTargetNode(orchestrator.graph, args.targetId);
    if (node === undefined) return this.fail(response, ErrorCode.unknownGotoTarget, `no goto target ${args.targetId}: targets come from gotoTargets on a node's line`, true);
    const refusal = orchestrator.gotoRefusal(node);
    if (refusal !== undefined) return this.fail(response, ErrorCode.gotoRefused, refusal, true);
    this.sendResponse(response);
    void this.resume(() => orchestrator.goto(node));
  }

  protected override async restartFrameRequest(response: DebugProtocol.RestartFrameResponse, args: DebugProtocol.RestartFrameArguments): Promise<void> {
    if (!this.whenStopped(response)) return;
    const frame = this.frames.get(args.frameId);
    if (!frame) return this.fail(response, ErrorCode.unknownFrame, "unknown frame");
    this.sendResponse(response);
    this.cursor = undefined;
    try {
      await frame.job.rerun(frame.node);
    } catch (e) {
      this.output(`cannot re-run ${frame.node}: ${(e as Error).message}\n`, "stderr");
    }
    this.stopped("restart");
  }

  // --- what a stop shows ----------------------------------------------------------------

  /** The node shown on top: the history record stepped back to, or where the run stopped. */
  private currentNode(): string | undefined {
    const orchestrator = this.orchestrator;
    if (!orchestrator) return undefined;
    return this.cursor === undefined ? orchestrator.current : orchestrator.history[this.cursor].name;
  }

  /**
   * The node of each job the stop is in, innermost first (a subgraph's node above its
   * calling node); while stepped back, the history record's node.
   */
  private stopFrames(): Frame[] {
    const orchestrator = this.orchestrator;
    if (!orchestrator) return [];
    if (this.cursor !== undefined) return [{ job: orchestrator, node: orchestrator.history[this.cursor].name }];
    return orchestrator.levels.reverse();
  }

  private inPast(): boolean {
    return this.cursor !== undefined;
  }

  protected override stackTraceRequest(response: DebugProtocol.StackTraceResponse, args: DebugProtocol.StackTraceArguments): void {
    if (!this.whenStopped(response)) return;
    // Each job's stop node, then the nodes that fed it; the element only on the stop node.
    const all = this.stopFrames().flatMap((stop) => upstreamOf(stop.job, stop.node).map((name): Frame => (name === stop.node ? stop : { job: stop.job, node: name })));
    const start = args.startFrame ?? 0;
    const count = args.levels && args.levels > 0 ? args.levels : all.length;
    const frames = all.slice(start, start + count).map((frame, i) => {
      const id = start + i + 1;
      this.frames.set(id, frame);
      const node = frame.job.state(frame.node).node;
      const file = frame.job.graph.file;
      return new StackFrame(id, `${frameNodeName(frame)} = ${node.callText}(…)`, new Source(basename(file), file), this.convertDebuggerLineToClient(node.line + 1), 1);
    });
    response.body = { stackFrames: frames, totalFrames: all.length };
    this.sendResponse(response);
  }

  protected override scopesRequest(response: DebugProtocol.ScopesResponse, args: DebugProtocol.ScopesArguments): void {
    const frame = this.frames.get(args.frameId);
    if (!frame) return this.fail(response, ErrorCode.unknownFrame, "unknown frame");
    response.body = {
      scopes: [
        new Scope("Inputs", this.handles.create({ kind: "inputs", frame }), false),
        new Scope("Node", this.handles.create({ kind: "node", frame }), false),
        new Scope("Outputs", this.handles.create({ kind: "outputs", job: frame.job }), false),
      ],
    };
    this.sendResponse(response);
  }

  protected override variablesRequest(response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): void {
    const container = this.handles.get(args.variablesReference);
    if (!container || !this.orchestrator) return this.fail(response, ErrorCode.variablesGone, "these variables are gone: the graph has moved on");
    const page = args.filter === "indexed" && args.start !== undefined && args.count !== undefined ? { start: args.start, count: args.count } : undefined;
    response.body = { variables: this.variablesOf(container, page) };
    this.sendResponse(response);
  }

  private variablesOf(container: Container, page?: { start: number; count: number }): DebugProtocol.Variable[] {
    switch (container.kind) {
      case "inputs": {
        const { node, values } = this.recordedArguments(container.frame);
        return node.args.map((arg, i) => this.variable(node.function.parameters[i]?.name ?? arg.text, values[i], arg.kind === "literal" ? arg.text : arg.text));
      }
      case "node": {
        const { job, element } = container.frame;
        const state = job.state(container.frame.node);
        const record = this.recordOf(container.frame);
        // Why it ran, or the run its cached output came from (the runtime decides: run-reason.ts).
        const why = (record ?? state).why;
        const rows: [string, unknown][] = [
          // The signature names the function; an alias, when the call has one, goes in front.
          ["function", `${state.node.callText.includes(".") ? `${state.node.callText.split(".")[0]}.` : ""}${state.node.function.signature}`],
          ["module", state.node.moduleSpecifier],
          ["cache", record?.cache ?? state.cache ?? "pending"],
          ...(why === undefined ? [] : [["why", why] satisfies [string, unknown]]),
          ["status", record?.status ?? state.status],
          ["durationMs", record?.ranForMs ?? state.ranForMs],
          ["key", record?.key ?? state.key],
          ["attempts", record?.attempts ?? state.attempts],
          ["loop", state.node.loop],
        ];
        const { when, mapIndex } = state.node;
        const skip = (record ?? state).skip;
        if (when) rows.push(["condition", when.text]);
        // Decided once the node is reached: false when it was skipped by it.
        if (when && (record ?? state).status !== "pending" && skip?.reason !== "dependency") rows.push(["when", skip?.reason !== "when"]);
        if (skip?.reason === "dependency") rows.push(["skipped", `it needs '${skip.node}', which was skipped`]);
        const elements = (record ?? state).elements;
        if (mapIndex !== undefined) rows.push(["map", `${state.node.args[mapIndex].text}${elements ? `: ${elements.finished} of ${elements.count} elements` : ""}`]);
        if (element) rows.push(["index", element.index], ["count", element.count]);
        if (state.node.subgraph) rows.push(["subgraph", state.node.subgraph.file]);
        const error = record?.error ?? state.error;
        if (error) rows.push(["error", error.message]);
        return rows.map(([name, value]) => this.variable(name, value, JSON.stringify(value ?? null)));
      }
      case "outputs":
        // Only the top job's outputs can be edited: a subgraph's job ends with its node. Any can be pinned.
        return Object.entries(this.outputsNow(container.job)).map(([name, value]): MenuVariable => ({
          ...this.variable(name, value, name, container.job === this.orchestrator ? { node: name, path: [] } : undefined),
          __vscodeVariableMenuContext: outputMenuContext(container.job.state(name).node),
        }));
      case "value":
        return childrenOf(container.value, container.evaluateName, page).map((child) =>
          this.variable(child.name, child.value, child.evaluateName, container.edit ? { node: container.edit.node, path: [...container.edit.path, child.step] } : undefined),
        );
    }
  }

  private variable(name: string, value: unknown, evaluateName: string, edit?: { node: string; path: PathStep[] }): DebugProtocol.Variable {
    const reference = hasChildren(value) ? this.handles.create({ kind: "value", value, evaluateName, ...(edit ? { edit } : {}) }) : 0;
    const variable: DebugProtocol.Variable = { name, value: preview(value), type: typeName(value), variablesReference: reference, evaluateName };
    const indexed = indexedCount(value);
    if (indexed !== undefined) variable.indexedVariables = indexed;
    return variable;
  }

  /**
   * The node and its argument values: at a map element, that element's call; as recorded
   * when stepped back; else as they are now.
   */
  private recordedArguments({ job, node: name, element }: Frame): { node: NodeModel; values: unknown[] } {
    const state = job.state(name);
    if (element) return { node: state.node, values: element.args };
    const record = this.recordOf({ job, node: name });
    if (record?.args) return { node: state.node, values: record.args };
    if (state.args && state.status !== "pending") return { node: state.node, values: state.args };
    const ready = state.node.dependencies.every((d) => isSettled(job.state(d)));
    return { node: state.node, values: ready ? job.argumentValues(state.node) : [] };
  }

  /** The latest record of a node up to the cursor (only while stepped back, which shows the top job only). */
  private recordOf({ job, node }: Frame): NodeRecord | undefined {
    if (this.cursor === undefined || job !== this.orchestrator) return undefined;
    const history = job.history;
    for (let i = this.cursor; i >= 0; i--) if (history[i].name === node) return history[i];
    return undefined;
  }

  /** Every finished node's output of a job (as of the cursor while stepped back). */
  private outputsNow(job = this.orchestrator as Orchestrator): Record<string, unknown> {
    const orchestrator = job;
    if (this.cursor === undefined || job !== this.orchestrator) {
      const inputs = new Set(orchestrator.graph.inputs.map((i) => i.name));
      return Object.fromEntries(Object.entries(orchestrator.values()).filter(([name]) => !inputs.has(name)));
    }
    const outputs: Record<string, unknown> = {};
    for (const record of orchestrator.history.slice(0, this.cursor + 1)) {
      if (isDone(record)) outputs[record.name] = record.value;
    }
    return outputs;
  }

  private namedArguments(node: NodeModel, values: unknown[]): Record<string, unknown> {
    const named: Record<string, unknown> = {};
    node.function.parameters.forEach((parameter, i) => {
      if (i < values.length && /^[A-Za-z_$][\w$]*$/.test(parameter.name)) named[parameter.name] = values[i];
    });
    return named;
  }

  /** Names an expression can use at a frame (the top one by default): the node's parameters, its job's inputs and outputs so far. */
  private scopeFor(frameId: number | undefined): Record<string, unknown> {
    return Object.fromEntries(this.scopeNamesFor(this.frameAt(frameId)).map(({ name, value }) => [name, value]));
  }

  /** The scope's names and where each comes from; a later one of the same name hides an earlier one. */
  private scopeNamesFor(frame: Frame | undefined): ScopeName[] {
    const job = frame?.job ?? this.orchestrator;
    if (!job) return [];
    const parameters = frame ? this.namedArguments(frame.job.state(frame.node).node, this.recordedArguments(frame).values) : {};
    const named = (values: Readonly<Record<string, unknown>>, kind: ScopeName["kind"]) => Object.entries(values).map(([name, value]): ScopeName => ({ name, value, kind }));
    return [...named(parameters, "parameter"), ...named(job.inputs, "input"), ...named(this.outputsNow(job), "output")];
  }

  /** The frame of this id, else the top one. */
  private frameAt(frameId: number | undefined): Frame | undefined {
    return (frameId !== undefined ? this.frames.get(frameId) : undefined) ?? this.stopFrames()[0];
  }

  protected override exceptionInfoRequest(response: DebugProtocol.ExceptionInfoResponse): void {
    const node = this.currentNode();
    const error = node ? this.orchestrator?.state(node).error : undefined;
    // Stopped before a node that failed in production (and has not failed here): production's error.
    const production = node && !error && this.cursor === undefined ? this.replayStops?.shown(node) : undefined;
    if (production) {
      response.body = { ...production.exceptionInfo, breakMode: "always" };
      return this.sendResponse(response);
    }
    if (!node || !error) return this.fail(response, ErrorCode.noFailure, "no node failed here");
    response.body = {
      exceptionId: error.name ?? error.kind,
      description: `node '${node}' failed: ${error.message}`,
      breakMode: this.stopOnNodeErrors ? "always" : "never",
      details: { message: error.message, typeName: error.name, stackTrace: error.stack, evaluateName: node },
    };
    this.sendResponse(response);
  }

  // --- evaluate and edit ------------------------------------------------------------------

  protected override async evaluateRequest(response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments): Promise<void> {
    if (!this.orchestrator) return this.fail(response, ErrorCode.evaluateNoJob, "no graph is running");
    if (this.orchestrator.isRunning) return this.fail(response, ErrorCode.evaluateWhileRunning, "the graph is running: pause it to evaluate");
    const result = await this.evaluator.evaluate(args.expression, this.scopeFor(args.frameId));
    if (!result.ok) return this.fail(response, ErrorCode.evaluateFailed, result.error, args.context === "repl");
    const variable = this.variable("result", result.value, args.expression);
    response.body = { result: variable.value, type: variable.type, variablesReference: variable.variablesReference, ...(variable.indexedVariables ? { indexedVariables: variable.indexedVariables } : {}) };
    this.sendResponse(response);
  }

  /** Nothing to offer while the graph runs (the values are moving) or before a launch. */
  protected override completionsRequest(response: DebugProtocol.CompletionsResponse, args: DebugProtocol.CompletionsArguments): void {
    const frame = this.frameAt(args.frameId);
    const running = !this.orchestrator || this.orchestrator.isRunning;
    const completions = running ? { from: 0, length: 0, items: [] } : completionsAt(textBeforeCursor(args, (c) => this.convertClientColumnToDebugger(c)), this.scopeNamesFor(frame));
    response.body = { targets: completionTargets(completions, frame?.node, (c) => this.convertDebuggerColumnToClient(c)) };
    this.sendResponse(response);
  }

  protected override async setVariableRequest(response: DebugProtocol.SetVariableResponse, args: DebugProtocol.SetVariableArguments): Promise<void> {
    const container = this.handles.get(args.variablesReference);
    if (container?.kind === "outputs" && container.job !== this.orchestrator) return this.fail(response, ErrorCode.subgraphOutput, "a subgraph's outputs cannot be changed: its job ends with its node (change the output of a node of this graph)");
    const target = this.editTarget(container, args.name);
    if (!target) return this.fail(response, ErrorCode.notAnOutput, "only node outputs, and values inside them, can be changed");
    await this.edit(response, target, args.value, (value) => {
      response.body = { value: preview(value), type: typeName(value), variablesReference: 0 };
    });
  }

  /** The output and the path inside it that the variable `name` of `container` stands for. */
  private editTarget(container: Container | undefined, name: string): { node: string; path: PathStep[] } | undefined {
    if (container?.kind === "outputs") return container.job === this.orchestrator ? { node: name, path: [] } : undefined;
    if (container?.kind !== "value" || !container.edit) return undefined;
    const child = childrenOf(container.value, "").find((c) => c.name === name);
    return child ? { node: container.edit.node, path: [...container.edit.path, child.step] } : undefined;
  }

  protected override async setExpressionRequest(response: DebugProtocol.SetExpressionResponse, args: DebugProtocol.SetExpressionArguments): Promise<void> {
    const target = this.orchestrator ? parseEvaluateName(args.expression, this.orchestrator) : undefined;
    if (!target) return this.fail(response, ErrorCode.notAnOutputPath, "only a node output or a path into one (like priced.total or items[0].qty) can be set");
    await this.edit(response, target, args.value, (value) => {
      response.body = { value: preview(value), type: typeName(value) };
    });
  }

  private async edit(response: DebugProtocol.Response, target: { node: string; path: PathStep[] }, text: string, describe: (value: unknown) => void): Promise<void> {
    if (!this.whenStopped(response)) return;
    if (this.inPast()) return this.fail(response, ErrorCode.editInPast, "values in the past cannot be edited: step forward to the present first");
    const orchestrator = this.orchestrator as Orchestrator;
    const parsed = await this.evaluator.evaluate(text, this.scopeFor(undefined));
    if (!parsed.ok) return this.fail(response, ErrorCode.badValue, parsed.error, true);
    try {
      const root = replaceAt(orchestrator.state(target.node).value, target.path, parsed.value);
      await orchestrator.editOutput(target.node, root);
    } catch (e) {
      return this.fail(response, ErrorCode.editRefused, (e as Error).message, true);
    }
    this.output(`edited the output of ${target.node}; the nodes downstream of it will run again\n`, "console");
    this.runView?.changed();
    describe(parsed.value);
    this.sendResponse(response);
    // The nodes downstream went stale: every value shown may have changed, the call stack not.
    if (this.client.supportsInvalidatedEvent) this.sendEvent(new InvalidatedEvent(["variables"], THREAD_ID));
  }

  /** A progress's cancel cancels its node; cancelling a request is not supported (they are answered at once, or nearly). */
  protected override cancelRequest(response: DebugProtocol.CancelResponse, args: DebugProtocol.CancelArguments | undefined): void {
    if (args?.progressId !== undefined) this.progress?.cancel(args.progressId);
    this.sendResponse(response);
  }

  // --- custom requests: pinning, the graph view's node states -------------------------

  protected override customRequest(command: string, response: DebugProtocol.Response, args: unknown): void {
    if (command === PIN_TEXT_REQUEST) return this.pinTextRequest(response, args);
    if (command === RUN_VIEW_REQUEST) return this.runView ? this.sendResponse(this.runView.answer(response)) : this.fail(response, ErrorCode.noRunView, NO_RUN_VIEW);
    super.customRequest(command, response, args);
  }

  /** The pin file text of an output as the Outputs scope shows it (as of the step shown, while stepped back). */
  private pinTextRequest(response: DebugProtocol.Response, raw: unknown): void {
    const args = checkedPinTextArguments(raw);
    if (!args) return this.fail(response, ErrorCode.pinUsage, PIN_TEXT_USAGE);
    if (!this.whenStopped(response)) return;
    const container = this.handles.get(args.variablesReference);
    if (container?.kind !== "outputs") return this.fail(response, ErrorCode.pinNotAnOutput, "only an output in the Outputs scope can be pinned (and these variables may be gone: the graph has moved on)", true);
    const outputs = this.outputsNow(container.job);
    if (!Object.hasOwn(outputs, args.name)) return this.fail(response, ErrorCode.pinNoOutput, `'${args.name}' has no output here`, true);
    let text: string;
    try {
      text = pinText(outputs[args.name]);
    } catch (e) {
      if (!(e instanceof PinValueError)) throw e;
      return this.fail(response, ErrorCode.pinFailed, `the output of '${args.name}' cannot be pinned: ${e.message}`, true);
    }
    const { pin } = container.job.state(args.name).node;
    const body: PinTextBody = { node: args.name, file: container.job.graph.file, text, ...(pin === undefined ? {} : { pin }) };
    response.body = body;
    this.sendResponse(response);
  }

  // --- ending ---------------------------------------------------------------------------

  protected override async terminateRequest(response: DebugProtocol.TerminateResponse): Promise<void> {
    await this.close();
    this.sendResponse(response);
    this.end();
  }

  protected override async disconnectRequest(response: DebugProtocol.DisconnectResponse): Promise<void> {
    await this.close();
    this.sendResponse(response);
  }

  /** The client went away (the stream closed): nothing of this session may outlive it. */
  override shutdown(): void {
    void this.close().finally(() => super.shutdown());
  }

  private async close(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    this.runView?.dispose();
    this.progress?.dispose();
    await session?.close().catch(() => undefined);
    await this.evaluator.dispose();
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.sendEvent(new TerminatedEvent());
  }

  private whenStopped(response: DebugProtocol.Response): boolean {
    if (!this.orchestrator) {
      this.fail(response, ErrorCode.noJob, "no graph is running");
      return false;
    }
    if (this.orchestrator.isRunning) {
      this.fail(response, ErrorCode.running, "the graph is running: pause it first");
      return false;
    }
    return true;
  }

  /** An error response; the message is passed as a variable, so braces in it are kept. */
  private fail(response: DebugProtocol.Response, id: ErrorCodeNumber, message: string, showUser = false): void {
    // Only variables named with a leading underscore are substituted into response.message.
    this.sendErrorResponse(response, { id, format: "{_message}", variables: { _message: message }, showUser });
  }

  private output(text: string, category: "console" | "stdout" | "stderr"): void {
    this.sendEvent(new OutputEvent(text, category));
  }
}

/** The production Redis of a replay: the launch's, else STEPGRAPH_REDIS_URL, else the local default (as the CLI's production commands). */
function productionUrl(redisUrl: string | undefined): string {
  const url = redisUrl ?? (process.env.STEPGRAPH_REDIS_URL || DEFAULT_LOCAL_REDIS_URL);
  const reason = invalidRedisUrlReason(url);
  if (reason) throw new Error(`the production Redis of the replay (STEPGRAPH_REDIS_URL): ${reason}`);
  return url;
}

/** The launch configuration's input file, with its errors phrased for the launch configuration. */
function readInputFile(file: string): unknown {
  try {
    return readJobInputFile(file);
  } catch (e) {
    if (e instanceof JobInputError) throw new Error(`the input file ${e.message}`, { cause: e });
    throw e;
  }
}

/** A frame's node as the call stack names it: `scaled[1]` at a map element. */
function frameNodeName(frame: Frame): string {
  return frame.element ? `${frame.node}[${frame.element.index}]` : frame.node;
}

/** The current node, then the nodes that fed it, nearest first (breadth-first). */
function upstreamOf(orchestrator: Orchestrator, node: string): string[] {
  const order = [node];
  for (let i = 0; i < order.length; i++) {
    for (const dependency of orchestrator.state(order[i]).node.dependencies) if (!order.includes(dependency)) order.push(dependency);
  }
  return order;
}

/** `name`, `name.a.b`, `name[0]`, `name["key"]` → a node output and a path into it. */
function parseEvaluateName(expression: string, orchestrator: Orchestrator): { node: string; path: PathStep[] } | undefined {
  const match = /^\s*([A-Za-z_$][\w$]*)((?:\.[A-Za-z_$][\w$]*|\[\d+\]|\["(?:[^"\\]|\\.)*"\])*)\s*$/.exec(expression);
  if (!match || !orchestrator.graph.nodesByName.has(match[1])) return undefined;
  const path: PathStep[] = [];
  for (const [, property, index, quoted] of match[2].matchAll(/\.([A-Za-z_$][\w$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g)) {
    path.push({ kind: "property", key: property ?? (index !== undefined ? Number(index) : (JSON.parse(quoted) as string)) });
  }
  return { node: match[1], path };
}

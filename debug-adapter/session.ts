// The DAP session: translates between the Debug Adapter Protocol and the runtime. Every graph
// node is a step (and each element of a map node stepped through); the job has one thread.
// The runtime steps (the Orchestrator), keeps the breakpoints' conditions (NodeBreakpoints)
// and the cursor of stepping back (HistoryCursor); this file answers the requests with them.
// What a stop shows is stop-view.ts, the console's lines run-console.ts, debugging node code
// node-debugging.ts, a replay's stops replay-stops.ts. Nothing here runs node code or knows Redis.
import { Breakpoint, InitializedEvent, InvalidatedEvent, LoggingDebugSession, OutputEvent, TerminatedEvent, Thread } from "@vscode/debugadapter";
import type { DebugProtocol } from "@vscode/debugprotocol";
import type { DevSession } from "../src/runtime/dev-session";
import { completionsAt } from "../src/runtime/expression-completions";
import { ExpressionEvaluator } from "../src/runtime/expression-evaluator";
import { HistoryCursor } from "../src/runtime/history-cursor";
import { NodeBreakpoints, normalizePath, type NodeBreakpoint } from "../src/runtime/node-breakpoints";
import type { Orchestrator, StopReason } from "../src/runtime/orchestrator";
import { PinValueError, pinText } from "../src/runtime/pin-file";
import { RUN_VIEW_REQUEST } from "../src/runtime/run-view";
import { nodeLinesOf, placeBreakpoint } from "./breakpoints";
import { COMPLETION_TRIGGERS, completionTargets, textBeforeCursor } from "./console-completions";
import { ErrorCode, type ErrorCodeNumber } from "./error-codes";
import { gotoTargetNode, gotoTargetsAt } from "./goto-targets";
import { checkLaunchArguments, LaunchArgumentError, type LaunchArguments } from "./launch-arguments";
import { openLaunchedSession } from "./launch-session";
import { ChildSessions, noChildSessionsLine } from "./node-debugging";
import { NodeProgress } from "./node-progress";
import { checkedPinTextArguments, PIN_TEXT_REQUEST, PIN_TEXT_USAGE, type PinTextBody } from "./output-pins";
import { ReplayStops } from "./replay-stops";
import { reportRun, type ConsoleCategory } from "./run-console";
import { NO_RUN_VIEW, RunViewEvents } from "./run-view-events";
import { TOKEN_REFUSAL, tokenMatches } from "./server-token";
import { stoppedEvent, THREAD_ID } from "./stopped-event";
import { parseEvaluateName, StopView, type EditTarget } from "./stop-view";
import { preview, replaceAt, typeName } from "./values-view";

const NODE_ERRORS_FILTER = "nodeErrors";
/** Longer than the node hosts take to start; far shorter than a person takes to type an expression. */
const EVALUATOR_WARM_UP_DELAY_MS = 500;

/** A server's session: served once a launch gives the token; `refuse` closes the connection. */
interface ServerAccess {
  token: string;
  refuse(): void;
}

/** What one launch (or restart) opened: the job and what the session keeps beside it. */
interface Launched {
  session: DevSession;
  job: Orchestrator;
  cursor: HistoryCursor;
  view: StopView;
  runView: RunViewEvents;
  /** Progress of long nodes, for a client that takes progress events. */
  progress: NodeProgress | undefined;
  /** In a replay: the stops before the nodes that failed in production. */
  replayStops: ReplayStops | undefined;
  /** Child sessions of the JavaScript debugger on the node hosts (debugNodeCode, and a client with startDebugging). */
  childSessions: ChildSessions | undefined;
}

export class StepgraphDebugSession extends LoggingDebugSession {
  private launched: Launched | undefined;
  private launchArgs: LaunchArguments | undefined;
  private readonly evaluator = new ExpressionEvaluator();
  private configurationDone!: () => void;
  private readonly configured = new Promise<void>((resolve) => (this.configurationDone = resolve));
  private readonly breakpoints = new NodeBreakpoints(
    this.evaluator,
    (line) => this.output(`${line.text}\n`, line.kind === "log" ? "console" : "stderr"),
    preview,
  );
  private nextBreakpointId = 1;
  private stopOnNodeErrors = true;
  private ended = false;
  /** What the client announced in `initialize` (the events it takes: invalidated, progress; startDebugging). */
  private client: DebugProtocol.InitializeRequestArguments = { adapterID: "" };
  /** Set until a launch gave the server's token; the initialized event waits for it. */
  private locked: { access: ServerAccess; initializedPending: boolean } | undefined;

  constructor(access?: ServerAccess) {
    super();
    if (access) this.locked = { access, initializedPending: false };
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
  }

  private get orchestrator(): Orchestrator | undefined {
    return this.launched?.job;
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

  // --- launching ------------------------------------------------------------------------

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
    await this.closeLaunched();
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
      this.launched = await this.open(args);
    } catch (e) {
      this.fail(response, ErrorCode.openFailed, (e as Error).message, true);
      return false;
    }
    this.sendResponse(response);
    // The expression process starts once the session has settled: booting it beside the node
    // hosts as the session opens made the first steps' tail 10-15 ms on two cores
    // (bench/dap.bench.ts). An expression evaluated before then starts it at once.
    setTimeout(() => this.evaluator.warmUp(), EVALUATOR_WARM_UP_DELAY_MS).unref();
    return true;
  }

  private async open(args: LaunchArguments): Promise<Launched> {
    const { session, folders, debugNodeCode } = await openLaunchedSession(args, (line) => this.output(`${line}\n`, "console"));
    const job = session.orchestrator;
    const cursor = new HistoryCursor(job);
    const replayStops = session.replay && new ReplayStops(session.replay, job);
    // Made before reportRun: it listens for the job's end first, so that the last view goes out before `terminated`.
    const runView = new RunViewEvents(job, () => cursor.currentNode, (event) => this.sendEvent(event));
    reportRun(session, (text, category) => this.output(text, category), () => this.end());
    job.on("stopped", ({ reason }) => this.stopped(reason));
    job.setStopCondition(async (node, nodeArgs, values, graph) => replayStops?.stopsBefore(node, graph) || (await this.breakpoints.stopsBefore(node, nodeArgs, values, graph)));
    const childSessions =
      debugNodeCode && this.client.supportsStartDebuggingRequest === true
        ? new ChildSessions(session.pool, folders, (command, request, timeoutMs, answer) => this.sendRequest(command, request, timeoutMs, answer), (line) => this.output(`${line}\n`, "console"))
        : undefined;
    return {
      session,
      job,
      cursor,
      view: new StopView(job, cursor, (line) => this.convertDebuggerLineToClient(line + 1)),
      runView,
      progress: this.client.supportsProgressReporting ? new NodeProgress(job, (event) => this.sendEvent(event)) : undefined,
      replayStops,
      childSessions,
    };
  }

  private async startJob(args: LaunchArguments): Promise<void> {
    await this.launched?.childSessions?.whenAttached();
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
    const set: NodeBreakpoint[] = [];
    response.body = {
      breakpoints: (args.breakpoints ?? []).map((requested) => {
        const placement = placeBreakpoint(this.convertClientLineToDebugger(requested.line) - 1, nodes);
        const breakpoint: DebugProtocol.Breakpoint = new Breakpoint(placement.verified, this.convertDebuggerLineToClient(placement.line + 1));
        breakpoint.id = this.nextBreakpointId++;
        if (placement.message) breakpoint.message = placement.message;
        if (placement.node) set.push({ node: placement.node, condition: requested.condition, hitCondition: requested.hitCondition, logMessage: requested.logMessage });
        return breakpoint;
      }),
    };
    if (path) this.breakpoints.set(path, set);
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

  // --- stopping and resuming ------------------------------------------------------------

  private stopped(reason: StopReason | "restart"): void {
    const launched = this.launched;
    if (!launched) return;
    launched.view.reset();
    const top = launched.view.stopFrames()[0];
    const production = top && top.job === launched.job ? launched.replayStops?.stoppedBefore(top.node, reason) : undefined;
    this.sendEvent(stoppedEvent(reason, top, launched.job, production));
    launched.runView.changed();
  }

  /** Every resume invalidates what the client holds; errors of the engine become output. */
  private async resume(action: () => Promise<void>): Promise<void> {
    const launched = this.launched;
    launched?.cursor.toPresent();
    launched?.replayStops?.resumed();
    launched?.view.reset();
    launched?.progress?.resumed();
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
    const launched = this.whenStopped(response);
    if (!launched) return;
    response.body = { allThreadsContinued: true };
    this.sendResponse(response);
    if (launched.cursor.inPast) return this.travel(launched, (cursor) => cursor.toPresent());
    void this.resume(() => launched.job.continue());
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
    const launched = this.launched;
    const node = launched && !launched.cursor.inPast ? this.functionNodeOnTop(launched) : undefined;
    const pool = launched?.session.pool;
    if (node !== undefined && pool?.inspect && !this.client.supportsStartDebuggingRequest && !pool.debuggerAttached && !launched?.job.isRunning) {
      this.output(noChildSessionsLine(node), "console");
    }
    this.stepForward(response, true);
  }

  /** The node on top of the stop when it calls a function (not a subgraph, not a map node), else undefined. */
  private functionNodeOnTop(launched: Launched): string | undefined {
    const top = launched.view.stopFrames()[0];
    if (!top || top.element) return undefined;
    const node = top.job.state(top.node).node;
    return node.subgraph === undefined && node.mapIndex === undefined ? top.node : undefined;
  }

  private stepForward(response: DebugProtocol.Response, into = false): void {
    const launched = this.whenStopped(response);
    if (!launched) return;
    this.sendResponse(response);
    if (launched.cursor.inPast) return this.travel(launched, (cursor) => cursor.forward());
    void this.resume(() => (into ? launched.job.stepIn() : launched.job.step()));
  }

  protected override stepOutRequest(response: DebugProtocol.StepOutResponse): void {
    const launched = this.whenStopped(response);
    if (!launched) return;
    this.sendResponse(response);
    if (launched.cursor.inPast) return this.travel(launched, (cursor) => cursor.toPresent());
    void this.resume(() => launched.job.stepOut());
  }

  protected override pauseRequest(response: DebugProtocol.PauseResponse): void {
    this.orchestrator?.pause();
    this.sendResponse(response);
  }

  /** Back through the finished nodes, showing their recorded values; nothing runs. */
  protected override stepBackRequest(response: DebugProtocol.StepBackResponse): void {
    const launched = this.whenStopped(response);
    if (!launched) return;
    if (!launched.cursor.back()) return this.fail(response, ErrorCode.noEarlierStep, "no earlier node: this is the first step");
    this.sendResponse(response);
    this.stopped("step");
  }

  /** Back to the latest earlier node with a breakpoint, else to the first. */
  protected override reverseContinueRequest(response: DebugProtocol.ReverseContinueResponse): void {
    const launched = this.whenStopped(response);
    if (!launched) return;
    this.sendResponse(response);
    this.travel(launched, (cursor) => cursor.backTo(this.breakpoints.nodesWithBreakpoint(launched.job.graph.file)));
  }

  /** Moves the history cursor (nothing runs) and shows where it is as a step. */
  private travel(launched: Launched, move: (cursor: HistoryCursor) => void): void {
    move(launched.cursor);
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
    const launched = this.whenStopped(response);
    if (!launched) return;
    const node = gotoTargetNode(launched.job.graph, args.targetId);
    if (node === undefined) return this.fail(response, ErrorCode.unknownGotoTarget, `no goto target ${args.targetId}: targets come from gotoTargets on a node's line`, true);
    const refusal = launched.job.gotoRefusal(node);
    if (refusal !== undefined) return this.fail(response, ErrorCode.gotoRefused, refusal, true);
    this.sendResponse(response);
    void this.resume(() => launched.job.goto(node));
  }

  protected override async restartFrameRequest(response: DebugProtocol.RestartFrameResponse, args: DebugProtocol.RestartFrameArguments): Promise<void> {
    const launched = this.whenStopped(response);
    if (!launched) return;
    const frame = launched.view.frame(args.frameId);
    if (!frame) return this.fail(response, ErrorCode.unknownFrame, "unknown frame");
    this.sendResponse(response);
    launched.cursor.toPresent();
    try {
      await frame.job.rerun(frame.node);
    } catch (e) {
      this.output(`cannot re-run ${frame.node}: ${(e as Error).message}\n`, "stderr");
    }
    this.stopped("restart");
  }

  // --- what a stop shows (stop-view.ts) -------------------------------------------------

  protected override stackTraceRequest(response: DebugProtocol.StackTraceResponse, args: DebugProtocol.StackTraceArguments): void {
    const launched = this.whenStopped(response);
    if (!launched) return;
    response.body = launched.view.stackTrace(args);
    this.sendResponse(response);
  }

  protected override scopesRequest(response: DebugProtocol.ScopesResponse, args: DebugProtocol.ScopesArguments): void {
    const frame = this.launched?.view.frame(args.frameId);
    if (!frame || !this.launched) return this.fail(response, ErrorCode.unknownFrame, "unknown frame");
    response.body = { scopes: this.launched.view.scopes(frame) };
    this.sendResponse(response);
  }

  protected override variablesRequest(response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): void {
    const view = this.launched?.view;
    const container = view?.container(args.variablesReference);
    if (!view || !container) return this.fail(response, ErrorCode.variablesGone, "these variables are gone: the graph has moved on");
    const page = args.filter === "indexed" && args.start !== undefined && args.count !== undefined ? { start: args.start, count: args.count } : undefined;
    response.body = { variables: view.variables(container, page) };
    this.sendResponse(response);
  }

  protected override exceptionInfoRequest(response: DebugProtocol.ExceptionInfoResponse): void {
    const launched = this.launched;
    const node = launched?.cursor.currentNode;
    const error = node ? launched?.job.state(node).error : undefined;
    // Stopped before a node that failed in production (and has not failed here): production's error.
    const production = node && !error && !launched?.cursor.inPast ? launched?.replayStops?.shown(node) : undefined;
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
    const launched = this.launched;
    if (!launched) return this.fail(response, ErrorCode.evaluateNoJob, "no graph is running");
    if (launched.job.isRunning) return this.fail(response, ErrorCode.evaluateWhileRunning, "the graph is running: pause it to evaluate");
    const result = await this.evaluator.evaluate(args.expression, launched.view.scopeFor(args.frameId));
    if (!result.ok) return this.fail(response, ErrorCode.evaluateFailed, result.error, args.context === "repl");
    const variable = launched.view.variable("result", result.value, args.expression);
    response.body = { result: variable.value, type: variable.type, variablesReference: variable.variablesReference, ...(variable.indexedVariables ? { indexedVariables: variable.indexedVariables } : {}) };
    this.sendResponse(response);
  }

  /** Nothing to offer while the graph runs (the values are moving) or before a launch. */
  protected override completionsRequest(response: DebugProtocol.CompletionsResponse, args: DebugProtocol.CompletionsArguments): void {
    const launched = this.launched;
    const frame = launched?.view.frameAt(args.frameId);
    const completions =
      !launched || launched.job.isRunning ? { from: 0, length: 0, items: [] } : completionsAt(textBeforeCursor(args, (c) => this.convertClientColumnToDebugger(c)), launched.view.scopeNames(frame));
    response.body = { targets: completionTargets(completions, frame?.node, (c) => this.convertDebuggerColumnToClient(c)) };
    this.sendResponse(response);
  }

  protected override async setVariableRequest(response: DebugProtocol.SetVariableResponse, args: DebugProtocol.SetVariableArguments): Promise<void> {
    const view = this.launched?.view;
    const container = view?.container(args.variablesReference);
    if (container?.kind === "outputs" && container.job !== this.orchestrator) return this.fail(response, ErrorCode.subgraphOutput, "a subgraph's outputs cannot be changed: its job ends with its node (change the output of a node of this graph)");
    const target = view?.editTarget(container, args.name);
    if (!target) return this.fail(response, ErrorCode.notAnOutput, "only node outputs, and values inside them, can be changed");
    await this.edit(response, target, args.value, (value) => {
      response.body = { value: preview(value), type: typeName(value), variablesReference: 0 };
    });
  }

  protected override async setExpressionRequest(response: DebugProtocol.SetExpressionResponse, args: DebugProtocol.SetExpressionArguments): Promise<void> {
    const target = this.orchestrator ? parseEvaluateName(args.expression, this.orchestrator.graph) : undefined;
    if (!target) return this.fail(response, ErrorCode.notAnOutputPath, "only a node output or a path into one (like priced.total or items[0].qty) can be set");
    await this.edit(response, target, args.value, (value) => {
      response.body = { value: preview(value), type: typeName(value) };
    });
  }

  private async edit(response: DebugProtocol.Response, target: EditTarget, text: string, describe: (value: unknown) => void): Promise<void> {
    const launched = this.whenStopped(response);
    if (!launched) return;
    if (launched.cursor.inPast) return this.fail(response, ErrorCode.editInPast, "values in the past cannot be edited: step forward to the present first");
    const parsed = await this.evaluator.evaluate(text, launched.view.scopeFor(undefined));
    if (!parsed.ok) return this.fail(response, ErrorCode.badValue, parsed.error, true);
    try {
      const root = replaceAt(launched.job.state(target.node).value, target.path, parsed.value);
      await launched.job.editOutput(target.node, root);
    } catch (e) {
      return this.fail(response, ErrorCode.editRefused, (e as Error).message, true);
    }
    this.output(`edited the output of ${target.node}; the nodes downstream of it will run again\n`, "console");
    launched.runView.changed();
    describe(parsed.value);
    this.sendResponse(response);
    // The nodes downstream went stale: every value shown may have changed, the call stack not.
    if (this.client.supportsInvalidatedEvent) this.sendEvent(new InvalidatedEvent(["variables"], THREAD_ID));
  }

  /** A progress's cancel cancels its node; cancelling a request is not supported (they are answered at once, or nearly). */
  protected override cancelRequest(response: DebugProtocol.CancelResponse, args: DebugProtocol.CancelArguments | undefined): void {
    if (args?.progressId !== undefined) this.launched?.progress?.cancel(args.progressId);
    this.sendResponse(response);
  }

  // --- custom requests: pinning, the graph view's node states -------------------------

  protected override customRequest(command: string, response: DebugProtocol.Response, args: unknown): void {
    if (command === PIN_TEXT_REQUEST) return this.pinTextRequest(response, args);
    if (command === RUN_VIEW_REQUEST) return this.launched ? this.sendResponse(this.launched.runView.answer(response)) : this.fail(response, ErrorCode.noRunView, NO_RUN_VIEW);
    super.customRequest(command, response, args);
  }

  /** The pin file text of an output as the Outputs scope shows it (as of the step shown, while stepped back). */
  private pinTextRequest(response: DebugProtocol.Response, raw: unknown): void {
    const args = checkedPinTextArguments(raw);
    if (!args) return this.fail(response, ErrorCode.pinUsage, PIN_TEXT_USAGE);
    const launched = this.whenStopped(response);
    if (!launched) return;
    const container = launched.view.container(args.variablesReference);
    if (container?.kind !== "outputs") return this.fail(response, ErrorCode.pinNotAnOutput, "only an output in the Outputs scope can be pinned (and these variables may be gone: the graph has moved on)", true);
    const outputs = launched.cursor.outputs(container.job);
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
    await this.closeLaunched();
    await this.evaluator.dispose();
  }

  /** Closes what the launch opened (a restart opens it again). */
  private async closeLaunched(): Promise<void> {
    const launched = this.launched;
    this.launched = undefined;
    if (!launched) return;
    launched.childSessions?.close();
    launched.runView.dispose();
    launched.progress?.dispose();
    await launched.session.close().catch(() => undefined);
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.sendEvent(new TerminatedEvent());
  }

  /** The launched job when it is stopped; else undefined, and the error response was sent. */
  private whenStopped(response: DebugProtocol.Response): Launched | undefined {
    const launched = this.launched;
    if (!launched) return void this.fail(response, ErrorCode.noJob, "no graph is running");
    if (launched.job.isRunning) return void this.fail(response, ErrorCode.running, "the graph is running: pause it first");
    return launched;
  }

  /** An error response; the message is passed as a variable, so braces in it are kept. */
  private fail(response: DebugProtocol.Response, id: ErrorCodeNumber, message: string, showUser = false): void {
    // Only variables named with a leading underscore are substituted into response.message.
    this.sendErrorResponse(response, { id, format: "{_message}", variables: { _message: message }, showUser });
  }

  private output(text: string, category: ConsoleCategory): void {
    this.sendEvent(new OutputEvent(text, category));
  }
}

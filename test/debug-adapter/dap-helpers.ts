// Driving the built debug adapter with a real DAP client.
import { DebugClient } from "@vscode/debugadapter-testsupport";
import type { DebugProtocol } from "@vscode/debugprotocol";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { RUN_VIEW_EVENT, type RunView } from "../../src/runtime/run-view";
import { repoRoot } from "../helpers";

export const adapterPath = join(repoRoot, "dist", "debug-adapter.js");

export interface Breakpoints {
  path: string;
  breakpoints: DebugProtocol.SourceBreakpoint[];
}

/** What the client announces in `initialize` beyond the basics (`supportsInvalidatedEvent`, `supportsProgressReporting`, ...). */
export type ClientCapabilities = Partial<DebugProtocol.InitializeRequestArguments>;

/** Starts the adapter and launches: initialize, then launch while breakpoints and configurationDone go out, as VS Code does. */
export async function launch(
  t: TestContext,
  args: Record<string, unknown>,
  breakpoints?: Breakpoints,
  exceptionFilters: string[] = ["nodeErrors"],
  capabilities: ClientCapabilities = {},
  /** Called once the adapter runs, before `initialize` (to answer reverse requests, say). */
  prepare?: (client: DebugClient) => void,
): Promise<DebugClient> {
  const client = new DebugClient("node", adapterPath, "stepgraph");
  client.defaultTimeout = 15_000;
  await client.start();
  t.after(() => client.stop().catch(() => undefined));
  prepare?.(client);
  queueStops(client);
  recordRunViews(client);
  recordOutput(client);
  const initialized = client.waitForEvent("initialized");
  await client.initializeRequest({ ...capabilities, adapterID: "stepgraph", linesStartAt1: true, columnsStartAt1: true, pathFormat: "path" });
  const launched = client.launchRequest(args as DebugProtocol.LaunchRequestArguments);
  await initialized;
  if (breakpoints) await client.setBreakpointsRequest({ source: { path: breakpoints.path }, breakpoints: breakpoints.breakpoints });
  await client.setExceptionBreakpointsRequest({ filters: exceptionFilters });
  await client.configurationDoneRequest();
  await launched;
  return client;
}

interface StopQueue {
  events: DebugProtocol.StoppedEvent[];
  waiters: ((event: DebugProtocol.StoppedEvent) => void)[];
}
const stopQueues = new WeakMap<DebugClient, StopQueue>();

/** Keeps every stopped event from the start, so that one sent before a test waits for it is not lost. */
function queueStops(client: DebugClient): void {
  const queue: StopQueue = { events: [], waiters: [] };
  stopQueues.set(client, queue);
  client.on("stopped", (event: DebugProtocol.StoppedEvent) => {
    const waiter = queue.waiters.shift();
    if (waiter) waiter(event);
    else queue.events.push(event);
  });
}

function nextStop(client: DebugClient): Promise<DebugProtocol.StoppedEvent> {
  const queue = stopQueues.get(client);
  if (!queue) return client.waitForEvent("stopped") as Promise<DebugProtocol.StoppedEvent>;
  const queued = queue.events.shift();
  if (queued) return Promise.resolve(queued);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no stopped event within 15 s")), 15_000);
    queue.waiters.push((event) => {
      clearTimeout(timer);
      resolve(event);
    });
  });
}

const runViewLogs = new WeakMap<DebugClient, RunView[]>();

/** Keeps every run view event's body from the start, in order. */
function recordRunViews(client: DebugClient): void {
  const views: RunView[] = [];
  runViewLogs.set(client, views);
  client.on(RUN_VIEW_EVENT, (event: DebugProtocol.Event) => views.push(event.body as RunView));
}

/** Every run view the adapter has sent so far (the list grows as more arrive). */
export function runViews(client: DebugClient): RunView[] {
  return runViewLogs.get(client) ?? [];
}

/** The latest run view once one satisfies `holds` (the latest now, or one still to come). */
export async function runViewWhere(client: DebugClient, holds: (view: RunView) => boolean): Promise<RunView> {
  for (;;) {
    const latest = runViews(client).at(-1);
    if (latest && holds(latest)) return latest;
    await client.waitForEvent(RUN_VIEW_EVENT);
  }
}

export async function stoppedAt(client: DebugClient): Promise<{ reason: string; description?: string; node: string; line: number; frames: DebugProtocol.StackFrame[] }> {
  const event = await nextStop(client);
  const { body } = await client.stackTraceRequest({ threadId: 1 });
  return { reason: event.body.reason, description: event.body.description, node: body.stackFrames[0].name.split(" ")[0], line: body.stackFrames[0].line, frames: body.stackFrames };
}

/** Scope name → variable name → shown value, for the top frame. */
export async function scopeValues(client: DebugClient, frameId?: number): Promise<Record<string, Record<string, string>>> {
  const id = frameId ?? (await client.stackTraceRequest({ threadId: 1 })).body.stackFrames[0].id;
  const { body } = await client.scopesRequest({ frameId: id });
  const result: Record<string, Record<string, string>> = {};
  for (const scope of body.scopes) {
    const variables = (await client.variablesRequest({ variablesReference: scope.variablesReference })).body.variables;
    result[scope.name] = Object.fromEntries(variables.map((v) => [v.name, v.value]));
  }
  return result;
}

export async function variables(client: DebugClient, scopeName: string): Promise<DebugProtocol.Variable[]> {
  const frameId = (await client.stackTraceRequest({ threadId: 1 })).body.stackFrames[0].id;
  const scope = (await client.scopesRequest({ frameId })).body.scopes.find((s) => s.name === scopeName);
  if (!scope) throw new Error(`no scope ${scopeName}`);
  return (await client.variablesRequest({ variablesReference: scope.variablesReference })).body.variables;
}

const outputLogs = new WeakMap<DebugClient, string[]>();

/** Keeps every output event's text from the start, launch included. */
function recordOutput(client: DebugClient): void {
  const lines: string[] = [];
  outputLogs.set(client, lines);
  client.on("output", (event: DebugProtocol.OutputEvent) => lines.push(event.body.output));
}

/** Every output event's text the adapter has sent since it started (the list grows as more arrive). */
export function outputSinceStart(client: DebugClient): string[] {
  return outputLogs.get(client) ?? [];
}

/** Collects output events' text. */
export function collectOutput(client: DebugClient): string[] {
  const lines: string[] = [];
  client.on("output", (event: DebugProtocol.OutputEvent) => lines.push(event.body.output));
  return lines;
}

/**
 * Answers the adapter's reverse requests of one command with `answer` (DebugClient drops
 * reverse requests: its dispatch takes every message that is not an event for a response).
 */
export function onReverseRequest(client: DebugClient, command: string, answer: (request: DebugProtocol.Request) => Promise<{ success: boolean; message?: string }>): void {
  const raw = client as unknown as { dispatch(body: string): void; outputStream: NodeJS.WritableStream };
  const dispatch = raw.dispatch.bind(client);
  let seq = 1_000_000;
  raw.dispatch = (body: string) => {
    const message = JSON.parse(body) as DebugProtocol.ProtocolMessage;
    if (message.type !== "request" || (message as DebugProtocol.Request).command !== command) return dispatch(body);
    const request = message as DebugProtocol.Request;
    void answer(request).then(({ success, message: text }) => {
      const response: DebugProtocol.Response = { seq: seq++, type: "response", request_seq: request.seq, command, success, ...(text ? { message: text } : {}) };
      const json = JSON.stringify(response);
      raw.outputStream.write(`Content-Length: ${Buffer.byteLength(json, "utf8")}\r\n\r\n${json}`, "utf8");
    });
  };
}

/** The adapter process a DebugClient started. */
export function adapterPid(client: DebugClient): number {
  const pid = (client as unknown as { _adapterProcess?: { pid?: number } })._adapterProcess?.pid;
  if (pid === undefined) throw new Error("the DebugClient started no adapter process");
  return pid;
}

// A node host: a child process that runs node functions for the ProcessPool, one at a
// time, so that user code never runs in the process of the editor, adapter or CLI. Started
// with --enable-source-maps, so stacks point into the TypeScript source; in development,
// with the inspector too (--inspect on a free port), for the editor's JavaScript debugger.
import { close as closeInspector, url as inspectorUrl } from "node:inspector";
import { format } from "node:util";
import { armEntryBreakpoint } from "./entry-breakpoint";
import type { FromHost, LogLevel, ToHost } from "./host-protocol";
import { callNodeFunction, describeNodeError, type NodeFunction } from "./node-call";
import { exitWithParent } from "./parent-watchdog";
import { decodeValue } from "./values";

let currentRunId = -1;
const controllers = new Map<number, AbortController>();

function send(message: FromHost): void {
  process.send?.(message);
}

// Everything the node code writes becomes a log message tagged with the run it belongs to.
function capture(stream: NodeJS.WriteStream, level: LogLevel): void {
  stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
    send({ type: "log", runId: currentRunId, level, text: text.replace(/\n$/, "") });
    const callback = rest.find((r) => typeof r === "function") as (() => void) | undefined;
    callback?.();
    return true;
  }) as typeof stream.write;
}
capture(process.stdout, "log");
capture(process.stderr, "error");

async function run(message: Extract<ToHost, { type: "run" }>): Promise<void> {
  const { runId } = message;
  const controller = new AbortController();
  controllers.set(runId, controller);
  currentRunId = runId;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- bundles are CommonJS files built per module
    const loaded = require(message.bundlePath) as Record<string, unknown>;
    const fn = loaded[message.exportName];
    if (typeof fn !== "function") throw new Error(`'${message.exportName}' is not a function in ${message.bundlePath}`);
    const args = decodeValue(message.args) as unknown[];
    const disarm = message.pauseOnEntry ? await armEntryBreakpoint(fn as NodeFunction) : undefined;
    // The breakpoint is for this call: disarmed once the function has returned (or given its
    // promise), so that a recursive call pauses too, and the next run not.
    const call = disarm ? (...callArgs: unknown[]) => {
      try {
        return (fn as NodeFunction)(...callArgs);
      } finally {
        disarm();
      }
    } : (fn as NodeFunction);
    // The pool keeps the time limit: only a process boundary stops code that ignores its signal.
    const outcome = await callNodeFunction(call, args, message.context, {
      signal: controller.signal,
      log: (text) => send({ type: "log", runId, level: "log", text }),
      isCallerFrame,
    });
    send(outcome.ok ? { type: "done", runId, ok: true, value: outcome.encoded } : { type: "done", runId, ok: false, error: outcome.error });
  } catch (e) {
    send({ type: "done", runId, ok: false, error: describeNodeError(e, isCallerFrame) });
  } finally {
    controllers.delete(runId);
  }
}

function isCallerFrame(line: string): boolean {
  return /node-host\.(ts|js)/.test(line);
}

process.on("message", (message: ToHost) => {
  if (message.type === "run") void run(message);
  else controllers.get(message.runId)?.abort(new Error(message.reason));
});

// The host lives as long as its pool: when the parent goes, so does the host; the watchdog
// covers a node that blocks the event loop, where the disconnect event never comes.
// The inspector is closed first: with a debugger attached, Node would wait for it to go.
process.on("disconnect", () => {
  closeInspector();
  process.exit(0);
});

const inspector = inspectorUrl();
send(inspector === undefined ? { type: "ready" } : { type: "ready", inspectorUrl: inspector });
exitWithParent();

// A promise the node code forgot, or a throw from one of its timers, must not end the host
// (and with it the other runs); it is reported with the run that was last started.
process.on("unhandledRejection", (reason) => send({ type: "log", runId: currentRunId, level: "error", text: `unhandled rejection: ${format("%O", reason)}` }));
process.on("uncaughtException", (error) => send({ type: "log", runId: currentRunId, level: "error", text: `uncaught exception: ${error.stack ?? error.message}` }));

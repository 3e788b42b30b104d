// Whole debug sessions as transcripts, compared with checked-in files (test/debug-adapter/
// golden/*.txt), in the manner of vscode-js-debug's golden tests: at every stop, the stopped
// event, the call stack and every scope's variables, and the responses of the requests that
// led there. What differs from run to run (variable references, frame ids, durations, times,
// cache keys, the workspace's path) is replaced by a placeholder. A change of what a user sees
// in the debugger then shows as a diff of the file. To accept a change on purpose:
// STEPGRAPH_UPDATE_GOLDEN=1 node --test out/test/debug-adapter/golden.test.js
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test, type TestContext } from "node:test";
import type { DebugClient } from "@vscode/debugadapter-testsupport";
import type { DebugProtocol } from "@vscode/debugprotocol";
import { repoRoot } from "../helpers";
import { copyFixture, type Workspace } from "../runtime/workspace";
import { actAsChildSession } from "./child-session";
import { launch, stoppedAt } from "./dap-helpers";

const goldenDir = join(repoRoot, "test", "debug-adapter", "golden");
const UPDATE = process.env.STEPGRAPH_UPDATE_GOLDEN === "1";

/** A session's transcript, line by line, with what varies between runs replaced. */
class Transcript {
  private readonly lines: string[] = [];

  constructor(private readonly ws: Workspace) {}

  request(command: string): void {
    this.lines.push(command);
  }

  add(label: string, body: unknown): void {
    this.lines.push(`${label} ${this.stable(JSON.stringify(body))}`);
  }

  /** The stop the last request led to: the event, the stack, every scope of the top frame and its variables. */
  async stop(client: DebugClient): Promise<void> {
    const stop = await stoppedAt(client);
    this.add("stopped", { reason: stop.reason, description: stop.description });
    this.add("  stack", stop.frames.map((frame) => ({ name: frame.name, source: frame.source?.path, line: frame.line })));
    const { body } = await client.scopesRequest({ frameId: stop.frames[0].id });
    for (const scope of body.scopes) {
      const variables = (await client.variablesRequest({ variablesReference: scope.variablesReference })).body.variables;
      this.add(`  scope ${scope.name}`, variables.map(({ name, value, type, variablesReference }) => ({ name, value, type, expandable: variablesReference > 0 })));
    }
  }

  text(): string {
    return `${this.lines.join("\n")}\n`;
  }

  private stable(text: string): string {
    return text
      .split(this.ws.dir)
      .join("${workspace}")
      .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, "<time>")
      .replace(/\\"durationMs\\",\\"value\\":\\"[\d.]+\\"/g, '\\"durationMs\\",\\"value\\":\\"<ms>\\"')
      .replace(/"name":"durationMs","value":"[\d.]+"/g, '"name":"durationMs","value":"<ms>"')
      .replace(/"name":"key","value":"[^"]*"/g, '"name":"key","value":"<key>"')
      .replace(/\d+(\.\d+)? ms\b/g, "<n> ms");
  }
}

/** Compares a transcript with its checked-in file (or writes the file, with STEPGRAPH_UPDATE_GOLDEN=1). */
function assertGolden(name: string, transcript: Transcript): void {
  const file = join(goldenDir, `${name}.txt`);
  if (UPDATE) {
    writeFileSync(file, transcript.text());
    return;
  }
  assert.ok(existsSync(file), `no golden file ${file}: run with STEPGRAPH_UPDATE_GOLDEN=1 to write it`);
  assert.equal(transcript.text(), readFileSync(file, "utf8"), `the session differs from ${file}`);
}

type Step = "next" | "stepIn" | "stepOut" | "continue";

/** A stepping request and the stop it leads to. */
async function step(client: DebugClient, transcript: Transcript, command: Step): Promise<void> {
  transcript.request(command);
  await Promise.all([client.customRequest(command, { threadId: 1 }), transcript.stop(client)]);
}

/** A stepping request that ends the job. */
async function stepToEnd(client: DebugClient, transcript: Transcript, command: Step): Promise<void> {
  transcript.request(command);
  await Promise.all([client.customRequest(command, { threadId: 1 }), client.waitForEvent("terminated")]);
  transcript.request("terminated");
}

async function session(t: TestContext, ws: Workspace, args: Record<string, unknown>, breakpoints?: { path: string; lines: number[] }): Promise<{ client: DebugClient; transcript: Transcript }> {
  const transcript = new Transcript(ws);
  const client = await launch(t, { redisUrl: "memory", cwd: ws.dir, ...args }, breakpoints && { path: breakpoints.path, breakpoints: breakpoints.lines.map((line) => ({ line })) });
  return { client, transcript };
}

describe("golden transcripts of whole debug sessions", () => {
  test("entry and stepping: stop on entry, next over every node to the end", async (t) => {
    const ws = copyFixture("pipeline");
    const { client, transcript } = await session(t, ws, { graph: ws.path("pipeline.graph"), input: { n: 3 } });
    await transcript.stop(client);
    for (let i = 0; i < 4; i++) await step(client, transcript, "next");
    await stepToEnd(client, transcript, "next");
    assertGolden("entry-and-stepping", transcript);
  });

  test("breakpoints: on a node line, on a line inside no node (moved to the next node), after the last node (unverified); continue between them", async (t) => {
    const ws = copyFixture("pipeline");
    const graph = ws.path("pipeline.graph");
    const { client, transcript } = await session(t, ws, { graph, input: { n: 3 } });
    await transcript.stop(client);
    const set = await client.setBreakpointsRequest({ source: { path: graph }, breakpoints: [{ line: 12 }, { line: 10 }, { line: 17 }] });
    transcript.add("setBreakpoints →", set.body.breakpoints.map(({ verified, line, message }) => ({ verified, line, message })));
    await step(client, transcript, "continue");
    await stepToEnd(client, transcript, "continue");
    assertGolden("breakpoints", transcript);
  });

  test("map: the stop on entry is at element 0; next goes element by element, then past the node", async (t) => {
    const ws = copyFixture("v2");
    ws.write("stepping.graph", ["graph stepping", 'use "./nodes/v2.ts"', "input list = [1, 2, 3]", "node scaled = scale(map list, 2)", "node last = echo(scaled)"].join("\n"));
    const { client, transcript } = await session(t, ws, { graph: ws.path("stepping.graph") });
    await transcript.stop(client);
    for (let i = 0; i < 3; i++) await step(client, transcript, "next");
    await stepToEnd(client, transcript, "continue");
    assertGolden("map", transcript);
  });

  test("subgraph: stepIn enters it, stepOut returns to the caller", async (t) => {
    const ws = copyFixture("v2");
    const { client, transcript } = await session(t, ws, { graph: ws.path("uses-a.graph") });
    await transcript.stop(client);
    await step(client, transcript, "stepIn");
    await step(client, transcript, "next");
    await step(client, transcript, "stepOut");
    await stepToEnd(client, transcript, "continue");
    assertGolden("subgraph", transcript);
  });

  test("step into code: the child session asked for, stepIn pauses in the node's function, its return stops the graph before the next node", async (t) => {
    const ws = copyFixture("stepin", "debug-adapter");
    const transcript = new Transcript(ws);
    const { prepare, child } = actAsChildSession(t);
    const args = { graph: ws.path("steps.graph"), input: { n: 20 }, cwd: ws.dir, redisUrl: "memory", poolSize: 1 };
    const client = await launch(t, args, undefined, ["nodeErrors"], { supportsStartDebuggingRequest: true }, prepare);
    await transcript.stop(client);
    transcript.add("startDebugging ←", child.requests.map(stableAttach));
    const inspector = await child.inspector;
    transcript.request("stepIn");
    await client.stepInRequest({ threadId: 1 });
    const paused = await inspector.nextEvent("Debugger.paused");
    const [top] = paused.params.callFrames as { functionName: string }[];
    transcript.add("  child session paused", { reason: paused.params.reason, function: top.functionName });
    transcript.request("child session: Debugger.resume");
    await Promise.all([inspector.send("Debugger.resume"), transcript.stop(client)]);
    await stepToEnd(client, transcript, "continue");
    assertGolden("step-into-code", transcript);
  });
});

/** A startDebugging request with what differs between runs (the inspector's address, the host's pid, the adapter's folder) replaced. */
function stableAttach({ request, configuration }: DebugProtocol.StartDebuggingRequestArguments): unknown {
  return {
    request,
    configuration: {
      ...configuration,
      name: String(configuration.name).replace(/\d+$/, "<pid>"),
      websocketAddress: "<ws://127.0.0.1:port/id>",
      port: "<port>",
      skipFiles: (configuration.skipFiles as string[]).map((glob) => glob.split(repoRoot).join("${repo}")),
    },
  };
}

// The launch configuration resolution behind F5 and the Debug/Run Graph commands.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  graphLaunchConfiguration,
  noGraphMessage,
  parseDuration,
  resolveDebugConfiguration,
  untrustedMessage,
  type ResolutionContext,
} from "../../src/extension/debug-configuration";

const graphFile = { path: "/ws/orders/orders.graph", languageId: "stepgraph" };
const noSettings = { redisUrl: "", defaultTtl: "" };
const context: ResolutionContext = { activeFile: graphFile, workspaceFolder: "/ws", settings: noSettings, trusted: true };

function resolved(config: Record<string, unknown>, overrides: Partial<ResolutionContext> = {}) {
  const resolution = resolveDebugConfiguration(config, { ...context, ...overrides });
  assert.ok(resolution.ok, `expected a configuration, got: ${resolution.ok ? "" : resolution.message}`);
  return resolution.configuration;
}

function refused(config: Record<string, unknown>, overrides: Partial<ResolutionContext> = {}): string {
  const resolution = resolveDebugConfiguration(config, { ...context, ...overrides });
  assert.ok(!resolution.ok, "expected the launch to be refused");
  return resolution.message;
}

describe("parseDuration", () => {
  test("reads each unit", () => {
    assert.equal(parseDuration("7d"), 7 * 86_400_000);
    assert.equal(parseDuration("12h"), 12 * 3_600_000);
    assert.equal(parseDuration("30m"), 30 * 60_000);
    assert.equal(parseDuration("90s"), 90_000);
    assert.equal(parseDuration("250ms"), 250);
    assert.equal(parseDuration(" 1.5h "), 5_400_000);
  });

  test("rejects what is not a duration", () => {
    for (const text of ["", "7", "d", "7x", "7 days", "-1h", "forever", "1h30m"]) assert.equal(parseDuration(text), undefined, text);
  });
});

describe("resolveDebugConfiguration", () => {
  test("F5 with no launch.json launches the active graph file, stopping on entry, in the workspace folder", () => {
    assert.deepEqual(resolved({}), {
      type: "stepgraph",
      request: "launch",
      name: "Debug orders.graph",
      graph: "/ws/orders/orders.graph",
      stopOnEntry: true,
      cwd: "/ws",
    });
  });

  test("a file with the .graph extension counts even when its language id differs", () => {
    assert.equal(resolved({}, { activeFile: { path: "/ws/a.graph", languageId: "plaintext" } }).graph, "/ws/a.graph");
  });

  test("no graph file: refused with a message saying what to do", () => {
    assert.equal(refused({}, { activeFile: undefined }), noGraphMessage());
    assert.equal(refused({}, { activeFile: { path: "/ws/nodes.ts", languageId: "typescript" } }), noGraphMessage());
    assert.equal(refused({ type: "stepgraph", request: "launch", name: "x" }, { activeFile: undefined }), noGraphMessage());
  });

  test("a graph that is not a path is refused", () => {
    assert.match(refused({ graph: "" }), /'graph' must be the path of a \.graph file/);
    assert.match(refused({ graph: 42 }), /'graph' must be the path/);
  });

  test("a launch.json configuration keeps what it says and gains only what is missing", () => {
    const config = { type: "stepgraph", request: "launch", name: "Mine", graph: "${file}", stopOnEntry: false, cache: "refresh", input: { id: 1 } };
    assert.deepEqual(resolved(config, { activeFile: undefined }), { ...config, cwd: "/ws" });
  });

  test("the settings fill redisUrl and defaultTtlMs when the configuration leaves them out", () => {
    const settings = { redisUrl: "redis://cache:6380", defaultTtl: "12h" };
    const configuration = resolved({}, { settings });
    assert.equal(configuration.redisUrl, "redis://cache:6380");
    assert.equal(configuration.defaultTtlMs, 12 * 3_600_000);
  });

  test("attributes the configuration sets win over the settings", () => {
    const configuration = resolved({ redisUrl: "memory", defaultTtlMs: 5, cwd: "/elsewhere" }, { settings: { redisUrl: "redis://cache", defaultTtl: "7d" } });
    assert.equal(configuration.redisUrl, "memory");
    assert.equal(configuration.defaultTtlMs, 5);
    assert.equal(configuration.cwd, "/elsewhere");
  });

  test("empty settings add nothing, and a blank Redis URL counts as empty", () => {
    const configuration = resolved({}, { settings: { redisUrl: "  ", defaultTtl: "" } });
    assert.equal("redisUrl" in configuration, false);
    assert.equal("defaultTtlMs" in configuration, false);
  });

  test("a defaultTtl setting that is not a duration is refused, naming the setting", () => {
    assert.match(refused({}, { settings: { redisUrl: "", defaultTtl: "a week" } }), /stepgraph\.cache\.defaultTtl 'a week' is not a duration/);
  });

  test("a configuration's own defaultTtlMs makes a bad setting harmless", () => {
    assert.equal(resolved({ defaultTtlMs: 1000 }, { settings: { redisUrl: "", defaultTtl: "a week" } }).defaultTtlMs, 1000);
  });

  test("without a workspace folder cwd is left to the adapter (the graph's folder)", () => {
    assert.equal("cwd" in resolved({}, { workspaceFolder: undefined }), false);
  });

  test("only launch requests", () => {
    assert.match(refused({ type: "stepgraph", request: "attach", name: "x", graph: "/a.graph" }), /always launched/);
  });

  test("an untrusted workspace runs nothing", () => {
    assert.equal(refused({}, { trusted: false }), untrustedMessage());
    assert.equal(refused({ type: "stepgraph", request: "launch", name: "x", graph: "/ws/a.graph" }, { trusted: false }), untrustedMessage());
  });

  test("a replay stops before the node that failed in production unless it says stopOnEntry, and reads the production Redis the setting names", () => {
    const settings = { redisUrl: "rediss://app:pw@queues:6380", defaultTtl: "" };
    const replay = resolved({ graph: "/ws/a.graph", replay: { job: "7" } }, { settings });
    assert.equal(replay.stopOnEntry, false);
    assert.deepEqual(replay.replay, { job: "7", redisUrl: "rediss://app:pw@queues:6380" });
    assert.equal(resolved({ graph: "/ws/a.graph", replay: { job: 7 }, stopOnEntry: true }, { settings }).stopOnEntry, true);
    // Its own URL wins; a development-only setting is no production Redis (the adapter then takes STEPGRAPH_REDIS_URL, else 127.0.0.1:6379).
    assert.deepEqual(resolved({ graph: "/ws/a.graph", replay: { job: "7", redisUrl: "redis://other:1" } }, { settings }).replay, { job: "7", redisUrl: "redis://other:1" });
    assert.deepEqual(resolved({ graph: "/ws/a.graph", replay: { job: "7" } }, { settings: { redisUrl: "private", defaultTtl: "" } }).replay, { job: "7" });
    // What is not an object is left for the adapter to refuse.
    assert.equal(resolved({ graph: "/ws/a.graph", replay: "7" }, { settings }).replay, "7");
  });

  test("Run Graph: no stops and noDebug, and the resolution keeps them", () => {
    const run = graphLaunchConfiguration("/ws/a.graph", { noDebug: true });
    assert.deepEqual(run, { type: "stepgraph", request: "launch", name: "Run a.graph", graph: "/ws/a.graph", stopOnEntry: false, noDebug: true });
    assert.deepEqual(resolved(run), { ...run, cwd: "/ws" });
  });
});

describe("a node host's child session (startDebugging)", () => {
  test("goes to the JavaScript debugger: VS Code gives it the parent's type, the resolution makes it pwa-node", () => {
    const config = { type: "stepgraph", request: "attach", name: "node host 1", __stepgraphNodeHost: true, websocketAddress: "ws://127.0.0.1:9229/x", sourceMaps: true };
    const configuration = resolved(config, { activeFile: undefined });
    assert.equal(configuration.type, "pwa-node");
    assert.equal(configuration.websocketAddress, "ws://127.0.0.1:9229/x");
  });

  test("an attach without the marker is still refused", () => {
    assert.match(refused({ type: "stepgraph", request: "attach", graph: "/ws/a.graph" }), /always launched/);
  });
});

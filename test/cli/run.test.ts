// `stepgraph run` against a real redis-server the test starts: the cache's behaviour as a
// user sees it (which nodes ran, which came from the cache), and every failure kind.
import assert from "node:assert/strict";
import { connect } from "node:net";
import { after, before, describe, test } from "node:test";
import { startTestRedis, type TestRedis } from "../redis-harness";
import { runCli, type CliResult } from "../helpers";
import { copyFixture, type Workspace } from "../runtime/workspace";

interface RunJson {
  outputs: Record<string, unknown>;
  nodes: { name: string; status: string; durationMs: number; why?: string }[];
}

let redis: TestRedis;
before(async () => {
  redis = await startTestRedis();
});
after(() => redis.stop());

function run(workspace: Workspace, graph: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): CliResult {
  return runCli(["run", workspace.path(graph), "--json", ...args], {
    cwd: workspace.dir,
    env: { ...process.env, STEPGRAPH_REDIS_URL: redis.url, STEPGRAPH_STATE_DIR: workspace.stateDir, ...env },
  });
}

function statuses(result: CliResult): Record<string, string> {
  assert.ok(result.stdout.startsWith("{"), `expected JSON, got:\n${result.stdout}\n${result.stderr}`);
  const json = JSON.parse(result.stdout) as RunJson;
  assert.deepEqual(Object.keys(json).sort(), ["nodes", "outputs"]);
  return Object.fromEntries(json.nodes.map((n) => [n.name, n.status]));
}

describe("the cache", () => {
  const input = ["--input", '{"n": 3}'];

  test("a cold run runs every node; a warm run takes them from the cache", () => {
    const ws = copyFixture("pipeline");
    const cold = run(ws, "pipeline.graph", input);
    assert.equal(cold.status, 0, cold.stderr);
    assert.deepEqual(statuses(cold), { doubled: "ran", squared: "ran", shout: "ran", total: "ran", stamp: "ran" });
    const outputs = (JSON.parse(cold.stdout) as RunJson).outputs;
    assert.equal(outputs.total, 15);
    assert.match(String(outputs.stamp), /^HELLO@\d+$/);

    const warm = run(ws, "pipeline.graph", input);
    assert.deepEqual(statuses(warm), { doubled: "cached", squared: "cached", shout: "cached", total: "cached", stamp: "ran" }, "cache: off still runs");
    assert.equal((JSON.parse(warm.stdout) as RunJson).outputs.total, 15);
  });

  test("an edit to a node's module re-runs exactly its nodes and what they feed", () => {
    const ws = copyFixture("pipeline");
    run(ws, "pipeline.graph", input);
    ws.edit("nodes/text.ts", (t) => t.replace("word.toUpperCase()", "word.toUpperCase() + '!'"));
    assert.deepEqual(statuses(run(ws, "pipeline.graph", input)), { doubled: "cached", squared: "cached", total: "cached", shout: "ran", stamp: "ran" });
  });

  test("an edit to a module that a node module imports re-runs the nodes of the importer", () => {
    const ws = copyFixture("pipeline");
    run(ws, "pipeline.graph", input);
    ws.edit("nodes/helper.ts", (t) => t.replace("FACTOR = 2", "FACTOR = 3"));
    const result = run(ws, "pipeline.graph", input);
    assert.deepEqual(statuses(result), { doubled: "ran", squared: "ran", total: "ran", shout: "cached", stamp: "ran" });
    assert.equal((JSON.parse(result.stdout) as RunJson).outputs.total, 18);
  });

  test("an edit to comments only changes nothing", () => {
    const ws = copyFixture("pipeline");
    run(ws, "pipeline.graph", input);
    ws.edit("nodes/math.ts", (t) => `// a comment\n${t}`);
    assert.equal(statuses(run(ws, "pipeline.graph", input)).doubled, "cached");
  });

  test("a changed input re-runs the nodes that depend on it", () => {
    const ws = copyFixture("pipeline");
    run(ws, "pipeline.graph", input);
    assert.deepEqual(statuses(run(ws, "pipeline.graph", ["--input", '{"n": 4}'])), { doubled: "ran", squared: "ran", total: "ran", shout: "cached", stamp: "ran" });
    assert.deepEqual(statuses(run(ws, "pipeline.graph", ["--input", '{"n": 4, "word": "bye"}'])), { doubled: "cached", squared: "cached", total: "cached", shout: "ran", stamp: "ran" });
  });

  test("an entry expires after its TTL", async () => {
    const ws = copyFixture("pipeline");
    ws.edit("pipeline.graph", (t) => t.replace("node squared  = square(n)", "node squared  = square(n)  [cache: 2s]"));
    run(ws, "pipeline.graph", input);
    assert.equal(statuses(run(ws, "pipeline.graph", input)).squared, "cached");
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const after = statuses(run(ws, "pipeline.graph", input));
    assert.equal(after.squared, "ran");
    assert.equal(after.doubled, "cached");
  });

  test("--cache refresh runs everything and overwrites; --cache off neither reads nor writes", () => {
    const ws = copyFixture("pipeline");
    ws.edit("pipeline.graph", (t) => t.replace("graph pipeline", "graph pipeline_modes"));
    assert.ok(Object.values(statuses(run(ws, "pipeline.graph", [...input, "--cache", "off"]))).every((s) => s === "ran"));
    assert.ok(Object.values(statuses(run(ws, "pipeline.graph", [...input, "--cache", "off"]))).every((s) => s === "ran"), "off wrote nothing");
    assert.ok(Object.values(statuses(run(ws, "pipeline.graph", [...input, "--cache", "refresh"]))).every((s) => s === "ran"));
    assert.equal(statuses(run(ws, "pipeline.graph", input)).total, "cached", "refresh wrote");
  });

  test("a corrupt entry is a miss with a warning, never a crash", async () => {
    const ws = copyFixture("pipeline");
    ws.edit("pipeline.graph", (t) => t.replace("graph pipeline", "graph pipeline_corrupt"));
    run(ws, "pipeline.graph", input);
    const keys = await redis.client.keys("stepgraph:{pipeline_corrupt}:cache:squared:*");
    assert.equal(keys.length, 1);
    await redis.client.set(keys[0], '{"format":1,"value":"[not devalue');
    const result = run(ws, "pipeline.graph", input);
    assert.equal(result.status, 0);
    assert.equal(statuses(result).squared, "ran");
    assert.match(result.stderr, /\[squared\] warn: ignoring an unreadable cache entry/);
  });

  test("cache clear of something that is neither a graph name nor a file is one clear line", () => {
    const result = runCli(["cache", "clear", "no such.graph", "--redis", redis.url]);
    assert.equal(result.status, 2);
    assert.equal(result.stderr, "stepgraph: cache clear: 'no such.graph' is neither a graph name (as in 'graph NAME') nor an existing .graph file\n");
  });

  test("cache clear removes one graph's entries", () => {
    const ws = copyFixture("pipeline");
    ws.edit("pipeline.graph", (t) => t.replace("graph pipeline", "graph pipeline_clear"));
    run(ws, "pipeline.graph", input);
    const cleared = runCli(["cache", "clear", ws.path("pipeline.graph"), "--redis", redis.url], { cwd: ws.dir });
    assert.equal(cleared.status, 0, cleared.stderr);
    assert.match(cleared.stdout, /^cleared 4 cached outputs of graph 'pipeline_clear'/);
    assert.equal(statuses(run(ws, "pipeline.graph", input)).total, "ran");
  });

  test("the private redis-server keeps the cache between runs and is stopped after each", () => {
    const ws = copyFixture("pipeline");
    const env = { STEPGRAPH_REDIS_URL: "" };
    assert.equal(statuses(run(ws, "pipeline.graph", [...input, "--redis", "private"], env)).total, "ran");
    assert.equal(statuses(run(ws, "pipeline.graph", [...input, "--redis", "private"], env)).total, "cached");
    const socketPath = ws.path(".stepgraph", "redis", "redis.sock");
    assert.ok(socketPath.length < 100, "the socket is beside the data");
    const probe = connect(socketPath);
    return new Promise<void>((resolve, reject) => {
      probe.on("connect", () => reject(new Error("the private redis-server is still running")));
      probe.on("error", () => resolve());
    });
  });
});

describe("why a node ran", () => {
  const input = ["--input", '{"n": 3}'];
  /** The lines of a text run (not --json), against the test's Redis. */
  function lines(workspace: Workspace, args: string[]): string[] {
    const result = runCli(["run", workspace.path("pipeline.graph"), ...args], { cwd: workspace.dir, env: { ...process.env, STEPGRAPH_REDIS_URL: redis.url, STEPGRAPH_STATE_DIR: workspace.stateDir } });
    assert.equal(result.status, 0, result.stderr);
    return result.stdout.split("\n");
  }
  const line = (all: string[], node: string) => all.find((l) => l.startsWith(`  ${node} `)) ?? `no line for ${node}`;

  test("after ran: never cached, code naming the file, input naming the parameter, options; nothing after cached", () => {
    const ws = copyFixture("pipeline");
    ws.edit("pipeline.graph", (t) => t.replace("graph pipeline", "graph pipeline_why"));
    const first = lines(ws, input);
    assert.match(line(first, "doubled"), /^ {2}doubled\s+ran\s+[\d.]+ (ms|s) \(never cached\)$/);
    assert.match(line(first, "stamp"), /ran\s+[\d.]+ (ms|s) \(cache: off\)$/);
    ws.edit("nodes/helper.ts", (t) => t.replace("FACTOR = 2", "FACTOR = 3"));
    const edited = lines(ws, input);
    assert.match(line(edited, "doubled"), /^ {2}doubled\s+ran\s+[\d.]+ (ms|s) \(code: nodes\/helper\.ts\)$/);
    assert.match(line(edited, "shout"), /^ {2}shout\s+cached\s+[\d.]+ (ms|s)$/);
    assert.match(line(lines(ws, ["--input", '{"n": 4}']), "total"), /ran\s+[\d.]+ (ms|s) \(input: a, b\)$/);
    ws.edit("pipeline.graph", (t) => t.replace("node squared  = square(n)", "node squared  = square(n)  [retry: 1]"));
    assert.match(line(lines(ws, ["--input", '{"n": 4}']), "squared"), /ran\s+[\d.]+ (ms|s) \(options: retry\)$/);
  });

  test("--json gives each node's why", () => {
    const ws = copyFixture("pipeline");
    ws.edit("pipeline.graph", (t) => t.replace("graph pipeline", "graph pipeline_why_json"));
    run(ws, "pipeline.graph", input);
    ws.edit("nodes/text.ts", (t) => t.replace("word.toUpperCase()", "word.toUpperCase() + '!'"));
    const nodes = (JSON.parse(run(ws, "pipeline.graph", input).stdout) as RunJson).nodes;
    const why = Object.fromEntries(nodes.map((n) => [n.name, n.why]));
    assert.equal(why.shout, "code: nodes/text.ts");
    assert.match(String(why.doubled), /^from the run at \d{4}-\d\d-\d\dT[\d:.]+Z$/);
  });
});

describe("values", () => {
  test("every value kind round-trips through the hosts and the cache", () => {
    const ws = copyFixture("behaviours");
    ws.write("kinds.graph", ['graph kinds', 'use "./nodes/behaviours.ts"', "node made = kinds()", "node checked = inspectKinds(made)", "output checked"].join("\n"));
    for (const expected of ["ran", "cached"]) {
      const result = run(ws, "kinds.graph");
      assert.equal(result.status, 0, result.stderr);
      const json = JSON.parse(result.stdout) as RunJson;
      assert.equal(json.nodes[0].status, expected);
      assert.deepEqual(json.outputs.checked, { nothing: true, when: true, map: true, set: true, big: true, bytes: true, buffer: true, notANumber: true, infinite: true });
    }
  });

  test("a non-serializable output names the node and the path inside the value", () => {
    const ws = copyFixture("behaviours");
    ws.write("fn.graph", ['graph fn', 'use "./nodes/behaviours.ts"', "node table = withFunction()"].join("\n"));
    const result = run(ws, "fn.graph", [], {});
    assert.equal(result.status, 1);
    const text = runCli(["run", ws.path("fn.graph"), "--redis", "memory"], { cwd: ws.dir, env: { ...process.env, STEPGRAPH_STATE_DIR: ws.stateDir } });
    assert.match(text.stderr, /node 'table' failed: .*the output of node 'table': a function \(format\) at rows\[1\]\.format cannot be serialized/);
  });
});

describe("failures", () => {
  test("a throwing node: exit 1, its name, and the TypeScript line", () => {
    const ws = copyFixture("behaviours");
    ws.write("throws.graph", ['graph throws', 'use "./nodes/behaviours.ts"', 'node broken = throws("no stock")', "node other = fine()"].join("\n"));
    const result = runCli(["run", ws.path("throws.graph"), "--redis", "memory"], { cwd: ws.dir, env: { ...process.env, STEPGRAPH_STATE_DIR: ws.stateDir } });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /node 'broken' failed: Error: cannot go on: no stock\n\s+at throws \(.*behaviours\.ts:45:9\)\n$/);
    assert.match(result.stdout, /other\s+ran/, "the nodes that do not depend on it still run");
  });

  test("a module that throws as it loads fails its nodes with the TypeScript line, and only those", () => {
    const ws = copyFixture("behaviours");
    ws.write("load.graph", ['graph load', 'use "./nodes/explodes.ts"', 'use "./nodes/behaviours.ts"', "node broken = never()", "node other = fine()"].join("\n"));
    const result = runCli(["run", ws.path("load.graph"), "--redis", "memory"], { cwd: ws.dir, env: { ...process.env, STEPGRAPH_STATE_DIR: ws.stateDir } });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /node 'broken' failed: Error: cannot load: no configuration\n\s+at .*explodes\.ts:2:7\)\n$/);
    assert.match(result.stdout, /other\s+ran/);
  });

  test("a node that hangs past its timeout is stopped; one honouring its signal stops itself", () => {
    const ws = copyFixture("behaviours");
    ws.write("hang.graph", ['graph hang', 'use "./nodes/behaviours.ts"', "node stuck = hangs()  [timeout: 300ms]", "node polite = respectsSignal()  [timeout: 200ms]", "node other = fine()"].join("\n"));
    const started = Date.now();
    const result = run(ws, "hang.graph");
    assert.ok(Date.now() - started < 10_000, "the run ends");
    assert.equal(result.status, 1);
    assert.deepEqual(statuses(result), { stuck: "failed", polite: "failed", other: "ran" });
    const text = runCli(["run", ws.path("hang.graph"), "--redis", "memory"], { cwd: ws.dir, env: { ...process.env, STEPGRAPH_STATE_DIR: ws.stateDir } });
    assert.match(text.stderr, /node 'stuck' failed: node 'stuck' timed out after 300 ms and ignored its abort signal; its host was killed/);
    assert.match(text.stderr, /node 'polite' failed: Error: aborted as asked/);
  });

  test("a node calling process.exit does not take the run down", () => {
    const ws = copyFixture("behaviours");
    ws.write("exit.graph", ['graph exits', 'use "./nodes/behaviours.ts"', "node quitter = exits()", "node a = fine()", "node b = sleep(50)"].join("\n"));
    const result = run(ws, "exit.graph");
    assert.equal(result.status, 1);
    assert.deepEqual(statuses(result), { quitter: "failed", a: "ran", b: "ran" });
  });

  test("retries with backoff, then success", () => {
    const ws = copyFixture("behaviours");
    ws.write("flaky.graph", ['graph flaky', 'use "./nodes/behaviours.ts"', "node wobbly = flaky()  [retry: 2, backoff: 20ms, cache: off]"].join("\n"));
    const result = run(ws, "flaky.graph");
    assert.equal(result.status, 0, result.stderr);
    assert.equal((JSON.parse(result.stdout) as RunJson).outputs.wobbly, 3);
    assert.match(result.stderr, /attempt 1 of 3 failed: flaky failure 1; retrying in 20 ms/);
    assert.match(result.stderr, /attempt 2 of 3 failed: flaky failure 2; retrying in 40 ms/);
  });
});

describe("bad input: one clear line, exit 2", () => {
  const cases: [string, (ws: Workspace) => string[], RegExp][] = [
    ["a Redis URL that does not answer", (ws) => [ws.path("pipeline.graph"), "--input", '{"n":1}', "--redis", "redis://127.0.0.1:1"], /Redis at redis:\/\/127\.0\.0\.1:1 does not answer \(connection refused\)/],
    ["not a Redis URL", (ws) => [ws.path("pipeline.graph"), "--redis", "http://x"], /is not a Redis URL/],
    ["invalid JSON input", (ws) => [ws.path("pipeline.graph"), "--input", "{n:1}"], /--input is not valid JSON/],
    ["a missing input file", (ws) => [ws.path("pipeline.graph"), "--input-file", ws.path("nope.json")], /nope\.json does not exist/],
    ["a required input left out", (ws) => [ws.path("pipeline.graph"), "--input", "{}"], /the input lacks 'n', which has no default/],
    ["an unknown input field", (ws) => [ws.path("pipeline.graph"), "--input", '{"n":1,"m":2}'], /the graph does not declare: m/],
    ["a bad --cache", (ws) => [ws.path("pipeline.graph"), "--cache", "sometimes"], /--cache is use, refresh or off/],
    ["a missing graph", (ws) => [ws.path("nope.graph")], /nope\.graph does not exist/],
  ];
  for (const [name, args, pattern] of cases) {
    test(name, () => {
      const ws = copyFixture("pipeline");
      const result = runCli(["run", ...args(ws)], { cwd: ws.dir, env: { ...process.env, STEPGRAPH_REDIS_URL: redis.url, STEPGRAPH_STATE_DIR: ws.stateDir } });
      assert.equal(result.status, 2, result.stderr);
      const lines = result.stderr.trim().split("\n");
      assert.equal(lines.length, 1, result.stderr);
      assert.match(lines[0], pattern);
    });
  }

  test("without --input, the input file next to the graph is used, and said", () => {
    const ws = copyFixture("pipeline");
    ws.write("input.json", '{"n": 5}');
    const result = runCli(["run", ws.path("pipeline.graph"), "--redis", "memory", "--json"], { cwd: ws.dir, env: { ...process.env, STEPGRAPH_STATE_DIR: ws.stateDir } });
    assert.equal(result.status, 0, result.stderr);
    assert.equal((JSON.parse(result.stdout) as RunJson).outputs.total, 35);
    assert.match(result.stderr, /^stepgraph: input from .*input\.json \(no --input or --input-file given\)\n/);
  });

  test("a graph with errors lists them all", () => {
    const ws = copyFixture("pipeline");
    ws.edit("pipeline.graph", (t) => t.replace("double(n)", "double(m)").replace("text.upper(word)", "text.lower(word)"));
    const result = runCli(["run", ws.path("pipeline.graph"), "--input", '{"n":1}', "--redis", "memory"], { cwd: ws.dir, env: { ...process.env, STEPGRAPH_STATE_DIR: ws.stateDir } });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /has 2 errors:\n.*pipeline\.graph:11:24: error SG011 unknown name 'm'.*\n.*pipeline\.graph:14:22: error SG014/);
    assert.doesNotMatch(result.stderr, /\n\s+at /);
  });

  test("no Redis at all: the in-process notice, and the job still runs", () => {
    const ws = copyFixture("pipeline");
    const result = runCli(["run", ws.path("pipeline.graph"), "--input", '{"n":1}', "--redis", "private", "--json"], {
      cwd: ws.dir,
      env: { ...process.env, PATH: "/nonexistent", STEPGRAPH_REDIS_URL: "", STEPGRAPH_STATE_DIR: ws.stateDir },
    });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stderr, /^stepgraph: no Redis found .*caching in memory for this session only\n$/);
    assert.equal((JSON.parse(result.stdout) as RunJson).outputs.total, 3);
  });
});

describe("language v2 at the command line", () => {
  test("prints skipped, pinned and mapped nodes; --json says so", () => {
    const ws = copyFixture("v2");
    const skips = run(ws, "skips.graph", ["--input", '{"order": {"id": "o1", "total": 50}}']);
    assert.equal(skips.status, 0, skips.stderr);
    assert.deepEqual(statuses(skips), { refunded: "skipped", strict: "skipped", guarded: "skipped", after: "skipped", told: "ran", lenient: "ran" });
    assert.deepEqual((JSON.parse(skips.stdout) as RunJson).outputs, { told: "o1: no refund", lenient: "o1" });
    const text = runCli(["run", ws.path("pinned.graph"), "--redis", "memory"], { cwd: ws.dir, env: { ...process.env, STEPGRAPH_STATE_DIR: ws.stateDir } });
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, /^ {2}rates\s+pinned\s/m);
    assert.match(text.stdout, /^ {2}used\s+ran\s/m);
  });

  test("a missing pin file is one line naming it, exit 2", () => {
    const ws = copyFixture("v2");
    ws.edit("pinned.graph", (text) => text.replace("./pins/rates.json", "./pins/gone.json"));
    const result = run(ws, "pinned.graph");
    assert.equal(result.status, 2);
    assert.equal(result.stderr.trim(), `stepgraph: the pin file of node 'rates' cannot be read: ${ws.path("pins", "gone.json")} (no such file)`);
  });

  test("nodes not run because a node they need failed are 'not-run', not 'skipped'", () => {
    const ws = copyFixture("v2");
    ws.write("fails.graph", ['graph fails', 'use "./nodes/v2.ts"', "input list = [3]", "node bad = badThree(map list)", "node next = echo(bad)"].join("\n"));
    const result = run(ws, "fails.graph");
    assert.equal(result.status, 1);
    assert.deepEqual(statuses(result), { bad: "failed", next: "not-run" });
    const text = runCli(["run", ws.path("fails.graph"), "--redis", "memory"], { cwd: ws.dir, env: { ...process.env, STEPGRAPH_STATE_DIR: ws.stateDir } });
    assert.match(text.stderr, /node 'bad' failed: element 0 of 1: Error: three is bad \(attempt 1\)/);
    assert.match(text.stderr, /not run because a node they need failed: next/);
  });
});

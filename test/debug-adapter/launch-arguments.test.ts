// Every launch attribute is checked before anything starts: a bad one is an error response
// that names the attribute and what it takes, never a hang, a crash or a flood of processes.
import { DebugClient } from "@vscode/debugadapter-testsupport";
import assert from "node:assert/strict";
import { describe, test, type TestContext } from "node:test";
import { copyFixture } from "../runtime/workspace";
import { adapterPath } from "./dap-helpers";

async function launchError(t: TestContext, args: Record<string, unknown>): Promise<string> {
  const client = new DebugClient("node", adapterPath, "stepgraph");
  client.defaultTimeout = 10_000;
  await client.start();
  t.after(() => client.stop().catch(() => undefined));
  await client.initializeRequest();
  let message: string | undefined;
  await client.launchRequest(args as never).then(
    () => assert.fail(`launch with ${JSON.stringify(args)} succeeded`),
    (e: Error) => (message = e.message),
  );
  return message as string;
}

describe("bad launch attributes are refused, each naming the attribute", () => {
  const ws = copyFixture("pipeline");
  const good = { graph: ws.path("pipeline.graph"), input: { n: 2 }, redisUrl: "memory", cwd: ws.dir, cache: "off" };

  const cases: [string, Record<string, unknown>, RegExp][] = [
    ["graph missing", { ...good, graph: undefined }, /'graph' .*path of a \.graph file/],
    ["graph not a string", { ...good, graph: 42 }, /'graph' .*path of a \.graph file.*not 42/],
    ["input not an object", { ...good, input: "n=2" }, /'input' must be a JSON object .*not "n=2"/],
    ["input an array", { ...good, input: [2] }, /'input' must be a JSON object/],
    ["inputFile not a string", { ...good, input: undefined, inputFile: 7 }, /'inputFile' must be the path of a JSON file/],
    ["input and inputFile both", { ...good, inputFile: ws.path("input.json") }, /give 'input' or 'inputFile', not both/],
    ["stopOnEntry not a boolean", { ...good, stopOnEntry: "yes" }, /'stopOnEntry' must be true or false, not "yes"/],
    ["cache not one of its values", { ...good, cache: "sometimes" }, /'cache' must be "use", "refresh" or "off", not "sometimes"/],
    ["redisUrl not a string", { ...good, redisUrl: 6379 }, /'redisUrl' must be a redis:\/\/ or rediss:\/\/ URL, "private" or "memory", not 6379/],
    ["redisUrl not a Redis URL", { ...good, redisUrl: "http://localhost:6379" }, /'redisUrl'/],
    ["cwd not a string", { ...good, cwd: true }, /'cwd' must be the path of a folder, not true/],
    ["cwd not a folder", { ...good, cwd: ws.path("no-such-folder") }, /'cwd' .*no-such-folder.* is not a folder/],
    ["defaultTtlMs a duration string", { ...good, defaultTtlMs: "7d" }, /'defaultTtlMs' must be a whole number of milliseconds, at least 1, not "7d"/],
    ["defaultTtlMs zero", { ...good, defaultTtlMs: 0 }, /'defaultTtlMs' must be a whole number of milliseconds, at least 1, not 0/],
    ["defaultTtlMs a fraction", { ...good, defaultTtlMs: 1.5 }, /'defaultTtlMs' must be a whole number/],
    ["poolSize not a number", { ...good, poolSize: "abc" }, /'poolSize' must be a whole number from 1 to 64, not "abc"/],
    ["poolSize zero", { ...good, poolSize: 0 }, /'poolSize' must be a whole number from 1 to 64, not 0/],
    ["poolSize too large", { ...good, poolSize: 100000 }, /'poolSize' must be a whole number from 1 to 64, not 100000/],
    ["debugNodeCode not a boolean", { ...good, debugNodeCode: "no" }, /'debugNodeCode' must be true or false, not "no"/],
    ["token not a string", { ...good, token: 5 }, /'token' must be a string/],
  ];
  for (const [name, args, expected] of cases) {
    test(name, async (t) => {
      const message = await launchError(t, args);
      assert.match(message, expected);
      assert.doesNotMatch(message, /\n\s+at /, "no stack trace");
    });
  }

  test("a bad restart configuration is refused the same way", async (t) => {
    const client = new DebugClient("node", adapterPath, "stepgraph");
    client.defaultTimeout = 10_000;
    await client.start();
    t.after(() => client.stop().catch(() => undefined));
    await client.initializeRequest();
    const stopped = client.waitForEvent("stopped");
    const launched = client.launchRequest(good as never);
    await client.configurationDoneRequest();
    await launched;
    await stopped;
    await assert.rejects(() => client.customRequest("restart", { arguments: { ...good, poolSize: "many" } }), /'poolSize' must be a whole number from 1 to 64, not "many"/);
  });
});

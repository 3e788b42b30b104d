// The command lines the production commands run, which Redis they name, and the deploy key
// they pass on.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { deployKeyProblem, withDeployKeyHint } from "../../src/extension/deploy-key-text";
import {
  captureArguments,
  capturesArguments,
  deadDropArguments,
  deadListArguments,
  deadRetryArguments,
  deployArguments,
  displayedCommand,
  graphsArguments,
  productionRedis,
  statusArguments,
  submitArguments,
  workerArguments,
  type ProductionRedis,
} from "../../src/extension/production-arguments";
import { MIN_DEPLOY_KEY_LENGTH } from "../../src/production/signed-version";

const noRedis: ProductionRedis = { args: [], label: "redis://127.0.0.1:6379" };
const someRedis: ProductionRedis = { args: ["--redis", "redis://queues:6380"], label: "redis://queues:6380" };

describe("productionRedis", () => {
  test("a redis:// or rediss:// setting is passed on, and labelled without its password", () => {
    assert.deepEqual(productionRedis("redis://queues:6380", undefined), someRedis);
    assert.deepEqual(productionRedis(" rediss://app:s3cret@queues.example.com:6380/1 ", undefined), {
      args: ["--redis", "rediss://app:s3cret@queues.example.com:6380/1"],
      label: "rediss://app:***@queues.example.com:6380/1",
    });
  });

  test("no setting: nothing passed, and the label is what the CLI falls back to", () => {
    assert.deepEqual(productionRedis("", undefined), noRedis);
    assert.deepEqual(productionRedis("  ", ""), noRedis);
    assert.deepEqual(productionRedis("", "redis://u:pw@env-redis:7000"), { args: [], label: "redis://u:***@env-redis:7000" });
  });

  test("development-only values and invalid URLs are not passed to production commands", () => {
    for (const setting of ["private", "memory", "auto", "http://host:6379", "queues:6379", "redis://"]) {
      assert.deepEqual(productionRedis(setting, undefined), noRedis, setting);
    }
    assert.deepEqual(productionRedis("private", "redis://env:1"), { args: [], label: "redis://env:1" });
  });
});

describe("argument lists", () => {
  test("deploy: the file and --json, with the Redis when there is one", () => {
    assert.deepEqual(deployArguments("/ws/orders.graph", noRedis), ["deploy", "/ws/orders.graph", "--json"]);
    assert.deepEqual(deployArguments("/ws/orders.graph", someRedis), ["deploy", "/ws/orders.graph", "--redis", "redis://queues:6380", "--json"]);
  });

  test("worker: one graph and one loop", () => {
    assert.deepEqual(workerArguments("orders", "billing", noRedis), ["worker", "--graph", "orders", "--loop", "billing"]);
    assert.deepEqual(workerArguments("orders", "billing", someRedis), ["worker", "--graph", "orders", "--loop", "billing", "--redis", "redis://queues:6380"]);
  });

  test("submit: one job from a file or from JSON text, waited for up to a limit, as JSON lines", () => {
    assert.deepEqual(submitArguments("orders", { file: "/ws/input.json" }, 60, noRedis), ["submit", "orders", "--input-file", "/ws/input.json", "--wait", "--timeout", "60", "--json"]);
    assert.deepEqual(submitArguments("orders", { json: '{"order":{"id":1}}' }, 5, someRedis), [
      "submit",
      "orders",
      "--input",
      '{"order":{"id":1}}',
      "--wait",
      "--timeout",
      "5",
      "--json",
      "--redis",
      "redis://queues:6380",
    ]);
  });

  test("status: the table, or --json", () => {
    assert.deepEqual(statusArguments("orders", noRedis, { json: false }), ["status", "orders"]);
    assert.deepEqual(statusArguments("orders", someRedis, { json: true }), ["status", "orders", "--json", "--redis", "redis://queues:6380"]);
  });

  test("dead retry: the job back on the loop it died in", () => {
    assert.deepEqual(deadRetryArguments("orders", "17", noRedis), ["dead", "orders", "retry", "17"]);
    assert.deepEqual(deadRetryArguments("orders", "17@3", someRedis), ["dead", "orders", "retry", "17@3", "--redis", "redis://queues:6380"]);
  });

  test("the production view's commands: graphs, dead list and drop, captures; a capture point with and without --where", () => {
    assert.deepEqual(graphsArguments(someRedis), ["graphs", "--json", "--redis", "redis://queues:6380"]);
    assert.deepEqual(deadListArguments("orders", noRedis), ["dead", "orders", "list", "--json"]);
    assert.deepEqual(deadDropArguments("orders", "17", someRedis), ["dead", "orders", "drop", "17", "--redis", "redis://queues:6380"]);
    assert.deepEqual(capturesArguments("orders", noRedis), ["captures", "orders", "--json", "--records", "20"]);
    assert.deepEqual(captureArguments("orders", "quote", { count: 5 }, noRedis), ["capture", "orders", "quote", "--count", "5", "--json"]);
    assert.deepEqual(captureArguments("orders", "quote", { count: 5, where: "customer.country == \"DE\"" }, someRedis), ["capture", "orders", "quote", "--count", "5", "--where", 'customer.country == "DE"', "--json", "--redis", "redis://queues:6380"]);
  });

  test("the command line as logged hides the Redis password", () => {
    const args = deployArguments("/ws/orders.graph", productionRedis("redis://app:s3cret@queues:6380", undefined));
    assert.equal(displayedCommand(args), "stepgraph deploy /ws/orders.graph --redis redis://app:***@queues:6380 --json");
  });
});

test("deployKeyProblem: the CLI's rule, so that a key it would refuse is never stored", () => {
  assert.equal(deployKeyProblem("a".repeat(MIN_DEPLOY_KEY_LENGTH)), undefined);
  assert.match(deployKeyProblem("   ") ?? "", /cannot be empty/);
  assert.match(deployKeyProblem("short") ?? "", new RegExp(`At least ${MIN_DEPLOY_KEY_LENGTH} characters`));
});

test("withDeployKeyHint: messages about the key say how to change it", () => {
  assert.equal(
    withDeployKeyHint("Stepgraph: deploying orders failed: STEPGRAPH_DEPLOY_KEY is too short: use at least 16 characters"),
    'Stepgraph: deploying orders failed: STEPGRAPH_DEPLOY_KEY is too short: use at least 16 characters (the key is set with "Stepgraph: Set Deploy Key")',
  );
  assert.match(withDeployKeyHint("worker: version 3 does not verify with this deploy key"), /Set Deploy Key/);
  assert.equal(withDeployKeyHint("Stepgraph: deploying orders failed: Redis at redis://h:1 does not answer"), "Stepgraph: deploying orders failed: Redis at redis://h:1 does not answer");
});

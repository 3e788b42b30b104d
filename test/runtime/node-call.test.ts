// The one core that calls a node function, in-process (as a production worker does; the
// development node host calls the same function in its child process).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { callNodeFunction, retryDelayAfter, type NodeFunction } from "../../src/runtime/node-call";
import { decodeValue } from "../../src/runtime/values";

const fields = { graph: "g", node: "n", jobId: "j1", attempt: 2, mode: "prod" as const };

function call(fn: NodeFunction, options: { timeoutMs?: number; signal?: AbortSignal } = {}, args: unknown[] = []) {
  const logs: string[] = [];
  const outcome = callNodeFunction(fn, args, fields, { ...options, log: (text) => logs.push(text), isCallerFrame: () => false });
  return { outcome, logs };
}

describe("callNodeFunction", () => {
  test("passes the arguments and a context, and encodes the output", async () => {
    let seen: unknown;
    const { outcome, logs } = call(
      (a, b, context) => {
        seen = context;
        (context as { log(...v: unknown[]): void }).log("got %d", a);
        return { sum: (a as number) + (b as number), when: new Date(0) };
      },
      {},
      [2, 3],
    );
    const result = await outcome;
    assert.ok(result.ok);
    assert.deepEqual(decodeValue(result.encoded), { sum: 5, when: new Date(0) });
    assert.deepEqual(logs, ["got 2"]);
    assert.equal((seen as { jobId: string }).jobId, "j1");
    assert.equal((seen as { attempt: number }).attempt, 2);
  });

  test("a timeout fails the call and aborts the signal the node reads", async () => {
    let signal: AbortSignal | undefined;
    const { outcome } = call(
      (context) => {
        signal = (context as { signal: AbortSignal }).signal;
        return new Promise(() => undefined);
      },
      { timeoutMs: 50 },
    );
    const result = await outcome;
    assert.equal(result.ok, false);
    assert.ok(!result.ok && result.kind === "timeout");
    assert.match(!result.ok ? result.error.message : "", /node 'n' timed out after 50 ms/);
    assert.equal(signal?.aborted, true);
  });

  test("the caller's signal aborts the node's signal, even one read after the abort", async () => {
    const outside = new AbortController();
    outside.abort(new Error("given up"));
    const { outcome } = call((context) => ((context as { signal: AbortSignal }).signal.reason as Error).message, { signal: outside.signal });
    const result = await outcome;
    assert.ok(result.ok);
    assert.equal(result.value, "given up");
  });

  test("an abort in the same tick as the call still reaches the listener the node adds at once", async () => {
    const outside = new AbortController();
    const { outcome } = call((context) => new Promise((_, reject) => (context as { signal: AbortSignal }).signal.addEventListener("abort", () => reject(new Error("stopped as asked")))), { signal: outside.signal });
    // As the node host does when the run and its abort arrive in one read of the IPC channel.
    outside.abort(new Error("timed out"));
    const result = await Promise.race([outcome, new Promise<"hung">((resolve) => setTimeout(() => resolve("hung"), 2000).unref())]);
    assert.notEqual(result, "hung", "the node never saw its abort");
    assert.ok(result !== "hung" && !result.ok && result.error.message === "stopped as asked");
  });

  test("an output that cannot be encoded fails naming the node and the path", async () => {
    const result = await call(() => ({ a: [() => 1] })).outcome;
    assert.ok(!result.ok);
    assert.match(result.error.message, /the output of node 'n': a function at a\[0\] cannot be serialized/);
  });

  test("a thrown non-Error value is described", async () => {
    const result = await call(() => {
      throw { code: 7 };
    }).outcome;
    assert.ok(!result.ok && result.kind === "error");
    assert.match(result.error.message, /a non-Error value was thrown: \{ code: 7 \}/);
  });

  test("a function that returns a value (or throws) has its outcome at once, not as a promise", () => {
    const returned = call((a) => (a as number) * 2, {}, [21]).outcome;
    assert.ok(!(returned instanceof Promise));
    assert.ok(returned.ok && decodeValue(returned.encoded) === 42);
    const thrown = call(() => {
      throw new Error("at once");
    }).outcome;
    assert.ok(!(thrown instanceof Promise) && !thrown.ok && thrown.error.message === "at once");
    const unencodable = call(() => Symbol("s")).outcome;
    assert.ok(!(unencodable instanceof Promise) && !unencodable.ok);
  });

  test("a function that returns a promise or a thenable has its outcome when that settles", async () => {
    const promised = call(async () => 5).outcome;
    assert.ok(promised instanceof Promise);
    const settled = await promised;
    assert.ok(settled.ok && decodeValue(settled.encoded) === 5);
    const thenable = call(() => ({ then: (resolve: (value: unknown) => void) => resolve("via then") })).outcome;
    assert.ok(thenable instanceof Promise);
    const adopted = await thenable;
    assert.ok(adopted.ok && decodeValue(adopted.encoded) === "via then");
  });

  test("the time limit counts from the call: the time a node computes before its first await counts", async () => {
    const { outcome } = call(
      () => {
        const until = Date.now() + 150;
        while (Date.now() < until);
        return new Promise((resolve) => setTimeout(() => resolve("late"), 100));
      },
      { timeoutMs: 200 },
    );
    const started = Date.now();
    const result = await outcome;
    assert.ok(!result.ok && result.kind === "timeout", "150 ms computing and 100 ms waiting is over the 200 ms limit");
    assert.ok(Date.now() - started < 90, `it timed out about 50 ms after it returned its promise, not 200 ms (${Date.now() - started} ms)`);
  });
});

describe("retryDelayAfter", () => {
  test("doubles the backoff per attempt, capped per mode, and ends after the last retry", () => {
    const options = { retry: 2, backoffMs: 1000 };
    assert.equal(retryDelayAfter(options, 1, "prod"), 1000);
    assert.equal(retryDelayAfter(options, 2, "prod"), 2000);
    assert.equal(retryDelayAfter(options, 3, "prod"), undefined);
    assert.equal(retryDelayAfter({ retry: 30, backoffMs: 1000 }, 20, "dev"), 60_000);
    assert.equal(retryDelayAfter({ retry: 30, backoffMs: 1000 }, 20, "prod"), 600_000);
  });
});

// The debugger's expression evaluator: expressions over every kind of scope value, errors as
// text, time limits that leave the evaluator usable, results that cannot be shown, isolation.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { ExpressionEvaluator, type EvaluationResult } from "../../src/runtime/expression-evaluator";

const scope = {
  fetched: { items: [{ sku: "a-1", price: 2 }, { sku: "b-2", price: 3.5 }, { sku: "c-3", price: 7 }], source: "api" },
  priced: { total: 12.5, currency: "EUR" },
  rates: new Map<string, number>([["EUR", 1], ["USD", 1.08]]),
  byId: new Map<number, { name: string }>([[7, { name: "seven" }]]),
  tags: new Set(["new", "sale"]),
  when: new Date("2024-05-01T12:00:00.000Z"),
  big: 2n ** 70n,
  grid: [[1, 2], [3, [4, 5]]],
  bytes: new Uint8Array([1, 2, 3]),
  buf: Buffer.from("héllo"),
  nothing: undefined,
  nan: NaN,
  inf: -Infinity,
};

async function value(evaluator: ExpressionEvaluator, expression: string, over: Readonly<Record<string, unknown>> = scope): Promise<unknown> {
  const result = await evaluator.evaluate(expression, over);
  assert.ok(result.ok, `${expression} failed: ${result.ok ? "" : result.error}`);
  return result.value;
}

async function failure(evaluator: ExpressionEvaluator, expression: string, over: Readonly<Record<string, unknown>> = scope): Promise<string> {
  const result = await evaluator.evaluate(expression, over);
  assert.equal(result.ok, false, `${expression} should fail`);
  const { error } = result as Extract<EvaluationResult, { ok: false }>;
  assert.doesNotMatch(error, /\n/, "one line, no stack");
  return error;
}

describe("expressions over the scope", () => {
  const evaluator = new ExpressionEvaluator();
  after(() => evaluator.dispose());

  test("property access, arithmetic and comparisons (conditional breakpoints)", async () => {
    assert.equal(await value(evaluator, "fetched.items.length"), 3);
    assert.equal(await value(evaluator, "fetched.items[1].sku"), "b-2");
    assert.equal(await value(evaluator, "priced.total * 2"), 25);
    assert.equal(await value(evaluator, "fetched.items.length > 10"), false);
    assert.equal(await value(evaluator, "fetched.items.some((item) => item.price > 5) && priced.currency === 'EUR'"), true);
    assert.deepEqual(await value(evaluator, "fetched.items.map((item) => item.sku)"), ["a-1", "b-2", "c-3"]);
  });

  test("Map, Set, Date, BigInt, nested arrays, Uint8Array and Buffer, undefined, NaN and Infinity", async () => {
    assert.deepEqual(await value(evaluator, "[...rates.keys()]"), ["EUR", "USD"]);
    assert.equal(await value(evaluator, "rates.get('USD')"), 1.08);
    assert.equal(await value(evaluator, "byId.get(7).name"), "seven");
    assert.equal(await value(evaluator, "rates instanceof Map && tags instanceof Set && when instanceof Date && Array.isArray(grid)"), true);
    assert.equal(await value(evaluator, "tags.has('sale') && tags.size"), 2);
    assert.equal(await value(evaluator, "when.getUTCFullYear()"), 2024);
    assert.equal(await value(evaluator, "when.toISOString()"), "2024-05-01T12:00:00.000Z");
    assert.equal(await value(evaluator, "big + 1n"), 2n ** 70n + 1n);
    assert.equal(await value(evaluator, "typeof big"), "bigint");
    assert.equal(await value(evaluator, "grid[1][1][0]"), 4);
    assert.deepEqual(await value(evaluator, "grid.flat(Infinity)"), [1, 2, 3, 4, 5]);
    assert.equal(await value(evaluator, "bytes[1] + bytes.length"), 5);
    assert.equal(await value(evaluator, "buf.toString('utf8')"), "héllo");
    assert.equal(await value(evaluator, "nothing === undefined && Number.isNaN(nan) && inf < -1e308"), true);
  });

  test("values of every kind come back as themselves", async () => {
    for (const name of Object.keys(scope) as (keyof typeof scope)[]) {
      assert.deepEqual(await value(evaluator, name), scope[name], name);
    }
    const buf = await value(evaluator, "buf");
    assert.ok(Buffer.isBuffer(buf), "a Buffer comes back a Buffer");
    const bytes = await value(evaluator, "bytes");
    assert.ok(bytes instanceof Uint8Array && !Buffer.isBuffer(bytes), "a Uint8Array stays a plain Uint8Array");
    assert.ok(Buffer.isBuffer(await value(evaluator, "buf.subarray(1)")));
    assert.ok((await value(evaluator, "new Map([[1, new Set([when])]])")) instanceof Map);
    const shared = await value(evaluator, "(() => { const o = { n: 1 }; return [o, o]; })()");
    assert.ok(Array.isArray(shared) && shared[0] === shared[1], "a shared reference stays shared");
  });

  test("template strings (logpoints) and object literals", async () => {
    assert.equal(await value(evaluator, "`total is ${priced.total} ${priced.currency}`"), "total is 12.5 EUR");
    assert.deepEqual(await value(evaluator, "{ a: 1, total: priced.total }"), { a: 1, total: 12.5 });
    assert.deepEqual(await value(evaluator, "{}"), {});
    assert.equal(await value(evaluator, "priced.total // a trailing comment"), 12.5);
    assert.equal(await value(evaluator, "1; 2"), 2, "a statement list still runs; its last value is the result");
  });

  test("parsing a new value for setVariable", async () => {
    assert.equal(await value(evaluator, '"hello"'), "hello");
    assert.deepEqual(await value(evaluator, '[1, { b: null }, "x"]'), [1, { b: null }, "x"]);
    assert.deepEqual(await value(evaluator, "new Map([['a', 1]])"), new Map([["a", 1]]));
    assert.deepEqual(await value(evaluator, "new Date(0)"), new Date(0));
    assert.equal(await value(evaluator, "10n ** 20n"), 10n ** 20n);
    assert.equal(await value(evaluator, "undefined"), undefined);
    assert.equal(await value(evaluator, ""), undefined);
  });

  test("a promise result is awaited; await may be written but is not needed", async () => {
    assert.equal(await value(evaluator, "Promise.resolve(priced.total)"), 12.5);
    assert.equal(await value(evaluator, "await Promise.resolve(2) + 1"), 3);
  });

  test("errors come back as '<ErrorName>: <message>' without a stack", async () => {
    assert.match(await failure(evaluator, "priced.total +"), /^SyntaxError: Unexpected end of input$/);
    assert.match(await failure(evaluator, "fetched.items[0.sku"), /^SyntaxError: /);
    assert.equal(await failure(evaluator, "missing.items.length"), "ReferenceError: missing is not defined");
    assert.equal(await failure(evaluator, "nothing.items"), "TypeError: Cannot read properties of undefined (reading 'items')");
    assert.equal(await failure(evaluator, "(() => { throw new RangeError('bad total'); })()"), "RangeError: bad total");
    assert.equal(await failure(evaluator, "Promise.reject(new TypeError('rejected'))"), "TypeError: rejected");
    assert.equal(await failure(evaluator, "(() => { throw 42; })()"), "the expression threw 42");
    assert.equal(await value(evaluator, "1 + 1"), 2, "still usable");
  });

  test("results that cannot be shown are refused with a clear message, never a crash", async () => {
    assert.match(await failure(evaluator, "() => 1"), /^the result is a function, which cannot be shown/);
    assert.match(await failure(evaluator, "Math.max"), /^the result is a function \(max\), which cannot be shown/);
    assert.match(await failure(evaluator, "{ items: [1, () => 2] }"), /^the result contains a function at items\[1\], which cannot be shown/);
    assert.match(await failure(evaluator, "Symbol('s')"), /^the result is a symbol/);
    assert.match(await failure(evaluator, "new (class Point { norm() { return 0; } })()"), /^the result is an instance of Point/);
    assert.match(await failure(evaluator, "new WeakMap()"), /^the result is an instance of WeakMap/);
    assert.match(await failure(evaluator, "new Map([['k', new Float64Array(2)]])"), /^the result contains an instance of Float64Array at \.get\("k"\)/);
    assert.match(await failure(evaluator, "new Proxy({}, {})"), /^the result is a Proxy/);
    assert.match(await failure(evaluator, "(() => { const o = {}; o.self = o; return o; })()"), /^the result contains a cycle \(a value that contains itself\) at self/);
    assert.match(await failure(evaluator, "globalThis"), /cannot be shown/);
    assert.equal(await value(evaluator, "priced.total"), 12.5, "still usable");
  });

  test("a scope that is not plain data is refused, never a crash", async () => {
    assert.match(await failure(evaluator, "1", { f: () => 1 }), /^the scope cannot be passed to the expression: /);
    assert.equal(await value(evaluator, "1"), 1);
  });

  test("nothing of the adapter is reachable by name", async () => {
    for (const name of ["process", "require", "module", "Buffer", "setTimeout", "__dirname"]) {
      assert.equal(await value(evaluator, `typeof ${name}`), "undefined", name);
    }
    assert.equal(await value(evaluator, "this.constructor.constructor('return typeof process')()"), "undefined");
    assert.equal(await value(evaluator, "fetched.constructor.constructor('return typeof process')()"), "undefined");
  });

  test("the scope is a copy: mutating it changes nothing for the caller or the next expression", async () => {
    const own = { x: { a: 1, list: [1] }, m: new Map([["k", 1]]) };
    assert.equal(await value(evaluator, "x.a = 5", own), 5);
    assert.equal(await value(evaluator, "(x.list.push(2), m.set('k', 2), delete x.a, Object.prototype.polluted = true, x.list.length)", own), 2);
    assert.deepEqual(own, { x: { a: 1, list: [1] }, m: new Map([["k", 1]]) });
    assert.equal(await value(evaluator, "x.a", own), 1);
    assert.equal(await value(evaluator, "({}).polluted", own), undefined, "every expression gets a fresh context");
    assert.equal((Object.prototype as Record<string, unknown>).polluted, undefined);
  });

  test("evaluations asked for at once all get their own answer", async () => {
    const results = await Promise.all(["fetched.items.length", "priced.currency", "missing", "tags.size"].map((e) => evaluator.evaluate(e, scope)));
    assert.deepEqual(results, [
      { ok: true, value: 3 },
      { ok: true, value: "EUR" },
      { ok: false, error: "ReferenceError: missing is not defined" },
      { ok: true, value: 2 },
    ]);
  });
});

describe("an expression that escapes its context reaches only a throwaway process", () => {
  // Set in this process (the adapter's stand-in) only: the evaluator must not carry it over.
  const secretName = "STEPGRAPH_EVALUATOR_TEST_SECRET";
  process.env[secretName] = "adapter-only";
  const evaluator = new ExpressionEvaluator();
  const folder = mkdtempSync(join(tmpdir(), "stepgraph-escape-"));
  after(async () => {
    await evaluator.dispose();
    rmSync(folder, { recursive: true, force: true });
    Reflect.deleteProperty(process.env, secretName);
  });

  // Ways out of the vm context through objects of the realm that evaluates: a Buffer's
  // methods, an error a Buffer method throws, a context global's constructor.
  const escapes: [string, (body: string) => string][] = [
    ["a Buffer's constructor", (body) => `buf.constructor.constructor(${JSON.stringify(body)})()`],
    ["a Buffer method's error", (body) => `(() => { try { buf.readUInt8(99); } catch (e) { return e.constructor.constructor(${JSON.stringify(body)})(); } })()`],
    ["this.constructor", (body) => `this.constructor.constructor(${JSON.stringify(body)})()`],
  ];

  for (const [name, escape] of escapes) {
    test(`through ${name}: not the adapter's pid or environment`, async () => {
      const result = await evaluator.evaluate(escape("return typeof process === 'undefined' ? null : [process.pid, process.env." + secretName + " ?? null, Object.keys(process.env).length]"), scope);
      if (name === "a Buffer's constructor") assert.ok(result.ok && result.value !== null, `this escape reaches the evaluating realm's process (${JSON.stringify(result)})`);
      if (!result.ok || result.value === null) return; // the escape failed outright: nothing to check
      const [pid, secret, envCount] = result.value as [number, string | null, number];
      assert.notEqual(pid, process.pid, "the expression runs in another process");
      assert.equal(secret, null, "the adapter's environment is not passed on");
      assert.equal(envCount, 0, "the evaluating process has an empty environment");
    });

    test(`through ${name}: no file can be written`, async () => {
      const file = join(folder, `${name.replace(/\W+/g, "-")}.txt`);
      const body = `
        const load = typeof process === "undefined" ? undefined : (process.getBuiltinModule ?? (typeof require === "function" ? require : undefined) ?? process.mainModule?.require);
        if (!load) return "no way to load fs";
        try { load("node:fs").writeFileSync(${JSON.stringify(file)}, "escaped"); return "written"; } catch (e) { return String(e.code ?? e.message); }`;
      const result = await evaluator.evaluate(escape(body), scope);
      assert.ok(!existsSync(file), `the expression wrote ${file} (${JSON.stringify(result)})`);
    });
  }

  test("the evaluator still works after the attempts", async () => {
    assert.equal(await value(evaluator, "priced.total"), 12.5);
  });
});

describe("the time limit", () => {
  const evaluator = new ExpressionEvaluator({ timeoutMs: 300 });
  after(() => evaluator.dispose());

  const hangs: [string, string][] = [
    ["an infinite synchronous loop", "while (true) {}"],
    ["a promise that never settles", "new Promise(() => {})"],
    ["a loop in a promise callback (past vm's timeout)", "Promise.resolve().then(() => { while (true) {} })"],
  ];
  for (const [name, expression] of hangs) {
    test(`${name} is stopped, and the next evaluation works`, async () => {
      const started = Date.now();
      assert.deepEqual(await evaluator.evaluate(expression, scope), { ok: false, error: "the expression took longer than 300 ms" });
      const elapsed = Date.now() - started;
      assert.ok(elapsed >= 250 && elapsed < 2000, `stopped after ${elapsed} ms`);
      assert.equal(await value(evaluator, "priced.total + 1"), 13.5);
    });
  }

  test("an evaluation queued behind a hang still gets its answer", async () => {
    const [hang, next] = await Promise.all([evaluator.evaluate("new Promise(() => {})", scope), evaluator.evaluate("tags.size", scope)]);
    assert.equal(hang.ok, false);
    assert.deepEqual(next, { ok: true, value: 2 });
  });

  test("an expression that exhausts memory stops only its own process", async () => {
    const result = await evaluator.evaluate("new Array(1e9).fill(0).length", scope);
    assert.equal(result.ok, false);
    assert.match((result as { error: string }).error, /ran out of memory|took longer than/);
    assert.equal(await value(evaluator, "priced.total + 1"), 13.5);
  });

  test("the default limit is 1000 ms", async () => {
    const defaults = new ExpressionEvaluator();
    try {
      assert.deepEqual(await defaults.evaluate("while (true) {}", {}), { ok: false, error: "the expression took longer than 1000 ms" });
    } finally {
      await defaults.dispose();
    }
  });
});

describe("lifecycle", () => {
  test("an idle evaluator does not keep the process alive", async () => {
    const resources = () => process.getActiveResourcesInfo().filter((resource) => resource !== "Timeout").sort();
    await new Promise((resolve) => setTimeout(resolve, 50)); // the processes of earlier tests are reaped
    const before = resources();
    const evaluator = new ExpressionEvaluator();
    try {
      evaluator.warmUp();
      assert.deepEqual(resources(), before, "a process started ahead of use is unref'd");
      assert.equal(await value(evaluator, "1 + 1"), 2);
      assert.deepEqual(resources(), before, "the process and its channel are unref'd while idle");
    } finally {
      await evaluator.dispose();
    }
  });

  test("dispose resolves a pending evaluation with an error; later evaluations get one too", async () => {
    const evaluator = new ExpressionEvaluator({ timeoutMs: 5000 });
    assert.equal(await value(evaluator, "1"), 1);
    const pending = evaluator.evaluate("new Promise(() => {})", {});
    const queued = evaluator.evaluate("2", {});
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await evaluator.dispose();
    assert.deepEqual(await pending, { ok: false, error: "the expression evaluator has been disposed" });
    assert.deepEqual(await queued, { ok: false, error: "the expression evaluator has been disposed" });
    assert.ok(Date.now() - started < 1000);
    assert.deepEqual(await evaluator.evaluate("1", {}), { ok: false, error: "the expression evaluator has been disposed" });
    await evaluator.dispose();
  });

  test("dispose before any evaluation, and while the worker is starting", async () => {
    await new ExpressionEvaluator().dispose();
    const evaluator = new ExpressionEvaluator();
    const first = evaluator.evaluate("1", {});
    await evaluator.dispose();
    assert.deepEqual(await first, { ok: false, error: "the expression evaluator has been disposed" });
  });

  test("a bad time limit is refused", () => {
    assert.throws(() => new ExpressionEvaluator({ timeoutMs: 0 }), RangeError);
    assert.throws(() => new ExpressionEvaluator({ timeoutMs: Number.NaN }), RangeError);
  });
});

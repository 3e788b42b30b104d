// The source of the process that evaluates the debugger's expressions (expression-evaluator.ts),
// as plain CommonJS so that it runs with `node -e` from any bundle (dist/ or out/test/) and
// needs no file read (the process may read no files). Per request: rebuild the scope inside a
// fresh vm context, compile the expression (in parentheses when that parses, so `{ a: 1 }` is
// an object; as-is otherwise; inside an async arrow when it uses `await`), run it under vm's
// timeout, await a promise result, check the result is plain data, and send it back.
import { PARENT_POLL_MS, PARENT_WATCHDOG_SOURCE } from "./parent-watchdog";

export const EXPRESSION_PROCESS_SOURCE =
  `"use strict";\nconst PARENT_WATCHDOG_SOURCE = ${JSON.stringify(PARENT_WATCHDOG_SOURCE)};\nconst PARENT_POLL_MS = ${PARENT_POLL_MS};\n` +
  String.raw`const vm = require("node:vm");
const { types, inspect } = require("node:util");
const { Worker } = require("node:worker_threads");

new Worker(PARENT_WATCHDOG_SOURCE, { eval: true, workerData: { parentPid: process.ppid, pollMs: PARENT_POLL_MS } }).unref();
const send = process.send.bind(process);
// What an escaped expression could use to load modules or signal other processes. The
// permission model already denies the file system, child processes and native addons.
for (const name of ["require", "module", "exports", "__filename", "__dirname"]) delete globalThis[name];
for (const name of ["getBuiltinModule", "binding", "_linkedBinding", "dlopen", "kill", "_kill", "mainModule", "chdir"]) delete process[name];

process.on("message", async (request) => {
  let reply;
  try {
    reply = await evaluate(request);
  } catch (error) {
    reply = { ok: false, error: describeError(error, request.timeoutMs) };
  }
  try {
    send({ id: request.id, ...reply });
  } catch (error) {
    send({ id: request.id, ok: false, error: "the result cannot be shown: " + describeError(error) });
  }
});
send({ ready: true });

async function evaluate({ expression, scope, timeoutMs }) {
  const isBuffer = (value) => Buffer.isBuffer(value);
  // A null-prototype sandbox: the context's globals then lead to nothing of this process.
  const context = vm.createContext(Object.create(null), { name: "expression" });
  const rebuilt = vm.runInContext("(" + rebuild + ")", context)(scope, isBuffer);
  for (const name of Object.keys(rebuilt)) context[name] = rebuilt[name];
  let value = compile(expression).runInContext(context, { timeout: timeoutMs, displayErrors: false });
  if (types.isPromise(value)) value = await value;
  const problem = unsupported(value);
  if (problem) return { ok: false, error: "the result " + problem + ", which cannot be shown (expressions must produce data: JSON values, undefined, Date, Map, Set, BigInt, Uint8Array/Buffer)" };
  return { ok: true, value };
}

function compile(expression) {
  const options = { filename: "expression" };
  try {
    return new vm.Script("(" + expression + "\n)", options);
  } catch {}
  try {
    return new vm.Script(expression, options);
  } catch (error) {
    if (!/\bawait\b/.test(expression)) throw error;
    try {
      return new vm.Script("(async () => (" + expression + "\n))()", options);
    } catch {
      throw error;
    }
  }
}

// Runs inside the context: copies the scope into the context's own objects.
// Compiled there from its source text, so that the objects it makes are the context's.
function rebuild(scope, isBuffer) {
  const copies = new Map();
  const own = (target, key, value) => Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  const copy = (value) => {
    if (value === null || typeof value !== "object" || isBuffer(value)) return value;
    if (copies.has(value)) return copies.get(value);
    const tag = Object.prototype.toString.call(value);
    const out = Array.isArray(value) ? [] : tag === "[object Map]" ? new Map() : tag === "[object Set]" ? new Set() :
      tag === "[object Date]" ? new Date(value.getTime()) : tag === "[object Uint8Array]" ? new Uint8Array(value) : {};
    copies.set(value, out);
    if (Array.isArray(value)) for (let i = 0; i < value.length; i++) out[i] = copy(value[i]);
    else if (out instanceof Map) for (const [key, item] of value) out.set(copy(key), copy(item));
    else if (out instanceof Set) for (const item of value) out.add(copy(item));
    else if (!(out instanceof Date || out instanceof Uint8Array)) for (const key of Object.keys(value)) own(out, key, copy(value[key]));
    return out;
  };
  return copy(scope);
}

// Why a result cannot go back as a value of values.ts ("contains a function at items[1]"),
// or undefined. Works on objects of any context.
function unsupported(root) {
  const ancestors = new Set();
  const visit = (value, path) => {
    const at = (what) => (path === "" ? "is " + what : "contains " + what + " at " + path);
    if (typeof value === "function") return at("a function" + (value.name ? " (" + value.name + ")" : ""));
    if (typeof value === "symbol") return at("a symbol");
    if (value === null || typeof value !== "object") return undefined;
    if (types.isProxy(value)) return at("a Proxy");
    if (ancestors.has(value)) return at("a cycle (a value that contains itself)");
    if (types.isDate(value)) return undefined;
    if (types.isUint8Array(value)) return undefined;
    const children = [];
    if (Array.isArray(value)) for (let i = 0; i < value.length; i++) children.push([value[i], path + "[" + i + "]"]);
    else if (types.isMap(value)) {
      let i = 0;
      for (const [key, item] of Map.prototype.entries.call(value)) {
        children.push([key, path + ".<key " + i++ + ">"], [item, path + ".get(" + (typeof key === "string" ? JSON.stringify(key) : String(key)) + ")"]);
      }
    } else if (types.isSet(value)) {
      let i = 0;
      for (const item of Set.prototype.values.call(value)) children.push([item, path + ".<item " + i++ + ">"]);
    } else {
      const proto = Object.getPrototypeOf(value);
      if (proto !== null && Object.getPrototypeOf(proto) !== null) {
        const constructor = Object.getOwnPropertyDescriptor(proto, "constructor")?.value;
        return at(typeof constructor === "function" && constructor.name ? "an instance of " + constructor.name : "an object with a custom prototype");
      }
      for (const key of Object.keys(value)) children.push([value[key], path === "" ? key : path + "." + key]);
    }
    ancestors.add(value);
    for (const [child, childPath] of children) {
      const problem = visit(child, childPath);
      if (problem) return problem;
    }
    ancestors.delete(value);
    return undefined;
  };
  return visit(root, "");
}

// "TypeError: message", without the stack.
function describeError(error, timeoutMs) {
  try {
    if (error !== null && typeof error === "object" && error.code === "ERR_SCRIPT_EXECUTION_TIMEOUT" && timeoutMs !== undefined) {
      return "the expression took longer than " + timeoutMs + " ms";
    }
    if (types.isNativeError(error) || (error !== null && typeof error === "object" && "message" in error)) {
      const name = String(error.name || "Error");
      const message = String(error.message);
      return message === "" ? name : name + ": " + message;
    }
    return "the expression threw " + inspect(error);
  } catch {
    return "the expression threw a value that cannot be described";
  }
}
`;

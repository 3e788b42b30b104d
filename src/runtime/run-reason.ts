// Why a node ran, or where its cached output came from: the `why` of the debugger's Node
// scope and of `stepgraph run`'s lines (docs/debugging.md, "Why a node ran"). On a miss,
// the parts of the cache key are compared with those of the last cached output at the same
// place (LastRuns): the code (naming the files whose share of the bundle changed), the
// input (naming the parameters whose values changed), the options; with all of them the
// same, the entry expired, was evicted, or cannot be read. The one place these are decided:
// the CLI and the debug adapter show what the Orchestrator put in the node's state.
import type { LastRun, LastRuns } from "../store/last-runs";

/** A node's call as its cache key is made: the parts a LastRun keeps, and its files' hashes. */
export type KeyParts = Omit<LastRun, "createdAt" | "expiresAt"> & { files: Readonly<Record<string, string>> };

export type MissReason =
  | { kind: "code"; files: string[]; calls?: { now: string; was: string } }
  | { kind: "input"; names: string[] }
  | { kind: "options"; names: string[] }
  | { kind: "expired" }
  | { kind: "evicted" }
  | { kind: "unreadable" }
  | { kind: "never-cached" };

/** Why nodes ran that did not read the cache. */
export const RAN_WITHOUT_CACHE = {
  /** The run's cache is off (`--cache off`, the launch's `cache: "off"`, no cache at all). */
  off: "cache off",
  /** The node's own `[cache: off]`. */
  nodeOff: "cache: off",
  refresh: "cache refresh",
  rerun: "re-run from the debugger",
  /** stepIn into the node's function: it runs (not read from the cache), to be stepped through. */
  steppedInto: "stepped into from the debugger",
} as const;

/** The names a node's options have in a graph file, by their field in NodeOptions. */
const OPTION_NAMES: Readonly<Record<string, string>> = { backoffMs: "backoff", timeoutMs: "timeout" };

/** Files named in a `code:` reason before the rest are counted. */
const FILES_NAMED = 3;

/** Why the call at `place` missed: reads its last run (and that run's files when the bundle changed) and compares. */
export async function explainMiss(lastRuns: LastRuns, graph: string, place: string, now: KeyParts, lookup: "miss" | "unreadable", time = Date.now()): Promise<string> {
  if (lookup === "unreadable") return missText([{ kind: "unreadable" }]);
  const last = await lastRuns.get(graph, place);
  const lastFiles = last !== undefined && last.bundleHash !== now.bundleHash ? await lastRuns.codeFiles(graph, last.bundleHash) : undefined;
  return missText(missReasons(last, lastFiles, now, time));
}

/**
 * The parts of the key that changed since `last` (the code first, then the input, then
 * the options); with none changed, the entry of that same key is gone: expired when its
 * TTL has run out, else evicted. `lastFiles`: the files of the last run's bundle, when
 * known.
 */
export function missReasons(last: LastRun | undefined, lastFiles: Readonly<Record<string, string>> | undefined, now: KeyParts, time: number): MissReason[] {
  if (last === undefined) return [{ kind: "never-cached" }];
  const reasons: MissReason[] = [];
  if (last.codeHash !== now.codeHash) {
    const files = last.bundleHash === now.bundleHash || lastFiles === undefined ? [] : changedKeys(lastFiles, now.files);
    reasons.push({ kind: "code", files, ...(last.exportName === now.exportName ? {} : { calls: { now: now.exportName, was: last.exportName } }) });
  }
  if (last.inputHash !== now.inputHash) {
    const names = new Set<string>();
    for (let i = 0; i < Math.max(last.inputs.length, now.inputs.length); i++) {
      const [was, is] = [last.inputs[i], now.inputs[i]];
      if (was?.hash !== is?.hash) names.add((is ?? was).name);
    }
    reasons.push({ kind: "input", names: [...names] });
  }
  if (last.optionsText !== now.optionsText) reasons.push({ kind: "options", names: changedKeys(last.options, now.options).map((name) => OPTION_NAMES[name] ?? name) });
  if (reasons.length > 0) return reasons;
  return [last.expiresAt !== undefined && last.expiresAt <= time ? { kind: "expired" } : { kind: "evicted" }];
}

/** `code: lib/units.ts; input: order`, as the Node scope and `stepgraph run` show it. */
export function missText(reasons: readonly MissReason[]): string {
  return reasons.map(reasonText).join("; ");
}

function reasonText(reason: MissReason): string {
  switch (reason.kind) {
    case "code": {
      const named = reason.files.length > FILES_NAMED ? [...reason.files.slice(0, FILES_NAMED), `${reason.files.length - FILES_NAMED} more files`] : [...reason.files];
      if (reason.calls) named.unshift(`calls ${reason.calls.now} (was ${reason.calls.was})`);
      return named.length === 0 ? "code" : `code: ${named.join(", ")}`;
    }
    case "input":
    case "options":
      return reason.names.length === 0 ? reason.kind : `${reason.kind}: ${reason.names.join(", ")}`;
    case "never-cached":
      return "never cached";
    case "unreadable":
      return "unreadable entry";
    default:
      return reason.kind;
  }
}

/** A hit: the run it came from (an edit in the debugger, for an edited output). */
export function hitText(createdAt: number, edited: boolean): string {
  return `${edited ? "edited in the debugger at" : "from the run at"} ${new Date(createdAt).toISOString()}`;
}

/** A subgraph call: the subgraph's nodes that ran, each with its why; or that none did. */
export function subgraphText(alias: string, ran: readonly { node: string; why?: string }[]): string {
  if (ran.length === 0) return `every node of subgraph '${alias}' came from the cache`;
  return `subgraph '${alias}': ${ran.map(({ node, why }) => (why === undefined ? node : `${node} (${why})`)).join(", ")}`;
}

/**
 * A map node's why, from its elements' (in element order; undefined for an element that
 * came from the cache): the whys of the elements that ran, each with the elements it is
 * of (`never cached (elements 3, 5-7)`), or without them when every element ran for that
 * one reason. None ran: `whenCached`.
 */
export function elementsText(whys: readonly (string | undefined)[], whenCached: string | undefined): string | undefined {
  const groups = new Map<string, number[]>();
  whys.forEach((why, index) => {
    if (why !== undefined) groups.set(why, [...(groups.get(why) ?? []), index]);
  });
  if (groups.size === 0) return whenCached;
  const [only] = groups;
  if (groups.size === 1 && only[1].length === whys.length) return only[0];
  return [...groups].map(([why, indices]) => `${why} (${elementList(indices)})`).join("; ");
}

/** `element 2`, `elements 0-3, 7`; past five ranges, how many more elements. */
function elementList(indices: readonly number[]): string {
  const ranges: [number, number][] = [];
  for (const index of indices) {
    const last = ranges.at(-1);
    if (last && last[1] === index - 1) last[1] = index;
    else ranges.push([index, index]);
  }
  const shown = ranges.slice(0, 5).map(([from, to]) => (from === to ? String(from) : `${from}-${to}`));
  const rest = ranges.slice(5).reduce((sum, [from, to]) => sum + to - from + 1, 0);
  return `${indices.length === 1 ? "element" : "elements"} ${shown.join(", ")}${rest > 0 ? ` and ${rest} more` : ""}`;
}

/** The keys whose values differ between two records (one missing counts), sorted. */
function changedKeys(was: Readonly<Record<string, string>>, now: Readonly<Record<string, string>>): string[] {
  return [...new Set([...Object.keys(was), ...Object.keys(now)])].filter((key) => was[key] !== now[key]).sort();
}

// How node values show in the Variables pane: a one-line preview, and children that expand
// lazily, with large arrays paged and an evaluateName on every child.
import { inspect } from "node:util";

/** Arrays longer than this are shown through indexed paging. */
export const PAGE_THRESHOLD = 100;

export interface Child {
  name: string;
  value: unknown;
  evaluateName: string;
  /** How to reach this child from its parent, for setVariable: a property, an index, or a Map key. */
  step: PathStep;
}

export type PathStep = { kind: "property"; key: string | number } | { kind: "mapKey"; key: unknown } | { kind: "setItem"; index: number };

export function hasChildren(value: unknown): boolean {
  if (value === null || typeof value !== "object") return false;
  if (value instanceof Date) return false;
  return true;
}

/** Arrays and typed arrays past the threshold are paged by the client. */
export function indexedCount(value: unknown): number | undefined {
  if (Array.isArray(value) && value.length > PAGE_THRESHOLD) return value.length;
  if (value instanceof Uint8Array && value.length > PAGE_THRESHOLD) return value.length;
  return undefined;
}

export function preview(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "bigint") return `${value}n`;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "Invalid Date" : value.toISOString();
  if (Array.isArray(value)) return `Array(${value.length})${value.length <= 5 ? ` ${inspect(value, { depth: 0, breakLength: Infinity })}` : ""}`;
  if (value instanceof Map) return `Map(${value.size})`;
  if (value instanceof Set) return `Set(${value.size})`;
  if (value instanceof Uint8Array) return `${Buffer.isBuffer(value) ? "Buffer" : "Uint8Array"}(${value.length})`;
  if (typeof value === "object" && value !== null) return inspect(value, { depth: 0, breakLength: Infinity, maxStringLength: 40 });
  return String(value);
}

export function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "Array";
  if (value instanceof Date) return "Date";
  if (value instanceof Map) return "Map";
  if (value instanceof Set) return "Set";
  if (Buffer.isBuffer(value)) return "Buffer";
  if (value instanceof Uint8Array) return "Uint8Array";
  return typeof value;
}

/** The children of a value; for paged arrays, only `count` of them from `start`. */
export function childrenOf(value: unknown, evaluateName: string, page?: { start: number; count: number }): Child[] {
  if (Array.isArray(value) || value instanceof Uint8Array) {
    const start = page?.start ?? 0;
    const end = page ? Math.min(value.length, start + page.count) : value.length;
    const children: Child[] = [];
    for (let i = start; i < end; i++) children.push({ name: String(i), value: value[i], evaluateName: `${evaluateName}[${i}]`, step: { kind: "property", key: i } });
    return children;
  }
  if (value instanceof Map) {
    return [...value].map(([key, item]) => ({
      name: typeof key === "string" ? key : preview(key),
      value: item,
      evaluateName: `${evaluateName}.get(${literal(key)})`,
      step: { kind: "mapKey", key },
    }));
  }
  if (value instanceof Set) {
    return [...value].map((item, i) => ({ name: `[${i}]`, value: item, evaluateName: `[...${evaluateName}][${i}]`, step: { kind: "setItem", index: i } }));
  }
  if (typeof value === "object" && value !== null) {
    return Object.entries(value).map(([key, item]) => ({
      name: key,
      value: item,
      evaluateName: /^[A-Za-z_$][\w$]*$/.test(key) ? `${evaluateName}.${key}` : `${evaluateName}[${JSON.stringify(key)}]`,
      step: { kind: "property", key },
    }));
  }
  return [];
}

/** A copy of `root` with the value at `path` replaced: the rest is shared, the root is new. */
export function replaceAt(root: unknown, path: readonly PathStep[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [step, ...rest] = path;
  if (step.kind === "mapKey" && root instanceof Map) {
    const copy = new Map(root);
    copy.set(step.key, replaceAt(root.get(step.key), rest, replacement));
    return copy;
  }
  if (step.kind === "setItem" && root instanceof Set) {
    const items = [...root];
    items[step.index] = replaceAt(items[step.index], rest, replacement);
    return new Set(items);
  }
  if (step.kind === "property" && Array.isArray(root)) {
    const copy = [...root];
    copy[step.key as number] = replaceAt(root[step.key as number], rest, replacement);
    return copy;
  }
  if (step.kind === "property" && typeof root === "object" && root !== null) {
    return { ...root, [step.key]: replaceAt((root as Record<string, unknown>)[step.key], rest, replacement) };
  }
  throw new Error("this value cannot be changed here");
}

function literal(key: unknown): string {
  if (typeof key === "bigint") return `${key}n`;
  if (typeof key === "string" || typeof key === "number" || typeof key === "boolean" || key === null) return JSON.stringify(key);
  return "undefined";
}

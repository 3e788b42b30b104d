// The options a graph, node or loop accepts (`[cache: 1h, retry: 3]`) and their validation.
import type { OptionEntry } from "./ast";
import { Code, error, type Diagnostic } from "./diagnostics";

export type CachePolicy = { kind: "ttl"; ms: number } | { kind: "off" } | { kind: "forever" };

export interface NodeOptions {
  /** Unset: the mode's default (development caches with the default TTL; production does not cache). */
  cache?: CachePolicy;
  retry: number;
  /** Wait before the first retry; doubles on each further attempt. */
  backoffMs: number;
  timeoutMs?: number;
}

/**
 * A node's options as written: its run options, and `pin` (the pin file's path as written),
 * which the checker takes out into the node's model so that it is not part of the options
 * a cache key covers.
 */
export type WrittenNodeOptions = NodeOptions & { pin?: string };

export interface LoopOptions {
  concurrency: number;
}

export interface GraphOptions {
  /** How many hash tags production spreads the graph's queues over (docs/production.md, "Partitions"). */
  partitions: number;
}

/**
 * The most partitions a graph may have. Each partition costs every worker of the graph a
 * blocking connection and a few commands a second while idle (its lease, reaper and due
 * retries), and a cluster has no use for many more partitions than it has primaries.
 */
export const MAX_PARTITIONS = 64;

export const DEFAULT_GRAPH_OPTIONS: GraphOptions = { partitions: 1 };
export const DEFAULT_NODE_OPTIONS: NodeOptions = { retry: 0, backoffMs: 0 };
export const DEFAULT_LOOP_OPTIONS: LoopOptions = { concurrency: 1 };

/** Each option: what it accepts, in words for messages and completion, and how to read it. */
interface OptionSpec<T> {
  expects: string;
  /** The value, or undefined when it is of the wrong kind. */
  read(entry: OptionEntry): ((options: T) => void) | undefined;
}

const positiveDuration = (entry: OptionEntry): number | undefined =>
  entry.value.kind === "duration" && entry.value.ms > 0 ? entry.value.ms : undefined;
const integerAtLeast = (min: number, max = Number.POSITIVE_INFINITY) => (entry: OptionEntry): number | undefined =>
  entry.value.kind === "number" && Number.isInteger(entry.value.value) && entry.value.value >= min && entry.value.value <= max ? entry.value.value : undefined;

export const NODE_OPTION_SPECS: Readonly<Record<string, OptionSpec<WrittenNodeOptions>>> = {
  cache: {
    expects: "a duration (like 10m), off or forever",
    read(entry) {
      const { value } = entry;
      if (value.kind === "word" && (value.text === "off" || value.text === "forever")) {
        const kind = value.text;
        return (options) => (options.cache = { kind });
      }
      const ms = positiveDuration(entry);
      return ms === undefined ? undefined : (options) => (options.cache = { kind: "ttl", ms });
    },
  },
  retry: {
    expects: "a whole number of retries (0 or more)",
    read(entry) {
      const n = integerAtLeast(0)(entry);
      return n === undefined ? undefined : (options) => (options.retry = n);
    },
  },
  backoff: {
    expects: "a duration (like 500ms)",
    read(entry) {
      const ms = positiveDuration(entry);
      return ms === undefined ? undefined : (options) => (options.backoffMs = ms);
    },
  },
  timeout: {
    expects: "a duration (like 5s)",
    read(entry) {
      const ms = positiveDuration(entry);
      return ms === undefined ? undefined : (options) => (options.timeoutMs = ms);
    },
  },
  pin: {
    expects: 'the path of a JSON file in double quotes (like "./pins/rates.json")',
    read(entry) {
      const { value } = entry;
      if (value.kind !== "string" || value.value.trim() === "") return undefined;
      const path = value.value;
      return (options) => (options.pin = path);
    },
  },
};

export const LOOP_OPTION_SPECS: Readonly<Record<string, OptionSpec<LoopOptions>>> = {
  concurrency: {
    expects: "a whole number of jobs in flight (1 or more)",
    read(entry) {
      const n = integerAtLeast(1)(entry);
      return n === undefined ? undefined : (options) => (options.concurrency = n);
    },
  },
};

export const GRAPH_OPTION_SPECS: Readonly<Record<string, OptionSpec<GraphOptions>>> = {
  partitions: {
    expects: `a whole number of partitions, 1 to ${MAX_PARTITIONS}`,
    read(entry) {
      const n = integerAtLeast(1, MAX_PARTITIONS)(entry);
      return n === undefined ? undefined : (options) => (options.partitions = n);
    },
  },
};

/** The option specs of an owner of options: what completion, hover and the checker read. */
export function optionSpecsOf(owner: OptionOwner): Readonly<Record<string, { expects: string }>> {
  return owner === "graph" ? GRAPH_OPTION_SPECS : owner === "node" ? NODE_OPTION_SPECS : LOOP_OPTION_SPECS;
}

export type OptionOwner = "graph" | "node" | "loop";

/** Reads `entries` against `specs`, reporting unknown, repeated and ill-typed options. */
export function readOptions<T>(
  entries: readonly OptionEntry[],
  specs: Readonly<Record<string, OptionSpec<T>>>,
  defaults: T,
  owner: OptionOwner,
  diagnostics: Diagnostic[],
): T {
  const options = { ...defaults };
  const seen = new Set<string>();
  for (const entry of entries) {
    const key = entry.key.text;
    const spec = Object.hasOwn(specs, key) ? specs[key] : undefined;
    if (spec === undefined) {
      const known = Object.keys(specs).join(", ");
      diagnostics.push(error(Code.UnknownOption, `unknown ${owner} option '${key}' (${owner} options: ${known})`, entry.key.range));
      continue;
    }
    if (seen.has(key)) {
      diagnostics.push(error(Code.DuplicateOption, `option '${key}' is given twice`, entry.key.range));
      continue;
    }
    seen.add(key);
    const apply = spec.read(entry);
    if (apply === undefined) {
      diagnostics.push(error(Code.BadOptionValue, `'${key}' takes ${spec.expects}, not '${entry.value.text}'`, entry.valueRange));
      continue;
    }
    apply(options);
  }
  return options;
}

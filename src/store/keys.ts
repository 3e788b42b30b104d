// The key layout in Redis. Every key of a graph carries the hash tag `{graph}`, so that
// all of one graph's keys live in one Redis Cluster slot.

export const KEY_PREFIX = "stepgraph";

/** The prefix of every key of `graph`. */
export function graphKeyPrefix(graph: string): string {
  return `${KEY_PREFIX}:{${graph}}:`;
}

/** A cached node output: one per graph, node and fingerprint (code, inputs, options). */
export function nodeCacheKey(graph: string, node: string, fingerprint: string): string {
  return `${graphKeyPrefix(graph)}cache:${node}:${fingerprint}`;
}

/** The prefix of every cache entry of `graph`. */
export function graphCachePrefix(graph: string): string {
  return `${graphKeyPrefix(graph)}cache:`;
}

/** The prefix of every cache entry of one node of `graph` (node names hold no `:`). */
export function nodeCachePrefix(graph: string, node: string): string {
  return `${graphCachePrefix(graph)}${node}:`;
}

// The key layout in Redis. Every key of a graph carries the hash tag `{graph}`, so that
// all of one graph's keys live in one Redis Cluster slot; a partitioned graph's queues
// (`graph NAME [partitions: N]`) carry one hash tag per partition, so they spread over slots.

export const KEY_PREFIX = "stepgraph";

/** The prefix of every key of `graph`. */
export function graphKeyPrefix(graph: string): string {
  return `${KEY_PREFIX}:{${graph}}:`;
}

/**
 * The prefix of the production keys of partition `partition` of `graph`: the graph's own
 * hash tag for partition 0 (so a graph of one partition keeps the layout it always had, and
 * a graph that grows keeps its first partition where it was), `{graph:P}` for partition P.
 */
export function partitionKeyPrefix(graph: string, partition: number): string {
  return partition === 0 ? graphKeyPrefix(graph) : `${KEY_PREFIX}:{${graph}:${partition}}:`;
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

/**
 * What the key of the last cached output at one place of a node was made of (`place`: the
 * node, `node[3]` for an element of a map node, with the calling path in front for a node
 * of a subgraph): what a later miss is compared with to say why the node ran.
 */
export function lastRunKey(graph: string, place: string): string {
  return `${graphKeyPrefix(graph)}last-run:${place}`;
}

/** The hash of each file's code in one bundle of `graph`'s node modules, by the bundle's hash. */
export function codeFilesKey(graph: string, bundleHash: string): string {
  return `${graphKeyPrefix(graph)}code-files:${bundleHash}`;
}

/** The prefixes of what a graph's cache keeps beside its entries (lastRunKey, codeFilesKey). */
export function graphCacheRecordPrefixes(graph: string): string[] {
  return [`${graphKeyPrefix(graph)}last-run:`, `${graphKeyPrefix(graph)}code-files:`];
}

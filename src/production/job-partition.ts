// Which partition a job lives in (docs/production.md, "Partitions"). Job ids come from one
// counter per graph, so they are unique across partitions, and job number K of a version
// of N partitions goes to partition K mod N: submitters spread their jobs round-robin. A
// job of a version of one partition has the plain number for its id (`17`), as before
// partitions existed; a job of a partitioned version carries its partition (`17@3`), so
// that its result and its dead letter are found from the id alone, whatever the graph's
// partition count has become since.

/** The id and partition of job number `number` of a version of `partitions` partitions. */
export function jobIdentity(number: number, partitions: number): { id: string; partition: number } {
  if (partitions <= 1) return { id: String(number), partition: 0 };
  const partition = number % partitions;
  return { id: `${number}@${partition}`, partition };
}

/** The partition of job `id`; undefined for what is not a job id. */
export function partitionOfJob(id: string): number | undefined {
  const match = /^\d+(?:@(\d+))?$/.exec(id);
  if (match === null) return undefined;
  return match[1] === undefined ? 0 : Number(match[1]);
}

/** What a job id looks like, for messages: as `stepgraph submit` prints it. */
export const JOB_ID_SHAPE = "17, or 17@3 for a partitioned graph";

/** Whether `id` is a job id (`17`, or `17@3` for a partitioned graph). */
export function isJobId(id: string): boolean {
  return partitionOfJob(id) !== undefined;
}

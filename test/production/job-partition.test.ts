// Job ids and their partitions (src/production/job-partition.ts): a graph of one partition
// numbers its jobs as before (`17`); a partitioned one puts job K in partition K mod N and
// says so in the id (`17@1`), so the partition is read back from the id alone.
import assert from "node:assert/strict";
import { test } from "node:test";
import { jobIdentity, partitionOfJob } from "../../src/production/job-partition";

test("one partition: plain numbers, partition 0", () => {
  assert.deepEqual(jobIdentity(17, 1), { id: "17", partition: 0 });
  assert.equal(partitionOfJob("17"), 0);
});

test("N partitions: round-robin by job number, the partition in the id and read back from it", () => {
  assert.deepEqual(
    [1, 2, 3, 4, 5].map((k) => jobIdentity(k, 4)),
    [
      { id: "1@1", partition: 1 },
      { id: "2@2", partition: 2 },
      { id: "3@3", partition: 3 },
      { id: "4@0", partition: 0 },
      { id: "5@1", partition: 1 },
    ],
  );
  for (let k = 1; k <= 200; k++) {
    const { id, partition } = jobIdentity(k, 7);
    assert.equal(partitionOfJob(id), partition);
  }
  // Ids of one counter are unique whatever the partition count of each version.
  const ids = [...Array.from({ length: 50 }, (_, i) => jobIdentity(i + 1, 1).id), ...Array.from({ length: 50 }, (_, i) => jobIdentity(i + 51, 3).id)];
  assert.equal(new Set(ids).size, 100);
});

test("what is not a job id has no partition", () => {
  for (const text of ["", "x", "17@", "@2", "17@x", "1.5", "17@2@3", " 17"]) assert.equal(partitionOfJob(text), undefined, JSON.stringify(text));
});

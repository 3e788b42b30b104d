// That commands change nothing in a Redis: none of the commands they sent is one Redis flags
// as a write (INFO commandstats before and after, COMMAND INFO's flags), and every key is as
// it was (DUMP of each; one that may expire meanwhile is not compared). Nothing else may use
// the server meanwhile.
import assert from "node:assert/strict";
import type Redis from "ioredis";

/** Runs `commands` and checks they wrote nothing; resolves to the Redis commands they sent (`scan`, `client|setinfo`, ...). */
export async function assertReadOnly(client: Redis, commands: () => void | Promise<void>): Promise<string[]> {
  const keysBefore = await keyDumps(client);
  const callsBefore = await commandCalls(client);
  await commands();
  const callsAfter = await commandCalls(client);
  const keysAfter = await keyDumps(client);
  const sent = [...callsAfter].filter(([name, calls]) => calls > (callsBefore.get(name) ?? 0)).map(([name]) => name);
  for (const name of sent) {
    const [info] = (await client.command("INFO", name)) as [[string, number, string[]] | null];
    assert.ok(info !== null, `COMMAND INFO ${name}`);
    assert.ok(!info[2].includes("write"), `the commands sent ${name}, which writes (sent: ${sent.join(", ")})`);
  }
  assert.ok(!sent.includes("keys"), "KEYS was sent");
  assert.deepEqual(keysAfter, keysBefore);
  return sent;
}

async function commandCalls(client: Redis): Promise<Map<string, number>> {
  const info = await client.info("commandstats");
  return new Map([...info.matchAll(/^cmdstat_(\S+?):calls=(\d+)/gm)].map(([, name, calls]) => [name, Number(calls)]));
}

async function keyDumps(client: Redis): Promise<Map<string, string>> {
  const dumps = new Map<string, string>();
  let cursor = "0";
  do {
    const [next, keys] = await client.scan(cursor, "COUNT", 1000);
    cursor = next;
    for (const key of keys) {
      const [ttl, dump] = await Promise.all([client.pttl(key), client.dumpBuffer(key)]);
      if (dump !== null && (ttl === -1 || ttl > 60_000)) dumps.set(key, dump.toString("hex"));
    }
  } while (cursor !== "0");
  return new Map([...dumps].sort(([a], [b]) => (a < b ? -1 : 1)));
}

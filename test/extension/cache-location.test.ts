// What the status bar says about the cache, and the TCP probe behind "does it answer".
import assert from "node:assert/strict";
import { createServer, type AddressInfo } from "node:net";
import { describe, test } from "node:test";
import { describeCacheLocation } from "../../src/extension/cache-location";
import { tcpProbe } from "../../src/extension/tcp-probe";

describe("describeCacheLocation", () => {
  test("no setting: the search order, probing the default local Redis", () => {
    for (const setting of ["", " ", "auto"]) {
      const location = describeCacheLocation(setting);
      assert.equal(location.label, "auto: 127.0.0.1:6379 / private / in-process");
      assert.deepEqual(location.probe, { host: "127.0.0.1", port: 6379 });
    }
  });

  test("a URL shows without its password and probes its host and port", () => {
    const location = describeCacheLocation("redis://app:s3cret@cache.internal:6380/2");
    assert.equal(location.label, "redis://app:***@cache.internal:6380/2");
    assert.doesNotMatch(location.description, /s3cret/);
    assert.deepEqual(location.probe, { host: "cache.internal", port: 6380 });
  });

  test("the port defaults to 6379, and IPv6 hosts lose their brackets", () => {
    assert.deepEqual(describeCacheLocation("rediss://cache.example.com").probe, { host: "cache.example.com", port: 6379 });
    assert.deepEqual(describeCacheLocation("redis://[::1]:7000").probe, { host: "::1", port: 7000 });
  });

  test("private and memory name themselves and probe nothing", () => {
    assert.deepEqual(describeCacheLocation("private").label, "private redis-server");
    assert.equal(describeCacheLocation("private").probe, undefined);
    assert.deepEqual(describeCacheLocation("memory").label, "in-process");
    assert.equal(describeCacheLocation("memory").probe, undefined);
  });

  test("a setting that is not a Redis URL says so, without its password", () => {
    const location = describeCacheLocation("http://u:pw@host");
    assert.equal(location.label, "invalid Redis URL");
    assert.match(location.description, /not a Redis URL/);
    assert.doesNotMatch(location.description, /pw@/);
    assert.equal(location.probe, undefined);
  });
});

describe("tcpProbe", () => {
  test("true where something listens, false where nothing does", async () => {
    const server = createServer((socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      assert.equal(await tcpProbe({ host: "127.0.0.1", port }, 1000), true);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    assert.equal(await tcpProbe({ host: "127.0.0.1", port }, 1000), false);
  });
});

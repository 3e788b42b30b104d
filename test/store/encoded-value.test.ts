// Decoding a stored value is bounded: a few bytes never decode into megabytes or billions of
// elements, a value that contains itself is refused, and so is any kind the encoder never
// writes. Every refusal is one clear error.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { decodeValue, encodeValue, hashValue, toJsonValue } from "../../src/runtime/values";
import { decodeEncodedValue, MAX_DECODED_ELEMENTS, previewEncodedValue, ValueDecodeError } from "../../src/store/encoded-value";

/** Decoding `text` fails with a ValueDecodeError whose message matches `pattern`, quickly. */
function assertRefused(text: string, pattern: RegExp): void {
  const started = performance.now();
  assert.throws(
    () => decodeEncodedValue(text),
    (e: unknown) => e instanceof ValueDecodeError && pattern.test(e.message),
  );
  assert.ok(performance.now() - started < 2000, "refused without walking the value");
}

describe("bounded decoding", () => {
  test("36 bytes do not become a 10 MB Buffer", () => {
    assertRefused('[["Buffer",1],{"length":2},10000000]', /a Buffer is encoded as base64 text/);
  });

  test("17 bytes do not become an array of 2^32-1 elements", () => {
    assertRefused("[[-7,4294967295]]", new RegExp(`more than ${MAX_DECODED_ELEMENTS.toLocaleString("en-US")} elements`));
  });

  test("shared references are counted each time they are reached (no billion laughs)", () => {
    // Level k is an array of 10 references to level k+1: 10^12 elements walked, in 200 bytes.
    const levels = Array.from({ length: 12 }, (_, k) => `[${Array(10).fill(k + 1).join(",")}]`);
    assertRefused(`[${levels.join(",")},0]`, /more than .* elements/);
  });

  test("a value that contains itself is refused", () => {
    assertRefused("[[0]]", /contains itself/);
    assertRefused('[{"a":1},{"b":0}]', /contains itself/);
  });

  test("kinds the encoder never writes are refused", () => {
    assertRefused('[["Float64Array",1],["ArrayBuffer","AAAAAAAA8D8AAAAAAAAAQA=="]]', /Float64Array/);
    assertRefused('[["RegExp","a+"]]', /RegExp/);
    assertRefused('[["URL","http://x/"]]', /URL/);
    assertRefused('[["Object",1],1]', /boxed/);
  });

  test("malformed text is a ValueDecodeError too", () => {
    assertRefused("not json", /not an encoded value/);
    assertRefused("[]", /not an encoded value/);
    assertRefused(`${"[".repeat(100_000)}0${"]".repeat(100_000)}`, /not an encoded value|nested/);
  });

  test("what the encoder writes still decodes, large values and sparse arrays included", () => {
    const shared = { id: 1 };
    const big = Array.from({ length: 200_000 }, (_, i) => i);
    const value = { big, holes: new Array(1000), twice: [shared, shared], bytes: Buffer.alloc(100_000, 7), set: new Set([1, 2]), map: new Map([["k", shared]]) };
    const back = decodeValue(encodeValue(value)) as typeof value;
    assert.deepEqual(back, value);
    assert.equal(hashValue(back), hashValue(value));
    assert.ok(Buffer.isBuffer(back.bytes));
    assert.equal(back.twice[0], back.twice[1]);
  });

  test("the hover preview says the value cannot be shown rather than decoding it", () => {
    assert.equal(previewEncodedValue("[[-7,4294967295]]"), "(the cached value cannot be decoded)");
    assert.deepEqual(toJsonValue(decodeValue(encodeValue([1, 2]))), [1, 2]);
  });
});

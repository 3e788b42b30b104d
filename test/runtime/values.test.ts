// Value encoding: every supported kind round-trips; anything else is refused with its path.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parse, stringify } from "devalue";
import { decodeValue, encodeValue, hashValue, toJsonValue, valueAtPath } from "../../src/runtime/values";

describe("encodeValue / decodeValue", () => {
  test("every supported kind round-trips, shared references included", () => {
    const shared = { id: 1 };
    const value = {
      u: undefined,
      d: new Date(5),
      m: new Map<unknown, unknown>([[1, "a"], ["k", [shared]]]),
      s: new Set([1n, "x"]),
      b: 2n ** 70n,
      bytes: new Uint8Array([1, 2, 3]),
      buf: Buffer.from("abc"),
      nan: NaN,
      inf: -Infinity,
      negativeZero: -0,
      twice: [shared, shared],
    };
    const back = decodeValue(encodeValue(value)) as typeof value;
    assert.deepEqual(back, value);
    assert.ok(Buffer.isBuffer(back.buf), "a Buffer comes back a Buffer");
    assert.equal(back.twice[0], back.twice[1], "a shared reference stays shared");
  });

  const refused: [string, unknown, RegExp][] = [
    ["a function", { a: { b: [0, () => 1] } }, /a function at a\.b\[1\] cannot be serialized/],
    ["a class instance", { when: new (class Clock {
      now(): number {
        return 0;
      }
    })() }, /an instance of Clock at when/],
    ["a symbol", [Symbol("s")], /a symbol at \[0\]/],
    ["a value inside a Map", new Map([["k", { f: Math.max }]]), /a function \(max\) at \.get\("k"\)\.f/],
    ["a top-level function", () => 1, /a function at the top level/],
  ];
  for (const [name, value, pattern] of refused) {
    test(`refuses ${name}, naming the path`, () => assert.throws(() => encodeValue(value), pattern));
  }

  test("refuses a cycle", () => {
    const cyclic: Record<string, unknown> = { a: [] };
    (cyclic.a as unknown[]).push(cyclic);
    assert.throws(() => encodeValue(cyclic), /a cycle \(a value that contains itself\) at a\[0\]/);
  });

  // encodeValue writes these without devalue, and decodeValue reads them so: the text must be
  // devalue's to the character (cached outputs and the hashes of arguments depend on it).
  const primitives: unknown[] = [0, 1, -1, 42, 0.5, -0.25, 1e21, 1e-7, 2 ** 53 + 2, Number.MAX_VALUE, Number.MIN_VALUE, -0, NaN, Infinity, -Infinity, true, false, null, undefined];
  const strings = ["", "hi", "a b", "a<b", 'say "x"', "back\\slash", "tab\t", "new\nline", "é", "日本", "😀", "\ud800 lone", "\u2028", "\u0000", "</script>", "[1]", "{}"];
  for (const value of [...primitives, ...strings]) {
    test(`${typeof value} ${JSON.stringify(value) ?? String(value)}: devalue's text, and back`, () => {
      const text = encodeValue(value);
      assert.equal(text, stringify(value));
      assert.deepEqual(decodeValue(text), value);
      assert.deepEqual(decodeValue(text), parse(text));
    });
  }

  test("texts that look like a primitive's but are not one go to devalue", () => {
    assert.deepEqual(decodeValue("[[1],2]"), [2]);
    assert.deepEqual(decodeValue('[{"a":1},2]'), { a: 2 });
    assert.equal(decodeValue("[1,2]"), 1);
    assert.equal(decodeValue("-1"), undefined);
    assert.throws(() => decodeValue("[1"), /not an encoded value/);
    assert.throws(() => decodeValue("[]"), /not an encoded value/);
  });

  test("decoding builds data only: devalue input naming code is refused", () => {
    assert.throws(() => decodeValue('[["Function","return 1"]]'));
    assert.throws(() => decodeValue("not devalue"));
  });
});

describe("hashValue", () => {
  test("equal values hash alike whatever their key order; different values differ", () => {
    assert.equal(hashValue({ a: 1, b: [2, { c: 3 }] }), hashValue({ b: [2, { c: 3 }], a: 1 }));
    const distinct = [1, "1", 1n, true, null, undefined, [1], { a: 1 }, new Set([1]), new Map([[1, 1]]), new Date(1), new Uint8Array([1]), Buffer.from([1]), -0, 0, NaN];
    assert.equal(new Set(distinct.map(hashValue)).size, distinct.length);
  });
});

describe("toJsonValue", () => {
  test("projects what JSON cannot hold", () => {
    assert.deepEqual(toJsonValue({ d: new Date(0), m: new Map([["a", 1]]), pairs: new Map([[1, 2]]), s: new Set([1]), b: 5n, bytes: new Uint8Array([255]), n: NaN, u: undefined, list: [undefined] }), {
      d: "1970-01-01T00:00:00.000Z",
      m: { a: 1 },
      pairs: [[1, 2]],
      s: [1],
      b: "5",
      bytes: "/w==",
      n: null,
      list: [null],
    });
  });
});

describe("valueAtPath", () => {
  test("follows own properties, indexes, Map keys and length; never the prototype", () => {
    const value = { items: [{ sku: "A" }], lookup: new Map([["k", 7]]), name: "abc" };
    assert.equal(valueAtPath(value, ["items", 0, "sku"]), "A");
    assert.equal(valueAtPath(value, ["items", "length"]), 1);
    assert.equal(valueAtPath(value, ["name", "length"]), 3);
    assert.equal(valueAtPath(value, ["lookup", "k"]), 7);
    assert.equal(valueAtPath(value, ["constructor"]), undefined);
    assert.equal(valueAtPath(value, ["items", 5, "sku"]), undefined);
  });
});

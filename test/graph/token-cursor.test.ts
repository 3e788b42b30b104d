// The parser's cursor over the token stream: peeking ahead, reading on, staying at the end.
import assert from "node:assert/strict";
import { test } from "node:test";
import { tokenize } from "../../src/graph/lexer";
import { TokenCursor } from "../../src/graph/token-cursor";

test("peek looks ahead without reading; next reads in order and stays on eof", () => {
  const cursor = new TokenCursor(tokenize("node a = f(x)"));
  const previousText = () => cursor.previous?.text;
  assert.equal(previousText(), undefined);
  assert.equal(cursor.peek().text, "node");
  assert.equal(cursor.peek(2).text, "=");
  assert.equal(cursor.peek(1).text, "a");
  assert.equal(cursor.next().text, "node");
  assert.equal(cursor.peek(3).text, "(");
  const read = [cursor.next(), cursor.next(), cursor.next(), cursor.next(), cursor.next(), cursor.next()].map((t) => t.text);
  assert.deepEqual(read, ["a", "=", "f", "(", "x", ")"]);
  assert.equal(previousText(), ")");
  assert.equal(cursor.peek(5).kind, "eof");
  assert.equal(cursor.next().kind, "eof");
  assert.equal(cursor.next().kind, "eof");
  assert.equal(previousText(), ")");
});

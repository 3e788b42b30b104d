// The formatter on version 2's syntax: map, REF?, when conditions, named arguments, use
// graph and pin, aligned as version 1's nodes are; idempotent.
import assert from "node:assert/strict";
import { test } from "node:test";
import { formatGraph } from "../../src/graph/formatter";

function formatted(text: string): string {
  const result = formatGraph(text);
  assert.ok(result.ok, result.ok ? "" : result.reason);
  return result.text;
}

const messy = [
  "graph orders",
  'use   graph  "./geo.graph"   as geo',
  "input order",
  "node items = loadItems( order.id )",
  "node enriched=enrich(map  items,rates ) [retry:2]",
  "node refund = issueRefund(order)   when order.total>100 and not(order.flagged)",
  "node notice = sendNotice(order , refund ? )   // tell them",
  'node place = geo( address :map order.addresses , country:"DE" ) when (a==1 or b!=2)and c<=3 and d>=4 and e<5 and f>6 [pin:"./pins/place.json"]',
  "node z = zoneOf(place.region)when not not x?",
  "",
].join("\n");

const expected = [
  "graph orders",
  'use graph "./geo.graph" as geo',
  "input order",
  "node items    = loadItems(order.id)",
  "node enriched = enrich(map items, rates)                          [retry: 2]",
  "node refund   = issueRefund(order)                                when order.total > 100 and not (order.flagged)",
  "node notice   = sendNotice(order, refund?)                        // tell them",
  'node place    = geo(address: map order.addresses, country: "DE")  when (a == 1 or b != 2) and c <= 3 and d >= 4 and e < 5 and f > 6 [pin: "./pins/place.json"]',
  "node z        = zoneOf(place.region)                              when not not x?",
  "",
].join("\n");

test("v2 syntax is formatted with the house spacing, when and options aligned in one column", () => {
  assert.equal(formatted(messy), expected);
});

test("formatting v2 syntax twice changes nothing", () => {
  assert.equal(formatted(expected), expected);
});

test("a multi-line condition is kept as written", () => {
  const text = "graph g\nnode a = f(x) when (x and\n    y)\n";
  assert.equal(formatted(text), text);
});

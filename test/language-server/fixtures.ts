// Examples copied to a scratch folder (tests edit them), and positions found by text.
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Position } from "vscode-languageserver-protocol";
import { repoRoot } from "../helpers";

/** A fresh copy of examples/NAME; returns its folder. */
export function copyExample(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `stepgraph-lsp-${name}-`));
  cpSync(join(repoRoot, "examples", name), dir, { recursive: true });
  return dir;
}

/** The position of the `occurrence`-th `needle` in `text`, moved `delta` characters in. */
export function positionOf(text: string, needle: string, occurrence = 0, delta = 0): Position {
  let offset = -1;
  for (let i = 0; i <= occurrence; i++) {
    offset = text.indexOf(needle, offset + 1);
    if (offset < 0) throw new Error(`'${needle}' occurs fewer than ${occurrence + 1} times`);
  }
  offset += delta;
  const before = text.slice(0, offset).split("\n");
  return { line: before.length - 1, character: before[before.length - 1].length };
}

/** The position at the very end of `text`. */
export function endOf(text: string): Position {
  const lines = text.split("\n");
  return { line: lines.length - 1, character: lines[lines.length - 1].length };
}

export const SHOP_GRAPH = `graph shop

use "./nodes/shop.ts"
use graph "./geo.graph" as geo

input order
input customer = {"address": "Main St 1", "tier": "gold"}

node place  = geo(address: customer.address, country: "DE")
node zone   = zoneOf(place.region)
node refund = issueRefund(order) when order.total > 100 and not order.flagged
node notice = sendNotice(order, refund?)

output zone, notice
`;

export const GEO_GRAPH = `graph geo

use "./nodes/shop.ts"

input address
input country = "DE"

node normalized = normalize(address, country)
node region     = regionOf(normalized)

output normalized, region
`;

const SHOP_MODULE = `export function normalize(address: string, country: string): { street: string; region: string } {
  return { street: address, region: country };
}
export function regionOf(normalized: { region: string }): string {
  return normalized.region;
}
export function zoneOf(region: string): string {
  return region;
}
export function issueRefund(order: unknown): string {
  return String(order);
}
export function sendNotice(order: unknown, refund: string | undefined): string {
  return String(refund);
}
`;

/** A scratch folder with shop.graph calling the subgraph geo.graph (both v2), and their module. */
export function subgraphWorkspace(): string {
  const dir = mkdtempSync(join(tmpdir(), "stepgraph-lsp-v2-"));
  mkdirSync(join(dir, "nodes"));
  writeFileSync(join(dir, "nodes", "shop.ts"), SHOP_MODULE);
  writeFileSync(join(dir, "shop.graph"), SHOP_GRAPH);
  writeFileSync(join(dir, "geo.graph"), GEO_GRAPH);
  return dir;
}

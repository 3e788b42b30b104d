// An in-memory stand-in for the shop's database: products and customers. This is a
// plain module that the node modules import; the graph does not `use` it, so none of
// its exports is a node. Because a node's cache key covers the modules its code
// imports, editing this data invalidates the cached results of the nodes that read it.
import type { Customer, Product } from "./types";

const productList: Product[] = [
  { sku: "MUG-BLUE", name: "Blue enamel mug", weightGrams: 340, taxClass: "standard", onHand: 120 },
  { sku: "TEE-M-BLACK", name: "T-shirt, black, size M", weightGrams: 180, taxClass: "standard", onHand: 35 },
  { sku: "BOOK-DATAFLOW", name: "Dataflow Programming (paperback)", weightGrams: 410, taxClass: "reduced", onHand: 8 },
  { sku: "STICKER-PACK", name: "Sticker pack (10 pieces)", weightGrams: 20, taxClass: "standard", onHand: 500 },
  { sku: "POSTER-A2", name: "Poster A2, rolled", weightGrams: 150, taxClass: "standard", onHand: 0 },
];

const customerList: Customer[] = [
  { id: "C-042", name: "Ada Lindqvist", email: "ada@example.com", country: "DE", language: "en" },
  { id: "C-007", name: "Jules Martin", email: "jules@example.org", country: "FR", language: "fr" },
  { id: "C-113", name: "Greta Vogel", email: "greta@example.net", country: "DE", language: "de" },
  { id: "C-250", name: "Sam Taylor", email: "sam@example.co.uk", country: "GB", language: "en" },
];

/** Products by SKU. */
export const products: ReadonlyMap<string, Product> = new Map(productList.map((p) => [p.sku, p]));

/** Customers by id. */
export const customers: ReadonlyMap<string, Customer> = new Map(customerList.map((c) => [c.id, c]));

// The shapes of the values that flow between the nodes of orders.graph. Types only:
// every value a node returns must be serializable (plain objects, arrays, strings,
// numbers, booleans, null, Date, Map, Set, ...), never a class instance with methods.
//
// Money is always an integer number of cents, so that sums and roundings are exact.

/** VAT class of a product: most goods are "standard", books are "reduced". */
export type TaxClass = "standard" | "reduced";

/** Languages the confirmation message is written in. */
export type Language = "en" | "de" | "fr";

/** How fast a parcel travels. */
export type ServiceLevel = "standard" | "express";

/** One line of an order as the shop front sends it (part of the `order` input). */
export interface OrderItem {
  sku: string;
  quantity: number;
  /** The unit price the customer saw, in euro cents. */
  unitPriceCents: number;
}

/** The `order` input: one job of the graph. */
export interface Order {
  id: string;
  customerId: string;
  /** ISO 8601 timestamp, e.g. "2024-05-14T09:30:00Z". */
  placedAt: string;
  items: OrderItem[];
}

/** A customer record of the catalogue. */
export interface Customer {
  id: string;
  name: string;
  email: string;
  /** ISO 3166 country code; decides the VAT rates. */
  country: string;
  language: Language;
}

/** A product record of the catalogue. */
export interface Product {
  sku: string;
  name: string;
  weightGrams: number;
  taxClass: TaxClass;
  /** Units on the warehouse shelf. */
  onHand: number;
}

/** An order item completed with what the catalogue knows of its product. */
export interface Line {
  sku: string;
  name: string;
  quantity: number;
  unitPriceCents: number;
  weightGrams: number;
  taxClass: TaxClass;
}

/** Exchange rate and VAT table for one invoice currency. */
export interface Rates {
  currency: string;
  /** Units of `currency` per euro. */
  perEur: number;
  /** VAT in basis points (1900 = 19 %) by country and tax class. */
  vatBasisPoints: Record<string, Record<TaxClass, number>>;
}

/** An order line with its price and tax in the invoice currency. */
export interface PricedLine {
  sku: string;
  name: string;
  quantity: number;
  netCents: number;
  vatPercent: number;
  vatCents: number;
  grossCents: number;
}

/** The priced order. */
export interface Quote {
  currency: string;
  country: string;
  lines: PricedLine[];
  netCents: number;
  vatCents: number;
  grossCents: number;
}

/** Stock of one SKU compared with what the order asks for. */
export interface StockLine {
  sku: string;
  requested: number;
  onHand: number;
  available: boolean;
}

/** The result of the stock check for a whole order. */
export interface StockCheck {
  allAvailable: boolean;
  lines: StockLine[];
  /** SKUs that are short. */
  short: string[];
}

/** How the order will be packed and shipped. */
export interface ParcelPlan {
  service: ServiceLevel;
  carrier: string;
  box: "S" | "M" | "L";
  /** Goods plus packaging. */
  weightGrams: number;
  etaDays: number;
}

/** An order that passed every check: priced, in stock, packable. */
export interface AcceptedOrder {
  orderId: string;
  quote: Quote;
  parcel: ParcelPlan;
}

/** Stock set aside in the warehouse for one order. */
export interface Reservation {
  reservationId: string;
  orderId: string;
  warehouse: string;
  items: { sku: string; quantity: number }[];
}

/** The invoice for an accepted order. */
export interface Invoice {
  number: string;
  orderId: string;
  reservationId: string;
  /** Dates are serializable node outputs: they survive caching and the queues as Dates. */
  issuedAt: Date;
  dueAt: Date;
  billTo: { name: string; email: string; country: string };
  currency: string;
  lines: PricedLine[];
  netCents: number;
  vatCents: number;
  totalCents: number;
}

/** A message ready to hand to a mail service. */
export interface ConfirmationMessage {
  channel: "email";
  to: string;
  language: Language;
  subject: string;
  body: string;
}

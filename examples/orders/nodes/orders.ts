// Order nodes: look the order's customer and products up in the catalogue, and accept
// the order once it is priced, in stock and packable.
//
// orders.graph uses this module without an alias, so its functions are called by their
// bare names: `findCustomer(order.customerId)`.
import { customers, products } from "./catalogue";
import type { NodeContext } from "./context";
import type { AcceptedOrder, Customer, Line, OrderItem, ParcelPlan, Quote, StockCheck } from "./types";

/**
 * Looks a customer up in the catalogue by id.
 * Throws when there is no such customer, which fails the job.
 */
export function findCustomer(customerId: string): Customer {
  const customer = customers.get(customerId);
  if (!customer) throw new Error(`unknown customer ${JSON.stringify(customerId)}`);
  return { ...customer };
}

/**
 * Checks the order's items and completes each with its product's name, weight and tax
 * class from the catalogue. Throws on an empty order, an unknown SKU or a quantity or
 * price that is not a positive whole number.
 */
export function resolveLines(items: OrderItem[]): Line[] {
  if (!Array.isArray(items) || items.length === 0) throw new Error("the order has no items");
  return items.map((item, index) => {
    const product = products.get(item.sku);
    if (!product) throw new Error(`item ${index}: unknown SKU ${JSON.stringify(item.sku)}`);
    if (!Number.isInteger(item.quantity) || item.quantity <= 0) {
      throw new Error(`item ${index} (${item.sku}): quantity must be a positive integer, got ${item.quantity}`);
    }
    if (!Number.isInteger(item.unitPriceCents) || item.unitPriceCents < 0) {
      throw new Error(`item ${index} (${item.sku}): unitPriceCents must be a whole number of cents`);
    }
    return {
      sku: item.sku,
      name: product.name,
      quantity: item.quantity,
      unitPriceCents: item.unitPriceCents,
      weightGrams: product.weightGrams,
      taxClass: product.taxClass,
    };
  });
}

/**
 * Joins the three independent checks of an order (price, stock, parcel) into one
 * accepted order. Throws when some item is out of stock: with no `retry:` on this node,
 * the job then fails (in production it goes to the dead-letter list).
 */
export function acceptOrder(
  orderId: string,
  stock: StockCheck,
  quote: Quote,
  parcel: ParcelPlan,
  ctx: NodeContext,
): AcceptedOrder {
  if (!stock.allAvailable) {
    throw new Error(`order ${orderId} cannot be accepted: not enough stock of ${stock.short.join(", ")}`);
  }
  ctx.log(`accepted ${orderId}: ${quote.lines.length} lines, ${quote.grossCents} ${quote.currency} cents, box ${parcel.box}`);
  return { orderId, quote, parcel };
}

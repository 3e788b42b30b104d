// Inventory nodes: check stock, plan the parcel, reserve the goods.
//
// orders.graph uses this module as `inventory`.
import { products } from "./catalogue";
import type { NodeContext } from "./context";
import type { AcceptedOrder, Line, ParcelPlan, Reservation, ServiceLevel, StockCheck } from "./types";

/** Weight of the box and filling, added to the goods. */
const PACKAGING_GRAMS = 150;

const CARRIERS: Record<ServiceLevel, { carrier: string; etaDays: number }> = {
  standard: { carrier: "Parcel Post", etaDays: 3 },
  express: { carrier: "Parcel Post Express", etaDays: 1 },
};

/**
 * Compares each line's quantity with the units on the shelf. Never throws for a
 * shortage: it reports it, and acceptOrder decides what a shortage means.
 */
export function checkStock(lines: Line[]): StockCheck {
  const checked = lines.map((line) => {
    const onHand = products.get(line.sku)?.onHand ?? 0;
    return { sku: line.sku, requested: line.quantity, onHand, available: line.quantity <= onHand };
  });
  const short = checked.filter((l) => !l.available).map((l) => l.sku);
  return { allAvailable: short.length === 0, lines: checked, short };
}

/**
 * Chooses the box size and carrier for the order from the total weight and the
 * service level (`"standard"` or `"express"`, a literal argument in the graph).
 */
export function planParcel(lines: Line[], service: ServiceLevel): ParcelPlan {
  if (!Object.hasOwn(CARRIERS, service)) throw new Error(`unknown service level ${JSON.stringify(service)}`);
  const weightGrams = PACKAGING_GRAMS + lines.reduce((total, l) => total + l.weightGrams * l.quantity, 0);
  const box = weightGrams <= 1000 ? "S" : weightGrams <= 5000 ? "M" : "L";
  return { service, ...CARRIERS[service], box, weightGrams };
}

// The warehouse's reservations, by order id. A real warehouse keeps these in its own
// database; a module variable stands in for it (it lives as long as the process).
const reservations = new Map<string, Reservation>();

/**
 * Sets the order's goods aside in the warehouse: a side effect, so the graph marks
 * this node `cache: off` (a cached result would skip the reservation) and gives it
 * `retry:` for a warehouse that is briefly unavailable.
 *
 * Idempotent by order id: production runs every node at least once, and a node may
 * run again after a worker dies, so reserving the same order twice must not set aside
 * the goods twice. A repeated call returns the first reservation.
 */
export async function reserveStock(accepted: AcceptedOrder, ctx: NodeContext): Promise<Reservation> {
  const existing = reservations.get(accepted.orderId);
  if (existing) {
    ctx.log(`order ${accepted.orderId} was already reserved as ${existing.reservationId}`);
    return structuredClone(existing);
  }
  const reservation: Reservation = {
    reservationId: `RES-${accepted.orderId}`,
    orderId: accepted.orderId,
    warehouse: "WH-BERLIN-1",
    items: accepted.quote.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })),
  };
  await Promise.resolve(); // where a real warehouse API call would be awaited
  reservations.set(accepted.orderId, reservation);
  ctx.log(`reserved ${reservation.items.length} SKUs for ${accepted.orderId} as ${reservation.reservationId}`);
  return structuredClone(reservation);
}

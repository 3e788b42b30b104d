// Pricing nodes: exchange and VAT rates, the priced order, and the invoice.
//
// orders.graph uses this module as `pricing`, so its functions are called through the
// alias: `pricing.loadRates(currency)`.
import type { NodeContext } from "./context";
import type { AcceptedOrder, Customer, Invoice, Line, Quote, Rates, Reservation, TaxClass } from "./types";

// The "rate service" that loadRates pretends to call. Fixed numbers keep the example
// deterministic; they are illustrative, not current rates.
const PER_EUR: Record<string, number> = { EUR: 1, USD: 1.08, GBP: 0.85, CHF: 0.96 };
const VAT_BASIS_POINTS: Record<string, Record<TaxClass, number>> = {
  DE: { standard: 1900, reduced: 700 },
  FR: { standard: 2000, reduced: 550 },
  NL: { standard: 2100, reduced: 900 },
  GB: { standard: 2000, reduced: 0 },
};

/** Days between an invoice and its due date. */
const PAYMENT_TERM_DAYS = 14;

/**
 * Loads the exchange rate of `currency` and the VAT table, as a call to a rate service
 * would. It takes about 50 ms, which is why the graph caches it (`cache: 1h`): run the
 * graph twice and the second run skips the wait. It honours `ctx.signal`, so the node's
 * `timeout:` stops it at once.
 */
export async function loadRates(currency: string, ctx: NodeContext): Promise<Rates> {
  if (!Object.hasOwn(PER_EUR, currency)) {
    throw new Error(`unsupported currency ${JSON.stringify(currency)}; use one of ${Object.keys(PER_EUR).join(", ")}`);
  }
  ctx.log(`fetching rates for ${currency} (attempt ${ctx.attempt})`);
  await sleep(50, ctx.signal); // the simulated network round trip
  return { currency, perEur: PER_EUR[currency], vatBasisPoints: structuredClone(VAT_BASIS_POINTS) };
}

/**
 * Prices every line in the invoice currency and adds the VAT of the customer's
 * country for the line's tax class. Amounts are rounded to whole cents per line.
 */
export function priceLines(lines: Line[], rates: Rates, country: string): Quote {
  if (!Object.hasOwn(rates.vatBasisPoints, country)) {
    throw new Error(`no VAT rates for country ${JSON.stringify(country)}`);
  }
  const vat = rates.vatBasisPoints[country];
  const priced = lines.map((line) => {
    const netCents = Math.round(line.unitPriceCents * line.quantity * rates.perEur);
    const basisPoints = vat[line.taxClass];
    const vatCents = Math.round((netCents * basisPoints) / 10_000);
    return {
      sku: line.sku,
      name: line.name,
      quantity: line.quantity,
      netCents,
      vatPercent: basisPoints / 100,
      vatCents,
      grossCents: netCents + vatCents,
    };
  });
  const sum = (pick: (l: (typeof priced)[number]) => number) => priced.reduce((total, l) => total + pick(l), 0);
  return {
    currency: rates.currency,
    country,
    lines: priced,
    netCents: sum((l) => l.netCents),
    vatCents: sum((l) => l.vatCents),
    grossCents: sum((l) => l.grossCents),
  };
}

/**
 * Issues the invoice of an accepted, reserved order. Its dates derive from the time
 * the order was placed (not from the clock), so the same order always yields the same
 * invoice, which is what makes a node's result cacheable.
 */
export function issueInvoice(
  accepted: AcceptedOrder,
  reservation: Reservation,
  customer: Customer,
  placedAt: string,
): Invoice {
  const issuedAt = new Date(placedAt);
  if (Number.isNaN(issuedAt.getTime())) throw new Error(`placedAt is not a date: ${JSON.stringify(placedAt)}`);
  const dueAt = new Date(issuedAt.getTime() + PAYMENT_TERM_DAYS * 24 * 60 * 60 * 1000);
  const { quote } = accepted;
  return {
    number: `INV-${accepted.orderId.replace(/^ORD-/, "")}`,
    orderId: accepted.orderId,
    reservationId: reservation.reservationId,
    issuedAt,
    dueAt,
    billTo: { name: customer.name, email: customer.email, country: customer.country },
    currency: quote.currency,
    lines: quote.lines,
    netCents: quote.netCents,
    vatCents: quote.vatCents,
    totalCents: quote.grossCents,
  };
}

/** Waits `ms` milliseconds; rejects with the signal's reason as soon as it aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

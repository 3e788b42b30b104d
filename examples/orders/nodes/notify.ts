// Notification nodes. orders.graph uses this module without an alias, like orders.ts:
// two alias-less modules must not export a function of the same name.
import type { ConfirmationMessage, Customer, Invoice, Language, ParcelPlan } from "./types";

interface Texts {
  subject: string;
  greeting: string;
  body: string;
  /** "day" and "days". */
  day: [string, string];
  decimal: string;
}

const TEXT: Record<Language, Texts> = {
  en: {
    subject: "Your order {order} is confirmed",
    greeting: "Hello {name},",
    body: "thank you for your order {order}. Invoice {invoice} over {total} is attached and due on {due}. Your parcel ships with {carrier} and should arrive within {days}.",
    day: ["day", "days"],
    decimal: ".",
  },
  de: {
    subject: "Ihre Bestellung {order} ist bestätigt",
    greeting: "Hallo {name},",
    body: "vielen Dank für Ihre Bestellung {order}. Die Rechnung {invoice} über {total} liegt bei und ist am {due} fällig. Ihr Paket reist mit {carrier} und sollte in {days} ankommen.",
    day: ["Tag", "Tagen"],
    decimal: ",",
  },
  fr: {
    subject: "Votre commande {order} est confirmée",
    greeting: "Bonjour {name},",
    body: "merci pour votre commande {order}. La facture {invoice} de {total} est jointe, à régler avant le {due}. Votre colis part avec {carrier} et devrait arriver sous {days}.",
    day: ["jour", "jours"],
    decimal: ",",
  },
};

/**
 * Writes the order confirmation e-mail in the customer's language and returns it as a
 * message object. "Sending" is left to whoever reads the graph's output: the example
 * does no I/O. Marked `cache: off` in the graph, as a real sender must be.
 */
export function sendConfirmation(customer: Customer, invoice: Invoice, parcel: ParcelPlan): ConfirmationMessage {
  const text = TEXT[customer.language];
  // Formatted by hand rather than with Intl, so the output is the same on every machine.
  const amount = (invoice.totalCents / 100).toFixed(2).replace(".", text.decimal);
  const values: Record<string, string> = {
    order: invoice.orderId,
    name: customer.name,
    invoice: invoice.number,
    total: `${amount} ${invoice.currency}`,
    due: invoice.dueAt.toISOString().slice(0, 10),
    carrier: parcel.carrier,
    days: `${parcel.etaDays} ${text.day[parcel.etaDays === 1 ? 0 : 1]}`,
  };
  const fill = (template: string) => template.replace(/\{(\w+)\}/g, (_, key: string) => values[key] ?? `{${key}}`);
  return {
    channel: "email",
    to: customer.email,
    language: customer.language,
    subject: fill(text.subject),
    body: `${fill(text.greeting)}\n\n${fill(text.body)}`,
  };
}

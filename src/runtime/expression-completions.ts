// Completions for the debugger's expressions (the debug console): from the text before the
// cursor and the names an expression sees (the scope of expression-evaluator.ts), what may
// come next. A name of the scope; after `name.` or `name[0].` a key of the value there;
// after `name[` an index of an array, or a quoted key of an object. Values are plain data
// (values.ts) and are only looked at: nothing is evaluated, so `f().` or `(a).` offers
// nothing, and neither do Maps, Sets, strings or numbers.

/** A name an expression can use, and where it comes from. */
export interface ScopeName {
  name: string;
  value: unknown;
  kind: "input" | "output" | "parameter";
}

export interface Completion {
  label: string;
  kind: ScopeName["kind"] | "property" | "index";
  /** What the label stands for: the value of that name, key or index. */
  value: unknown;
}

export interface Completions {
  /** Where, in the text given, the part that a completion replaces starts (0-based). */
  from: number;
  /** How many characters from `from` a completion replaces (what was typed of it so far). */
  length: number;
  items: Completion[];
}

/** Arrays offer their first indices only: a longer list is no help in a menu. */
export const MAX_INDEX_COMPLETIONS = 100;

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * A chain of names ending the text: `name`, then `.key`, `[3]`, `["key"]` or `['key']`, not
 * itself after a `.` or a closing bracket (a member of something not a name, not looked into).
 */
const CHAIN = /(?<![\w$.\])])([A-Za-z_$][\w$]*)((?:\.[A-Za-z_$][\w$]*|\[\s*\d+\s*\]|\[\s*"(?:[^"\\]|\\.)*"\s*\]|\[\s*'(?:[^'\\]|\\.)*'\s*\])*)$/;
const STEP = /\.([A-Za-z_$][\w$]*)|\[\s*(\d+)\s*\]|\[\s*"((?:[^"\\]|\\.)*)"\s*\]|\[\s*'((?:[^'\\]|\\.)*)'\s*\]/g;

/** The completions at the end of `before` (the text up to the cursor), over these names. */
export function completionsAt(before: string, scope: readonly ScopeName[]): Completions {
  // After `chain[`, maybe with digits or an open quote and part of a key.
  const bracket = /\[\s*(?:(\d*)|"((?:[^"\\]|\\.)*)|'((?:[^'\\]|\\.)*))$/.exec(before);
  if (bracket) {
    const value = valueAt(before.slice(0, bracket.index), scope);
    const [, digits, doubleQuoted, singleQuoted] = bracket;
    const quote = doubleQuoted !== undefined ? '"' : singleQuoted !== undefined ? "'" : undefined;
    const typed = digits ?? doubleQuoted ?? singleQuoted ?? "";
    const items = quote === undefined ? bracketItems(value) : keyItems(value, quote);
    return { from: before.length - typed.length, length: typed.length, items: items.filter((item) => item.label.startsWith(typed)) };
  }
  const typed = /[A-Za-z_$][\w$]*$/.exec(before)?.[0] ?? "";
  const from = before.length - typed.length;
  const ahead = before.slice(0, from);
  if (ahead.endsWith(".")) {
    const value = valueAt(ahead.slice(0, -1), scope);
    return { from, length: typed.length, items: propertyItems(value).filter((item) => item.label.startsWith(typed)) };
  }
  // A name is not completed right after a digit (`1e`), a quote or a closing bracket.
  if (/[\w$"'`)\]]$/.test(ahead)) return { from, length: typed.length, items: [] };
  return { from, length: typed.length, items: namesOf(scope).filter((item) => item.label.startsWith(typed)) };
}

/** The scope's names, each once: a later one hides an earlier one of the same name (as the evaluation's scope does). */
function namesOf(scope: readonly ScopeName[]): Completion[] {
  const byName = new Map<string, Completion>();
  for (const { name, value, kind } of scope) {
    if (!IDENTIFIER.test(name)) continue;
    byName.delete(name);
    byName.set(name, { label: name, kind, value });
  }
  return [...byName.values()];
}

/** The value the chain ending `text` names; undefined when there is none, or it cannot be looked into. */
function valueAt(text: string, scope: readonly ScopeName[]): unknown {
  const chain = CHAIN.exec(text.trimEnd());
  if (!chain) return undefined;
  const root = scope.findLast((entry) => entry.name === chain[1]);
  if (!root) return undefined;
  let value = root.value;
  for (const [, property, index, doubleQuoted, singleQuoted] of chain[2].matchAll(STEP)) {
    const key = property ?? (index !== undefined ? Number(index) : unescape(doubleQuoted ?? singleQuoted));
    value = childOf(value, key);
    if (value === undefined) return undefined;
  }
  return value;
}

function childOf(value: unknown, key: string | number): unknown {
  if (Array.isArray(value)) return typeof key === "number" ? value[key] : undefined;
  if (!isPlainObject(value)) return undefined;
  const name = String(key);
  return Object.hasOwn(value, name) ? value[name] : undefined;
}

/** After a dot: the keys of an object that can follow one. */
function propertyItems(value: unknown): Completion[] {
  if (!isPlainObject(value)) return [];
  return Object.entries(value)
    .filter(([key]) => IDENTIFIER.test(key))
    .map(([key, item]) => ({ label: key, kind: "property", value: item }));
}

/** After `[`: an array's indices, or an object's keys, quoted. */
function bracketItems(value: unknown): Completion[] {
  if (Array.isArray(value)) return value.slice(0, MAX_INDEX_COMPLETIONS).map((item, i) => ({ label: String(i), kind: "index", value: item }));
  if (!isPlainObject(value)) return [];
  return Object.entries(value).map(([key, item]) => ({ label: JSON.stringify(key), kind: "property", value: item }));
}

/** After `["` or `['`: an object's keys, written for inside that quote. */
function keyItems(value: unknown, quote: string): Completion[] {
  if (!isPlainObject(value)) return [];
  return Object.entries(value).map(([key, item]) => ({ label: key.replace(/[\\]/g, "\\\\").replaceAll(quote, `\\${quote}`), kind: "property", value: item }));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object") return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function unescape(text: string): string {
  return text.replace(/\\(.)/g, "$1");
}

// The text edit behind Pin Output and Unpin (custom request `stepgraph/pinEdit`): a node's
// `pin:` option set to a path (added to its options, or in brackets of its own when it has
// none; an existing pin's path replaced) or taken out (with the brackets when it was the
// only option). Spans come from the parser's ranges, so the rest of the line is kept as
// written; a file that was formatted is formatted again after the edit, so the options of
// the block stay aligned. The extension writes or deletes the pin file itself.
import type { Range, TextEdit } from "vscode-languageserver";
import type { NodeStatement, OptionEntry } from "../graph/ast";
import { formatGraph } from "../graph/formatter";
import { parse } from "../graph/parser";
import type { LineMap } from "../graph/text-range";
import type { PinEditResult } from "./custom-protocol";

export type PinEditOutcome = { ok: true; result: PinEditResult } | { ok: false; message: string };

/** A replacement of text[start, end). */
interface Span {
  start: number;
  end: number;
  text: string;
}

export function pinEdit(text: string, nodeName: string, pin: string | null): PinEditOutcome {
  const parsed = parse(text);
  const node = parsed.file.statements.find((s): s is NodeStatement => s.kind === "node" && s.name.text === nodeName);
  if (!node) return { ok: false, message: `there is no node '${nodeName}' in this file` };
  if (!node.call) return { ok: false, message: `the line of node '${nodeName}' has a syntax error before its options; fix it first` };
  const pins = node.options.filter((o) => o.key.text === "pin");
  const spans = pin === null ? removal(node, new Set(pins)) : pinning(node, pins, JSON.stringify(pin));
  const removedPins = (pin === null ? pins : pins.slice(1)).flatMap((o) => (o.value.kind === "string" ? [o.value.value] : []));
  if (pin !== null && pins[0]?.value.kind === "string" && pins[0].value.value !== pin) removedPins.unshift(pins[0].value.value);

  let edited = applySpans(text, spans);
  const wasFormatted = parsed.diagnostics.length === 0 && formatted(text);
  if (wasFormatted) {
    const again = formatGraph(edited);
    if (again.ok) edited = again.text;
  }
  return { ok: true, result: { edits: differenceEdit(parsed.lines, text, edited), removedPins } };
}

/** Sets the pin: replaces the first `pin:` value (dropping any repeat of the option), else adds the option. */
function pinning(node: NodeStatement, pins: OptionEntry[], literal: string): Span[] {
  const [first, ...repeats] = pins;
  if (first) return [{ start: first.valueRange.startOffset, end: first.valueRange.endOffset, text: literal }, ...removal(node, new Set(repeats))];
  const option = `pin: ${literal}`;
  const last = node.options[node.options.length - 1];
  if (last) return [{ start: last.range.endOffset, end: last.range.endOffset, text: `, ${option}` }];
  // `[]` written empty gets the option inside; no brackets at all get their own.
  if (node.optionsRange) return [{ start: node.optionsRange.startOffset + 1, end: node.optionsRange.startOffset + 1, text: option }];
  return [{ start: node.range.endOffset, end: node.range.endOffset, text: ` [${option}]` }];
}

/** Takes `removed` out of the node's options, with the comma that separated each; the brackets too when none is left. */
function removal(node: NodeStatement, removed: ReadonlySet<OptionEntry>): Span[] {
  if (removed.size === 0) return [];
  const entries = node.options;
  const firstKept = entries.findIndex((e) => !removed.has(e));
  if (firstKept < 0) {
    // From the end of the call (or condition), so that the space before `[` goes too.
    const start = (node.when ?? node.call)?.range.endOffset ?? node.name.range.endOffset;
    return [{ start, end: node.optionsRange?.endOffset ?? start, text: "" }];
  }
  const spans: Span[] = [];
  // Removed ones before the first kept: up to where it starts. Later ones: from the end of the one before.
  if (firstKept > 0) spans.push({ start: entries[0].range.startOffset, end: entries[firstKept].range.startOffset, text: "" });
  for (let i = firstKept + 1; i < entries.length; i++) {
    if (removed.has(entries[i])) spans.push({ start: entries[i - 1].range.endOffset, end: entries[i].range.endOffset, text: "" });
  }
  return spans;
}

function applySpans(text: string, spans: readonly Span[]): string {
  let out = text;
  for (const span of [...spans].sort((a, b) => b.start - a.start)) out = out.slice(0, span.start) + span.text + out.slice(span.end);
  return out;
}

function formatted(text: string): boolean {
  const result = formatGraph(text);
  return result.ok && result.text === text;
}

/** One edit turning `before` into `after`: the span between their common start and common end. */
function differenceEdit(lines: LineMap, before: string, after: string): TextEdit[] {
  if (before === after) return [];
  let start = 0;
  while (start < before.length && start < after.length && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let end = 0;
  while (end < before.length - start && end < after.length - start && before.charCodeAt(before.length - 1 - end) === after.charCodeAt(after.length - 1 - end)) end++;
  // Never split a surrogate pair.
  if (start > 0 && isHighSurrogate(before.charCodeAt(start - 1))) start--;
  if (end > 0 && isLowSurrogate(before.charCodeAt(before.length - end))) end--;
  const range: Range = { start: lines.positionAt(start), end: lines.positionAt(before.length - end) };
  return [{ range, newText: after.slice(start, after.length - end) }];
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

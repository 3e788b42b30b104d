// Code actions: create the function an SG014 diagnostic says is missing, as an exported
// stub at the end of the module (a .ts or .mts one), and add a node that no loop names to
// one of the file's loops.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { CodeActionKind, type CodeAction, type Position, type Range } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { LoopStatement, NodeStatement } from "../graph/ast";
import type { UseInfo } from "../graph/checker";
import { Code } from "../graph/diagnostics";
import { decodeGraphSource } from "../graph/source-file";
import type { Analysis } from "./analysis";
import { toLspDiagnostic } from "./lsp-diagnostic";

/** Modules a stub can be written into: TypeScript, since the stub has parameter types. */
const STUB_MODULE = /\.m?ts$/;
/** JavaScript words that cannot name a parameter even though a graph allows them as names. */
const RESERVED = new Set(
  "break case catch class const continue debugger default delete do else enum export extends false finally for function if import in instanceof new null return super switch this throw true try typeof var void while with yield let static implements interface package private protected public await arguments eval".split(
    " ",
  ),
);

export function codeActions(analysis: Analysis, range: Range, openDocument: (uri: string) => TextDocument | undefined): CodeAction[] {
  const lines = analysis.parsed.lines;
  const start = lines.offsetAt(range.start);
  const end = lines.offsetAt(range.end);
  const overlaps = (r: { startOffset: number; endOffset: number }) => r.startOffset <= end && start <= r.endOffset;
  const actions: CodeAction[] = [];
  for (const diagnostic of analysis.check.diagnostics) {
    if (diagnostic.code !== Code.UnknownExport || !overlaps(diagnostic.range)) continue;
    const node = analysis.nodes.find((n) => n.call?.callee.fn.range.startOffset === diagnostic.range.startOffset);
    if (node) actions.push(...createFunctionActions(analysis, node, toLspDiagnostic(diagnostic), openDocument));
  }
  for (const node of analysis.nodes) {
    if (overlaps(node.range)) actions.push(...addToLoopActions(analysis, node));
  }
  return actions;
}

function createFunctionActions(
  analysis: Analysis,
  node: NodeStatement,
  diagnostic: ReturnType<typeof toLspDiagnostic>,
  openDocument: (uri: string) => TextDocument | undefined,
): CodeAction[] {
  const call = node.call;
  if (!call) return [];
  const alias = call.callee.alias?.text;
  const candidates = analysis.check.uses.filter((u) => (alias === undefined ? u.statement.alias === undefined : u.statement.alias?.text === alias));
  return candidates.flatMap((use) => {
    const file = moduleFile(use);
    if (file === undefined) return [];
    const uri = pathToFileURL(file).href;
    const end = endOfModule(file, openDocument(uri));
    if (end === undefined) return [];
    const fn = call.callee.fn.text;
    const stub = `${end.needsNewline ? "\n" : ""}\nexport function ${fn}(${stubParameters(call.args).join(", ")}): never {\n  throw new Error("not implemented");\n}\n`;
    return [
      {
        title: `Create function ${fn} in ${use.statement.path}`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        isPreferred: candidates.length === 1,
        edit: { changes: { [uri]: [{ range: { start: end.position, end: end.position }, newText: stub }] } },
      },
    ];
  });
}

function moduleFile(use: UseInfo): string | undefined {
  return use.lookup?.ok && STUB_MODULE.test(use.lookup.module.file) && !/[\\/]node_modules[\\/]/.test(use.lookup.module.file) ? use.lookup.module.file : undefined;
}

/** Where the module's text ends: from the editor's copy when it is open, else from disk (UTF-8 only). */
function endOfModule(file: string, open: TextDocument | undefined): { position: Position; needsNewline: boolean } | undefined {
  let text: string;
  if (open) {
    text = open.getText();
  } else {
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch {
      return undefined;
    }
    // A module that is not UTF-8 text is left alone rather than appended to with a wrong position.
    const decoded = decodeGraphSource(bytes);
    if (!decoded.ok) return undefined;
    text = decoded.text;
  }
  const lines = text.split(/\r\n|\r|\n/);
  const position = { line: lines.length - 1, character: lines[lines.length - 1].length };
  return { position, needsNewline: text.length > 0 && !/[\r\n]$/.test(text) };
}

/** Parameters named after the call's arguments (`order.customerId` → customerId), then `ctx`; all `unknown`. */
export function stubParameters(args: NonNullable<NodeStatement["call"]>["args"]): string[] {
  const names: string[] = [];
  const unique = (base: string) => {
    let name = RESERVED.has(base) ? `${base}_` : base;
    for (let n = 2; names.includes(name); n++) name = `${base}${n}`;
    names.push(name);
    return name;
  };
  args.forEach((arg, i) => {
    if (arg.kind === "literal") return unique(`arg${i + 1}`);
    const lastText = [...arg.path].reverse().find((segment): segment is string => typeof segment === "string");
    return unique(lastText ?? arg.root.text);
  });
  unique("ctx");
  return names.map((name) => `${name}: unknown`);
}

function addToLoopActions(analysis: Analysis, node: NodeStatement): CodeAction[] {
  const loops = analysis.statements.filter((s): s is LoopStatement => s.kind === "loop" && analysis.check.symbols.get(s.name.text)?.statement === s);
  const named = loops.some((loop) => loop.members.some((m) => m.text === node.name.text));
  if (loops.length === 0 || named) return [];
  return loops.flatMap((loop) => {
    const edit = memberInsertion(loop, node.name.text);
    if (edit === undefined) return [];
    return [{ title: `Add ${node.name.text} to loop ${loop.name.text}`, kind: CodeActionKind.RefactorRewrite, edit: { changes: { [analysis.uri]: [edit] } } }];
  });
}

function memberInsertion(loop: LoopStatement, name: string): { range: Range; newText: string } | undefined {
  const lastMember = loop.members[loop.members.length - 1];
  if (lastMember) {
    const at = lastMember.range.end;
    return { range: { start: at, end: at }, newText: `, ${name}` };
  }
  if (!loop.bodyRange) return undefined;
  return { range: { start: loop.bodyRange.start, end: loop.bodyRange.end }, newText: `{ ${name} }` };
}

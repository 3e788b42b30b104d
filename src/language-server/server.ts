// Wires the LSP connection: the documents, their analyses and one handler per feature.
import {
  CodeActionKind,
  CodeLensRefreshRequest,
  ErrorCodes,
  LSPErrorCodes,
  ResponseError,
  TextDocuments,
  TextDocumentSyncKind,
  type ClientCapabilities,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from "vscode-languageserver";
import { TextDocument } from "vscode-languageserver-textdocument";
import { createModuleReader } from "../graph/module-reader";
import { Analyses, pathOfUri } from "./analysis";
import { CachePreviews } from "./cache-preview";
import { codeActions } from "./code-actions";
import { codeLenses, resolveCodeLens } from "./code-lens";
import { completions } from "./completion";
import { definition } from "./definition";
import { DiagnosticsPublisher } from "./diagnostics";
import { foldingRanges } from "./folding";
import { formattingEdits } from "./formatting";
import { followGraphFiles, graphSourceReader, registerGraphFileWatcher } from "./graph-files";
import { GraphPictures } from "./graph-picture";
import { hover } from "./hover";
import {
  CACHE_CHANGED_NOTIFICATION,
  GRAPH_PICTURE_REQUEST,
  PIN_EDIT_REQUEST,
  type GraphPictureParams,
  type GraphPictureResult,
  type PinEditParams,
  type PinEditResult,
} from "./custom-protocol";
import { pinEdit } from "./pin-edit";
import { prepareRename, references, rename } from "./references-and-rename";
import { documentSymbols } from "./symbols";

declare const PACKAGE_VERSION: string;

/** What the client may pass as initializationOptions. */
interface InitializationOptions {
  /** The cache's Redis, for previews of cached outputs on hover and the CodeLens of cached nodes. */
  redisUrl?: string;
  /** The stepgraph.codeLens setting: false turns CodeLens off (default true). */
  codeLens?: boolean;
}


export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const modules = createModuleReader();
  const analyses = new Analyses(modules, graphSourceReader(documents));
  const pictures = new GraphPictures(modules);
  const log = (message: string) => connection.console.log(message);
  const publisher = new DiagnosticsPublisher(connection, analyses, (uri) => documents.get(uri), log);
  let previews = new CachePreviews(undefined, log);
  let clientCapabilities: ClientCapabilities = {};
  let lensesOn = true;

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    previews = new CachePreviews(redisUrlFrom(params.initializationOptions), log);
    clientCapabilities = params.capabilities;
    lensesOn = (params.initializationOptions as InitializationOptions | null | undefined)?.codeLens !== false;
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        completionProvider: { triggerCharacters: [".", "[", ",", "(", "{", '"', "/", ":", " "] },
        hoverProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        renameProvider: { prepareProvider: true },
        documentSymbolProvider: true,
        foldingRangeProvider: true,
        documentFormattingProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.RefactorRewrite] },
        ...(lensesOn ? { codeLensProvider: { resolveProvider: true } } : {}),
      },
      serverInfo: { name: "stepgraph-language-server", version: typeof PACKAGE_VERSION === "string" ? PACKAGE_VERSION : "dev" },
    };
  });

  connection.onInitialized(() => registerGraphFileWatcher(connection, clientCapabilities, log));

  documents.onDidChangeContent(({ document }) => publisher.schedule(document.uri));
  followGraphFiles(connection, documents, analyses, (uri) => publisher.schedule(uri));
  documents.onDidClose(({ document }) => {
    analyses.forget(document.uri);
    publisher.clear(document.uri);
  });

  /** The document's current analysis and the offset of `position`, or undefined for a document not open. */
  const at = (uri: string, position: { line: number; character: number }) => {
    const document = documents.get(uri);
    if (!document) return undefined;
    return { document, analysis: analyses.get(document), offset: document.offsetAt(position) };
  };

  connection.onCompletion(({ textDocument, position }) => {
    const document = documents.get(textDocument.uri);
    // The newest analysis, even of an earlier version, so that typing never waits for a check.
    return document ? completions(document, analyses.latest(document), document.offsetAt(position)) : [];
  });
  connection.onHover(({ textDocument, position }) => {
    const here = at(textDocument.uri, position);
    return here ? hover(here.analysis, here.offset, previews).then((h) => h ?? null) : null;
  });
  connection.onDefinition(({ textDocument, position }) => {
    const here = at(textDocument.uri, position);
    return (here && definition(here.analysis, here.offset)) ?? null;
  });
  connection.onReferences(({ textDocument, position, context }) => {
    const here = at(textDocument.uri, position);
    return here ? references(here.analysis, here.offset, context.includeDeclaration) : [];
  });
  connection.onPrepareRename(({ textDocument, position }) => {
    const here = at(textDocument.uri, position);
    return here ? prepareRename(here.analysis, here.offset) : null;
  });
  connection.onRenameRequest(({ textDocument, position, newName }) => {
    const here = at(textDocument.uri, position);
    return here ? rename(here.analysis, here.offset, newName) : null;
  });
  connection.onDocumentSymbol(({ textDocument }) => {
    const document = documents.get(textDocument.uri);
    return document ? documentSymbols(analyses.get(document)) : [];
  });
  connection.onFoldingRanges(({ textDocument }) => {
    const document = documents.get(textDocument.uri);
    return document ? foldingRanges(analyses.get(document)) : [];
  });
  connection.onDocumentFormatting(({ textDocument }) => {
    const document = documents.get(textDocument.uri);
    return document ? formattingEdits(analyses.get(document)) : [];
  });
  connection.onCodeAction(({ textDocument, range }) => {
    const document = documents.get(textDocument.uri);
    return document ? codeActions(analyses.get(document), range, (uri) => documents.get(uri)) : [];
  });
  connection.onCodeLens(({ textDocument }) => {
    const document = documents.get(textDocument.uri);
    return document && lensesOn ? codeLenses(analyses.get(document), previews) : [];
  });
  connection.onCodeLensResolve((lens) => resolveCodeLens(lens, previews));
  connection.onNotification(CACHE_CHANGED_NOTIFICATION, () => {
    if (lensesOn && clientCapabilities.workspace?.codeLens?.refreshSupport === true) {
      connection.sendRequest(CodeLensRefreshRequest.type).catch((error: unknown) => log(`stepgraph: asking the client to refresh CodeLens failed: ${error instanceof Error ? error.message : String(error)}`));
    }
  });
  connection.onRequest(PIN_EDIT_REQUEST, (params: unknown): PinEditResult => {
    const { uri, node, pin } = checkedPinEditParams(params);
    // The open document's text when there is one (unsaved edits included), else the file on disk.
    const source = graphSourceReader(documents)(pathOfUri(uri));
    if (!source.ok) throw new ResponseError(LSPErrorCodes.RequestFailed, `${pathOfUri(uri)} ${source.message}`);
    const outcome = pinEdit(source.text, node, pin);
    if (!outcome.ok) throw new ResponseError(LSPErrorCodes.RequestFailed, outcome.message);
    return outcome.result;
  });
  // The graph view's picture: of the editor's text when the document is open, else of the file.
  connection.onRequest(GRAPH_PICTURE_REQUEST, (params: unknown): GraphPictureResult => {
    const uri = (params as Partial<GraphPictureParams> | null | undefined)?.uri;
    if (typeof uri !== "string" || uri === "") throw new ResponseError(ErrorCodes.InvalidParams, `${GRAPH_PICTURE_REQUEST} needs { uri: string }`);
    const document = documents.get(uri);
    return document ? pictures.ofAnalysis(analyses.get(document)) : pictures.ofFile(uri);
  });
  connection.onShutdown(() => {
    publisher.close();
    return previews.close();
  });

  documents.listen(connection);
  connection.listen();
}

/** initializationOptions.redisUrl, else STEPGRAPH_REDIS_URL; no URL means no cache previews. */
function redisUrlFrom(options: unknown): string | undefined {
  const given = (options as InitializationOptions | null | undefined)?.redisUrl;
  if (typeof given === "string" && given !== "") return given;
  const fromEnvironment = process.env.STEPGRAPH_REDIS_URL;
  return fromEnvironment !== undefined && fromEnvironment !== "" ? fromEnvironment : undefined;
}

function checkedPinEditParams(params: unknown): PinEditParams {
  const p = (params ?? {}) as Partial<Record<keyof PinEditParams, unknown>>;
  const valid = typeof p.uri === "string" && typeof p.node === "string" && (p.pin === null || (typeof p.pin === "string" && p.pin !== ""));
  if (!valid) throw new ResponseError(ErrorCodes.InvalidParams, `${PIN_EDIT_REQUEST} takes { uri: string, node: string, pin: string (not empty) | null }`);
  return p as PinEditParams;
}

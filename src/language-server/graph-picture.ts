// The graph view's picture of a document: built from the newest analysis when it checked
// clean, else the last one that did, so that the view keeps showing a graph (with a banner)
// while the user types through an error. A graph file not open in the editor (a debug
// session's graph, say) is read from disk.
import { checkText } from "../graph/checker";
import type { Diagnostic } from "../graph/diagnostics";
import type { ModuleReader } from "../graph/module-exports";
import { buildPicture, type GraphPicture } from "../graph/picture";
import { readGraphSource } from "../graph/source-file";
import { pathOfUri, type Analysis } from "./analysis";
import type { GraphPictureResult } from "./custom-protocol";

export class GraphPictures {
  private readonly lastClean = new Map<string, GraphPicture>();

  constructor(private readonly modules: ModuleReader) {}

  /** The picture of an open document's analysis. */
  ofAnalysis(analysis: Analysis): GraphPictureResult {
    return this.result(analysis.uri, analysis.check.graph ? buildPicture(analysis.check.graph) : undefined, analysis.check.diagnostics);
  }

  /** The picture of a graph file as on disk; an unreadable file counts as one error. */
  ofFile(uri: string): GraphPictureResult {
    const path = pathOfUri(uri);
    const source = readGraphSource(path);
    if (!source.ok) return { picture: this.lastClean.get(uri) ?? null, errorCount: 1 };
    const check = checkText(source.text, { path, modules: this.modules });
    return this.result(uri, check.graph ? buildPicture(check.graph) : undefined, check.diagnostics);
  }

  private result(uri: string, picture: GraphPicture | undefined, diagnostics: readonly Diagnostic[]): GraphPictureResult {
    if (picture) this.lastClean.set(uri, picture);
    return { picture: picture ?? this.lastClean.get(uri) ?? null, errorCount: diagnostics.filter((d) => d.severity === "error").length };
  }
}

// The custom request the graph view asks the language server for a graph's picture with.
// Shared by the server and the extension's client; types and the method name only.
import type { GraphPicture } from "../graph/picture";

export const GRAPH_PICTURE_METHOD = "stepgraph/graphPicture";

export interface GraphPictureParams {
  /** The document's URI, as the client syncs it (file:...). */
  uri: string;
}

export interface GraphPictureResult {
  /** The picture of the newest text that checked clean; null when it never did. */
  picture: GraphPicture | null;
  /** Errors in the newest text (0 when `picture` shows it). */
  errorCount: number;
}

// The server's requests and notifications beyond LSP, shared with the extension (this file
// imports nothing at run time, so the extension's bundle takes only these names).
import type { TextEdit } from "vscode-languageserver";
import type { GraphPicture } from "../graph/picture";

/** Client → server: the edit of a node's `pin:` option (pin-edit.ts). */
export const PIN_EDIT_REQUEST = "stepgraph/pinEdit";

export interface PinEditParams {
  uri: string;
  node: string;
  /** The pin file's path as the option writes it (relative to the graph, like "./pins/shop/rates.json"); null to unpin. */
  pin: string | null;
}

export interface PinEditResult {
  /** One edit of the graph file, or none when the text stays as it is. */
  edits: TextEdit[];
  /** The pin paths, as written, that the edit takes out of the node's options. */
  removedPins: string[];
}

/** Client → server: the cache may have changed (a run ended, the cache was cleared), so CodeLens should be asked for again. */
export const CACHE_CHANGED_NOTIFICATION = "stepgraph/cacheChanged";

/** Client → server: the picture of a graph file, for the graph view (graph-picture.ts). */
export const GRAPH_PICTURE_REQUEST = "stepgraph/graphPicture";

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

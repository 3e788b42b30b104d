// The server's requests and notifications beyond LSP, shared with the extension (this file
// imports nothing at run time, so the extension's bundle takes only these names).
import type { TextEdit } from "vscode-languageserver";

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

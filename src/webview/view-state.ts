// What the webview holds, and what each message from the extension changes in it: a new
// picture is laid out again only when what the layout depends on changed (an edit that
// moves lines or rewords a condition redraws without moving anything).
import type { GraphPicture } from "../graph/picture";
import type { RunView } from "../runtime/run-view";
import type { ExtensionMessage, LoopStats } from "./messages";

export interface ViewState {
  picture: GraphPicture | null;
  errorCount: number;
  runView: RunView | null;
  loopStats: LoopStats[] | null;
  loopMessage: string;
  production: boolean;
}

export const INITIAL_STATE: ViewState = { picture: null, errorCount: 0, runView: null, loopStats: null, loopMessage: "", production: false };

/** What to do after a message. */
export interface Redraw {
  /** Lay the picture out again (and then draw it). */
  layout: boolean;
  /** Draw the SVG again from the last layout (a new picture of the same shape). */
  draw: boolean;
  /** Write the node states again. */
  states: boolean;
  /** Write the loops' figures again. */
  loops: boolean;
  banner: boolean;
  toolbar: boolean;
  /** A RunView arrived: say what changed (the previous view, to compare with). */
  announceSince?: RunView | null;
}

const NOTHING: Redraw = { layout: false, draw: false, states: false, loops: false, banner: false, toolbar: false };

export function receive(state: ViewState, message: ExtensionMessage): { state: ViewState; redraw: Redraw } {
  switch (message.type) {
    case "picture": {
      const layout = layoutKey(message.picture) !== layoutKey(state.picture);
      const draw = layout || JSON.stringify(message.picture) !== JSON.stringify(state.picture);
      return {
        state: { ...state, picture: message.picture, errorCount: message.errorCount },
        redraw: { ...NOTHING, layout, draw, states: draw, loops: draw, banner: true },
      };
    }
    case "runView":
      return { state: { ...state, runView: message.view }, redraw: { ...NOTHING, states: true, announceSince: state.runView } };
    case "loopStats":
      return { state: { ...state, loopStats: message.loops, loopMessage: message.message ?? "" }, redraw: { ...NOTHING, loops: true, toolbar: true } };
    case "production":
      return {
        state: { ...state, production: message.on, ...(message.on ? {} : { loopStats: null, loopMessage: "" }) },
        redraw: { ...NOTHING, loops: true, toolbar: true },
      };
  }
}

/** What the layout depends on: the shapes, their texts and the edges; not lines, conditions or marks. */
export function layoutKey(picture: GraphPicture | null): string {
  if (picture === null) return "";
  return JSON.stringify([
    picture.inputs.map((input) => input.name),
    picture.nodes.map((node) => [node.name, node.callText, node.loop]),
    picture.edges.map((edge) => [edge.from, edge.fromKind, edge.to]),
    picture.loops.map((loop) => [loop.name, loop.declared]),
  ]);
}

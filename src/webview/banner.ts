// The words over and about the picture: the banner (the file has errors, the picture is its
// last clean version or there is none; or there is no picture yet), and its label.
import type { GraphPicture } from "../graph/picture";
import { format, type ViewStrings } from "./view-strings";

/** The label of the whole picture, for a screen reader. */
export function pictureLabel(picture: GraphPicture, strings: ViewStrings): string {
  return picture.nodes.length === 1 ? format(strings.pictureLabelOneNode, picture.graph) : format(strings.pictureLabel, picture.graph, picture.nodes.length);
}

export function bannerText(picture: GraphPicture | null, errorCount: number, strings: ViewStrings): string {
  if (errorCount > 0) {
    if (picture === null) return errorCount === 1 ? strings.oneErrorNoPicture : format(strings.errorsNoPicture, errorCount);
    return errorCount === 1 ? strings.oneError : format(strings.errors, errorCount);
  }
  return picture === null ? strings.noPicture : "";
}

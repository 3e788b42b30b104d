// The banner over the picture: the file has errors (the picture is its last clean version,
// or there is none), or there is no picture yet.
import type { GraphPicture } from "../graph/picture";
import { format, type ViewStrings } from "./view-strings";

export function bannerText(picture: GraphPicture | null, errorCount: number, strings: ViewStrings): string {
  if (errorCount > 0) {
    if (picture === null) return errorCount === 1 ? strings.oneErrorNoPicture : format(strings.errorsNoPicture, errorCount);
    return errorCount === 1 ? strings.oneError : format(strings.errors, errorCount);
  }
  return picture === null ? strings.noPicture : "";
}

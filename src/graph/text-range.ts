/** A position in a document: zero-based line and UTF-16 column, as LSP counts them. */
export interface Position {
  line: number;
  character: number;
}

/** A half-open span of a document, with offsets into its text. */
export interface TextRange {
  start: Position;
  end: Position;
  /** Offset of `start` in the document text. */
  startOffset: number;
  /** Offset of `end` in the document text. */
  endOffset: number;
}

/** The smallest range covering both `a` and `b` (`a` must start first). */
export function spanRanges(a: TextRange, b: TextRange): TextRange {
  return { start: a.start, startOffset: a.startOffset, end: b.end, endOffset: b.endOffset };
}

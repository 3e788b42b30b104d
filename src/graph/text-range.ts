// Positions and ranges in a document. A range keeps only offsets and computes its
// line/column on demand from the document's line map: a 10,000-node file has some
// 100,000 tokens, and positions for each of them up front cost more than the parse.

/** A position in a document: zero-based line and UTF-16 column, as LSP counts them. */
export interface Position {
  line: number;
  character: number;
}

/** Where each line of a text starts; `\r\n`, `\r` and `\n` each end a line. */
export class LineMap {
  private readonly lineStarts: number[] = [0];

  constructor(text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 13 /* \r */) {
        if (text.charCodeAt(i + 1) === 10) i++;
        this.lineStarts.push(i + 1);
      } else if (c === 10 /* \n */) {
        this.lineStarts.push(i + 1);
      }
    }
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  positionAt(offset: number): Position {
    const starts = this.lineStarts;
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid] <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low, character: offset - starts[low] };
  }

  offsetAt(position: Position): number {
    const line = Math.min(Math.max(position.line, 0), this.lineStarts.length - 1);
    return this.lineStarts[line] + Math.max(position.character, 0);
  }

  range(startOffset: number, endOffset: number): TextRange {
    return new TextRange(this, startOffset, endOffset);
  }
}

/** A half-open span of a document. */
export class TextRange {
  constructor(
    private readonly lines: LineMap,
    readonly startOffset: number,
    readonly endOffset: number,
  ) {}

  get start(): Position {
    return this.lines.positionAt(this.startOffset);
  }

  get end(): Position {
    return this.lines.positionAt(this.endOffset);
  }

  /** The smallest range covering this one and `other` (which must not start earlier). */
  to(other: TextRange): TextRange {
    return new TextRange(this.lines, this.startOffset, other.endOffset);
  }

  /** An empty range where this one ends. */
  atEnd(): TextRange {
    return new TextRange(this.lines, this.endOffset, this.endOffset);
  }

  toJSON(): { start: Position; end: Position } {
    return { start: this.start, end: this.end };
  }
}

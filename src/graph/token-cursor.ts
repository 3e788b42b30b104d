// The parser's view of the token stream: the current token, a few ahead and the one just
// read. Only those are held, so a statement of millions of junk tokens costs no memory.
import type { Token } from "./lexer";

export class TokenCursor {
  private readonly ahead: Token[] = [];
  /** The last token `next` returned; undefined before the first. */
  previous: Token | undefined;

  constructor(private readonly source: { next(): Token }) {}

  /** The token `distance` after the current one (0: the current one); `eof` past the end. */
  peek(distance = 0): Token {
    while (this.ahead.length <= distance) {
      const last = this.ahead[this.ahead.length - 1];
      if (last?.kind === "eof") return last;
      this.ahead.push(this.source.next());
    }
    return this.ahead[distance];
  }

  /** Reads the current token; at the end it stays on `eof`. */
  next(): Token {
    const token = this.peek();
    if (token.kind !== "eof") {
      this.ahead.shift();
      this.previous = token;
    }
    return token;
  }
}

// The parser's view of the token stream: the current token, a few ahead and the one just
// read. Only those are held, so a statement of millions of junk tokens costs no memory.
import type { Token } from "./lexer";

export class TokenCursor {
  private current: Token;
  /** Tokens after the current one that a `peek` further ahead has read already. */
  private readonly ahead: Token[] = [];
  /** The last token `next` returned; undefined before the first. */
  previous: Token | undefined;

  constructor(private readonly source: { next(): Token }) {
    this.current = source.next();
  }

  /** The token `distance` after the current one (0: the current one); `eof` past the end. */
  peek(distance = 0): Token {
    if (distance === 0) return this.current;
    while (this.ahead.length < distance) {
      const last = this.ahead.length > 0 ? this.ahead[this.ahead.length - 1] : this.current;
      if (last.kind === "eof") return last;
      this.ahead.push(this.source.next());
    }
    return this.ahead[distance - 1];
  }

  /** Reads the current token; at the end it stays on `eof`. */
  next(): Token {
    const token = this.current;
    if (token.kind !== "eof") {
      this.previous = token;
      this.current = this.ahead.length > 0 ? (this.ahead.shift() as Token) : this.source.next();
    }
    return token;
  }
}

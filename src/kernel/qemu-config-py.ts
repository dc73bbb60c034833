/**
 * Reads kunit.py's `qemu_configs/*.py` without running Python: the file's one `QEMU_ARCH =
 * QemuArchParams(…)` call is parsed and its keyword arguments returned. Accepted, as the in-tree files
 * write them: import lines; comments; string literals ('…', "…", '''…''', adjacent literals, `+`, brackets);
 * lists of strings (trailing comma allowed); module-level string constants used by name (riscv's
 * OPENSBI_PATH); and `if` blocks, which are skipped (riscv's "OpenSBI not found" check: vmunit never runs
 * them). Anything else is an error naming the line. Pure: text in, values out.
 */

import { VmunitError } from '../util/errors.js';

export type PyValue = string | string[];

type Token =
  | { kind: 'name'; text: string; line: number }
  | { kind: 'string'; value: string; line: number }
  | { kind: 'op'; text: string; line: number }
  | { kind: 'newline'; line: number; indented: boolean };

const ESCAPES: Readonly<Record<string, string>> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '0': '\0',
  '\n': '',
};

/** Python's string escapes (the ones config files use); unknown escapes stay as written, as in Python. */
function pyUnescape(body: string): string {
  return body.replace(/\\(.|\n)/g, (all, c: string) => ESCAPES[c] ?? all);
}

class Tokenizer {
  readonly #text: string;
  readonly #fail: (line: number, message: string) => never;
  #pos = 0;
  #line = 1;
  #depth = 0;
  #lineStart = true;

  constructor(text: string, fail: (line: number, message: string) => never) {
    this.#text = text;
    this.#fail = fail;
  }

  tokens(): Token[] {
    const out: Token[] = [];
    for (let t = this.#next(); t !== undefined; t = this.#next()) out.push(t);
    out.push({ kind: 'newline', line: this.#line, indented: false });
    return out;
  }

  #next(): Token | undefined {
    const s = this.#text;
    while (this.#pos < s.length) {
      const c = s[this.#pos] as string;
      const indented = this.#lineStart && (c === ' ' || c === '\t');
      if (c === '\n') {
        const line = this.#line++;
        this.#pos++;
        const wasStart = this.#lineStart;
        this.#lineStart = true;
        if (this.#depth === 0 && !wasStart) return { kind: 'newline', line, indented: false };
        continue;
      }
      if (c === '#') {
        while (this.#pos < s.length && s[this.#pos] !== '\n') this.#pos++;
        continue;
      }
      if (c === ' ' || c === '\t' || c === '\r' || c === '\f') {
        this.#pos++;
        // A statement line that starts indented belongs to a block (only `if` bodies are allowed).
        if (indented && this.#depth === 0 && !/^[ \t\r\f]*(#|\n|$)/.test(s.slice(this.#pos))) {
          this.#lineStart = false;
          return { kind: 'newline', line: this.#line, indented: true };
        }
        continue;
      }
      if (c === '\\' && s[this.#pos + 1] === '\n') {
        this.#pos += 2;
        this.#line++;
        continue;
      }
      this.#lineStart = false;
      return this.#token(c);
    }
    return undefined;
  }

  #token(c: string): Token {
    const s = this.#text;
    const line = this.#line;
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(this.#pos));
    if (name) {
      const quote = s[this.#pos + name[0].length];
      if (quote === "'" || quote === '"') {
        // Only raw strings mean the same text in every Python version; b'', f'' and u'' are refused.
        if (name[0] !== 'r' && name[0] !== 'R') this.#fail(line, `string prefix ${name[0]} is not supported`);
        this.#pos += 1;
        return this.#string(line, true);
      }
      this.#pos += name[0].length;
      return { kind: 'name', text: name[0], line };
    }
    if (c === "'" || c === '"') return this.#string(line, false);
    this.#pos++;
    if (c === '(' || c === '[') this.#depth++;
    if (c === ')' || c === ']') this.#depth = Math.max(0, this.#depth - 1);
    // Other characters (numbers, operators) become tokens the reader refuses in context.
    return { kind: 'op', text: c, line };
  }

  #string(line: number, raw: boolean): Token {
    const s = this.#text;
    const q = s[this.#pos] as string;
    const triple = s.startsWith(q.repeat(3), this.#pos);
    const close = triple ? q.repeat(3) : q;
    let i = this.#pos + close.length;
    let body = '';
    for (;;) {
      if (i >= s.length) this.#fail(line, 'unterminated string');
      const ch = s[i] as string;
      if (ch === '\\' && i + 1 < s.length) {
        body += s.slice(i, i + 2);
        if (s[i + 1] === '\n') this.#line++;
        i += 2;
        continue;
      }
      if (s.startsWith(close, i)) break;
      if (ch === '\n') {
        if (!triple) this.#fail(line, 'unterminated string');
        this.#line++;
      }
      body += ch;
      i++;
    }
    this.#pos = i + close.length;
    return { kind: 'string', value: raw ? body : pyUnescape(body), line };
  }
}

/** Recursive descent over the tokens; `constants` holds the module-level strings seen so far. */
class Reader {
  readonly #t: Token[];
  readonly #fail: (line: number, message: string) => never;
  readonly #constants = new Map<string, PyValue>();
  #i = 0;

  constructor(tokens: Token[], fail: (line: number, message: string) => never) {
    this.#t = tokens;
    this.#fail = fail;
  }

  #peek(): Token {
    return this.#t[this.#i] as Token;
  }

  #take(): Token {
    return this.#t[this.#i++] as Token;
  }

  #isOp(text: string): boolean {
    const t = this.#peek();
    return t.kind === 'op' && t.text === text;
  }

  #expectOp(text: string, what: string): void {
    const t = this.#take();
    if (t.kind !== 'op' || t.text !== text) this.#fail(t.line, `expected ${what}`);
  }

  /** The module: returns the keyword arguments of the QEMU_ARCH call. */
  module(): { args: Record<string, PyValue>; line: number } {
    let found: { args: Record<string, PyValue>; line: number } | undefined;
    while (this.#i < this.#t.length) {
      const t = this.#take();
      if (t.kind === 'newline') {
        if (t.indented) this.#fail(t.line, 'unexpected indented statement (only the bodies of if blocks)');
        continue;
      }
      if (t.kind === 'name' && (t.text === 'import' || t.text === 'from')) this.#skipLine();
      else if (t.kind === 'name' && t.text === 'if') this.#skipBlock();
      else if (t.kind === 'name' && this.#isOp('=')) {
        this.#take();
        if (t.text === 'QEMU_ARCH') {
          if (found) this.#fail(t.line, 'QEMU_ARCH is assigned twice');
          found = { args: this.#call(), line: t.line };
        } else this.#constants.set(t.text, this.#value());
        this.#endOfStatement();
      } else this.#fail(t.line, 'not a form a qemu_config file may use (import, NAME = value, if block)');
    }
    if (!found) this.#fail(1, 'qemu_config module missing "QEMU_ARCH"');
    return found;
  }

  #skipLine(): void {
    while (this.#peek().kind !== 'newline') this.#take();
  }

  /** Skips an `if` header and its indented body (vmunit never runs the checks such blocks make). */
  #skipBlock(): void {
    this.#skipLine();
    while (this.#i < this.#t.length) {
      const t = this.#peek();
      if (t.kind !== 'newline') break;
      this.#take();
      if (!t.indented) continue;
      this.#skipLine();
    }
  }

  #endOfStatement(): void {
    const t = this.#peek();
    if (t.kind !== 'newline') this.#fail(t.line, 'expected the end of the statement');
  }

  #call(): Record<string, PyValue> {
    const callee = this.#take();
    if (callee.kind !== 'name' || callee.text !== 'QemuArchParams')
      this.#fail(callee.line, 'QEMU_ARCH must be a QemuArchParams(...) call');
    this.#expectOp('(', '"(" after QemuArchParams');
    const args: Record<string, PyValue> = {};
    while (!this.#isOp(')')) {
      const key = this.#take();
      if (key.kind !== 'name' || !this.#isOp('='))
        this.#fail(key.line, 'QemuArchParams arguments must be keyword arguments (name=value)');
      this.#take();
      if (Object.hasOwn(args, key.text)) this.#fail(key.line, `keyword argument repeated: ${key.text}`);
      args[key.text] = this.#value();
      if (!this.#isOp(')')) this.#expectOp(',', '"," or ")"');
    }
    this.#take();
    return args;
  }

  /** A string expression or a list of them. */
  #value(): PyValue {
    if (!this.#isOp('[')) return this.#stringExpr();
    this.#take();
    const items: string[] = [];
    while (!this.#isOp(']')) {
      items.push(this.#stringExpr());
      if (!this.#isOp(']')) this.#expectOp(',', '"," or "]"');
    }
    this.#take();
    return items;
  }

  #stringExpr(): string {
    let value = this.#stringTerm();
    while (this.#isOp('+')) {
      this.#take();
      value += this.#stringTerm();
    }
    return value;
  }

  #stringTerm(): string {
    const t = this.#take();
    if (t.kind === 'string') {
      let value = t.value;
      for (let n = this.#peek(); n.kind === 'string'; n = this.#peek())
        value += (this.#take() as { value: string }).value;
      return value;
    }
    if (t.kind === 'op' && t.text === '(') {
      const value = this.#stringExpr();
      this.#expectOp(')', '")"');
      return value;
    }
    if (t.kind === 'name') {
      const constant = this.#constants.get(t.text);
      if (typeof constant === 'string') return constant;
      this.#fail(t.line, `${t.text} is not a string constant defined above`);
    }
    return this.#fail(t.line, 'expected a string, a list of strings or a string constant');
  }
}

/**
 * The keyword arguments of the file's `QEMU_ARCH = QemuArchParams(…)` call. Throws CONFIG_SYNTAX naming
 * `file` and the line for anything outside the accepted forms.
 */
export function readQemuConfigPy(text: string, file: string): Record<string, PyValue> {
  const fail = (line: number, message: string): never => {
    throw new VmunitError('CONFIG_SYNTAX', message, { position: { file, line } });
  };
  return new Reader(new Tokenizer(text, fail).tokens(), fail).module().args;
}

// A small JSON value for workflows: parse, build, read, and serialise.
//
// Why hand-rolled: the AssemblyScript JSON libraries on npm either work through a compiler
// transform tied to particular compiler versions (json-as) or target older compilers
// (assemblyscript-json); a workflow needs only a document model, and this one is ~250 lines
// with no dependencies. Numbers are f64; objects keep their keys in insertion order.

export enum JsonKind { Null, Bool, Number, String, Array, Object }

const MAX_DEPTH = 256;

export class Json {
  kind: JsonKind;
  private b: bool = false;
  private n: f64 = 0;
  private s: string = "";
  /** Array elements, or object values (in key order). */
  private items: Array<Json> = [];
  private keys: Array<string> = [];

  /** Why the last `Json.parse` returned null. */
  static lastError: string = "";

  constructor(kind: JsonKind) {
    this.kind = kind;
  }

  static nil(): Json { return new Json(JsonKind.Null); }
  static flag(b: bool): Json { const j = new Json(JsonKind.Bool); j.b = b; return j; }
  static number(n: f64): Json { const j = new Json(JsonKind.Number); j.n = n; return j; }
  static text(s: string): Json { const j = new Json(JsonKind.String); j.s = s; return j; }
  static array(): Json { return new Json(JsonKind.Array); }
  static object(): Json { return new Json(JsonKind.Object); }
  /** A string, or null when `s` is null. */
  static textOrNil(s: string | null): Json { return s === null ? Json.nil() : Json.text(s); }

  get isNull(): bool { return this.kind == JsonKind.Null; }
  get isBool(): bool { return this.kind == JsonKind.Bool; }
  get isNumber(): bool { return this.kind == JsonKind.Number; }
  get isString(): bool { return this.kind == JsonKind.String; }
  get isArray(): bool { return this.kind == JsonKind.Array; }
  get isObject(): bool { return this.kind == JsonKind.Object; }

  /** Number of elements of an array or entries of an object; 0 otherwise. */
  get length(): i32 { return this.kind == JsonKind.Array || this.kind == JsonKind.Object ? this.items.length : 0; }

  /** Element `i` of an array, or null. */
  at(i: i32): Json | null {
    return this.kind == JsonKind.Array && i >= 0 && i < this.items.length ? this.items[i] : null;
  }

  /** The value of `key` in an object, or null (also when this is not an object). */
  get(key: string): Json | null {
    if (this.kind != JsonKind.Object) return null;
    const i = this.keys.indexOf(key);
    return i < 0 ? null : this.items[i];
  }

  /** The keys of an object, in order. */
  keyList(): Array<string> { return this.kind == JsonKind.Object ? this.keys.slice(0) : []; }

  asBool(fallback: bool): bool { return this.kind == JsonKind.Bool ? this.b : fallback; }
  asNumber(fallback: f64): f64 { return this.kind == JsonKind.Number ? this.n : fallback; }
  asString(fallback: string): string { return this.kind == JsonKind.String ? this.s : fallback; }

  /** `get(key)` as a string, or `fallback` when absent or not a string. */
  getString(key: string, fallback: string): string { const v = this.get(key); return v === null ? fallback : v.asString(fallback); }
  getNumber(key: string, fallback: f64): f64 { const v = this.get(key); return v === null ? fallback : v.asNumber(fallback); }
  getBool(key: string, fallback: bool): bool { const v = this.get(key); return v === null ? fallback : v.asBool(fallback); }

  /** Appends to an array; returns this. */
  push(value: Json): Json {
    assert(this.kind == JsonKind.Array, "Json.push on a non-array");
    this.items.push(value);
    return this;
  }

  /** Sets `key` of an object, replacing an existing value; returns this. */
  set(key: string, value: Json): Json {
    assert(this.kind == JsonKind.Object, "Json.set on a non-object");
    const i = this.keys.indexOf(key);
    if (i < 0) { this.keys.push(key); this.items.push(value); } else this.items[i] = value;
    return this;
  }

  /** Compact JSON text. Non-finite numbers become null. */
  toString(): string {
    const out = new Array<string>();
    this.write(out);
    return out.join("");
  }

  private write(out: Array<string>): void {
    switch (this.kind) {
      case JsonKind.Null: out.push("null"); break;
      case JsonKind.Bool: out.push(this.b ? "true" : "false"); break;
      case JsonKind.Number: out.push(formatNumber(this.n)); break;
      case JsonKind.String: out.push(quote(this.s)); break;
      case JsonKind.Array: {
        out.push("[");
        for (let i = 0; i < this.items.length; i++) {
          if (i > 0) out.push(",");
          this.items[i].write(out);
        }
        out.push("]");
        break;
      }
      default: {
        out.push("{");
        for (let i = 0; i < this.items.length; i++) {
          if (i > 0) out.push(",");
          out.push(quote(this.keys[i]));
          out.push(":");
          this.items[i].write(out);
        }
        out.push("}");
      }
    }
  }

  /** Parses JSON text (RFC 8259); null if it is not valid, with the reason in `Json.lastError`. */
  static parse(text: string): Json | null {
    const p = new Parser(text);
    const v = p.value(0);
    if (v !== null) {
      p.space();
      if (p.pos < text.length) return p.error("unexpected text after the value");
      Json.lastError = "";
    }
    return v;
  }
}

/** `s` as a JSON string literal. */
export function quote(s: string): string {
  const out = new Array<string>();
  out.push("\"");
  let run = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c != 0x22 && c != 0x5c) continue;
    out.push(s.substring(run, i));
    run = i + 1;
    if (c == 0x22) out.push("\\\"");
    else if (c == 0x5c) out.push("\\\\");
    else if (c == 0x0a) out.push("\\n");
    else if (c == 0x0d) out.push("\\r");
    else if (c == 0x09) out.push("\\t");
    else if (c == 0x08) out.push("\\b");
    else if (c == 0x0c) out.push("\\f");
    else out.push("\\u00" + (c < 0x10 ? "0" : "") + c.toString(16));
  }
  out.push(s.substring(run));
  out.push("\"");
  return out.join("");
}

function formatNumber(n: f64): string {
  if (!isFinite(n)) return "null";
  // Integers print without a fraction ("3", not "3.0") while they are exact.
  if (n == Math.floor(n) && Math.abs(n) < 9007199254740992) return (<i64>n).toString();
  return n.toString();
}

class Parser {
  pos: i32 = 0;
  constructor(public text: string) {}

  error(message: string): Json | null {
    Json.lastError = message + " at offset " + this.pos.toString();
    return null;
  }

  space(): void {
    while (this.pos < this.text.length) {
      const c = this.text.charCodeAt(this.pos);
      if (c != 0x20 && c != 0x0a && c != 0x0d && c != 0x09) return;
      this.pos++;
    }
  }

  value(depth: i32): Json | null {
    if (depth > MAX_DEPTH) return this.error("nested too deep");
    this.space();
    if (this.pos >= this.text.length) return this.error("unexpected end");
    const c = this.text.charCodeAt(this.pos);
    if (c == 0x7b) return this.object(depth);
    if (c == 0x5b) return this.array(depth);
    if (c == 0x22) {
      const s = this.string();
      return s === null ? null : Json.text(s);
    }
    if (this.literal("true")) return Json.flag(true);
    if (this.literal("false")) return Json.flag(false);
    if (this.literal("null")) return Json.nil();
    return this.number();
  }

  literal(word: string): bool {
    if (this.text.substring(this.pos, this.pos + word.length) != word) return false;
    this.pos += word.length;
    return true;
  }

  number(): Json | null {
    const start = this.pos;
    const t = this.text;
    if (this.pos < t.length && t.charCodeAt(this.pos) == 0x2d) this.pos++;
    const digits = this.pos;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if ((c >= 0x30 && c <= 0x39) || c == 0x2e || c == 0x65 || c == 0x45 || c == 0x2b || c == 0x2d) this.pos++;
      else break;
    }
    if (this.pos == digits) return this.error("unexpected character");
    const n = parseFloat(t.substring(start, this.pos));
    if (isNaN(n)) return this.error("malformed number");
    return Json.number(n);
  }

  /** A string literal at `pos` (on its opening quote); null on error. */
  string(): string | null {
    const t = this.text;
    this.pos++;
    const out = new Array<string>();
    let run = this.pos;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c == 0x22) {
        out.push(t.substring(run, this.pos));
        this.pos++;
        return out.join("");
      }
      if (c < 0x20) { this.error("control character in string"); return null; }
      if (c != 0x5c) { this.pos++; continue; }
      out.push(t.substring(run, this.pos));
      if (this.pos + 1 >= t.length) break;
      const e = t.charCodeAt(this.pos + 1);
      this.pos += 2;
      if (e == 0x75) {
        const code = this.hex4();
        if (code < 0) { this.error("bad \\u escape"); return null; }
        out.push(String.fromCharCode(code));
        this.pos += 4;
      } else if (e == 0x6e) out.push("\n");
      else if (e == 0x72) out.push("\r");
      else if (e == 0x74) out.push("\t");
      else if (e == 0x62) out.push("\b");
      else if (e == 0x66) out.push("\f");
      else if (e == 0x22 || e == 0x5c || e == 0x2f) out.push(String.fromCharCode(e));
      else { this.error("bad escape"); return null; }
      run = this.pos;
    }
    this.error("unterminated string");
    return null;
  }

  /** The four hex digits at `pos` as a number, or -1. */
  hex4(): i32 {
    if (this.pos + 4 > this.text.length) return -1;
    let code = 0;
    for (let i = 0; i < 4; i++) {
      const c = this.text.charCodeAt(this.pos + i);
      const d = c >= 0x30 && c <= 0x39 ? c - 0x30 : (c | 0x20) >= 0x61 && (c | 0x20) <= 0x66 ? (c | 0x20) - 0x61 + 10 : -1;
      if (d < 0) return -1;
      code = code * 16 + d;
    }
    return code;
  }

  array(depth: i32): Json | null {
    const arr = Json.array();
    this.pos++;
    this.space();
    if (this.pos < this.text.length && this.text.charCodeAt(this.pos) == 0x5d) { this.pos++; return arr; }
    while (true) {
      const v = this.value(depth + 1);
      if (v === null) return null;
      arr.push(v);
      this.space();
      if (this.pos >= this.text.length) return this.error("unterminated array");
      const c = this.text.charCodeAt(this.pos);
      if (c != 0x2c && c != 0x5d) return this.error("expected ',' or ']'");
      this.pos++;
      if (c == 0x5d) return arr;
    }
  }

  object(depth: i32): Json | null {
    const obj = Json.object();
    this.pos++;
    this.space();
    if (this.pos < this.text.length && this.text.charCodeAt(this.pos) == 0x7d) { this.pos++; return obj; }
    while (true) {
      this.space();
      if (this.pos >= this.text.length || this.text.charCodeAt(this.pos) != 0x22) return this.error("expected a string key");
      const key = this.string();
      if (key === null) return null;
      this.space();
      if (this.pos >= this.text.length || this.text.charCodeAt(this.pos) != 0x3a) return this.error("expected ':'");
      this.pos++;
      const v = this.value(depth + 1);
      if (v === null) return null;
      obj.set(key, v);
      this.space();
      if (this.pos >= this.text.length) return this.error("unterminated object");
      const c = this.text.charCodeAt(this.pos);
      if (c != 0x2c && c != 0x7d) return this.error("expected ',' or '}'");
      this.pos++;
      if (c == 0x7d) return obj;
    }
  }
}

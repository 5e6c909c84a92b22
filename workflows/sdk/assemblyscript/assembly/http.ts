// HTTP through the host's journaled `http_request`.
//
// A request is sent at most once per execution of a run: a run resumed after a crash, on this
// node or another, gets the response recorded in its history. A request that was in flight when
// the run stopped comes back as ErrorKind.Interrupted unless it is marked idempotent, in which
// case the host sends it again. (A retry of the job after a failure is a new execution: it
// starts with an empty history and sends everything again.)
//
// New requests are marked idempotent for the methods RFC 9110 §9.2.2 calls idempotent (GET,
// HEAD, OPTIONS, TRACE, PUT, DELETE); override with `idempotent(false)`.
//
// The host does not follow redirects: a 3xx comes back as a response with its `location`.
import * as host from "./host";
import { Json, quote } from "./json";
import { takeResult, takeErrorMessage } from "./result";

/** Why `http_request` produced no response (ABI v1's negative codes). */
export enum ErrorKind {
  /** connection refused, DNS failure, TLS failure, timeout */
  Transport = -1,
  /** in flight when the run crashed and not idempotent, so not sent again */
  Interrupted = -2,
  /** not allowed: not http(s), or a malformed request */
  Denied = -3,
  /** a code this SDK does not know, or a response it could not decode */
  Malformed = -100,
}

export class HttpError {
  constructor(public kind: ErrorKind, public message: string) {}

  toString(): string {
    let kind = "malformed";
    if (this.kind == ErrorKind.Transport) kind = "transport error";
    else if (this.kind == ErrorKind.Interrupted) kind = "interrupted by a crash and not idempotent";
    else if (this.kind == ErrorKind.Denied) kind = "denied";
    return kind + ": " + this.message;
  }
}

/** A response. Header names are lower case; repeated headers are joined with ", ". */
export class Response {
  status: i32 = 0;
  headers: Map<string, string> = new Map();
  /** The body decoded as UTF-8 (malformed bytes replaced by U+FFFD), at most 1 MiB. */
  body: string = "";
  /** The host cut the body at 1 MiB. */
  truncated: bool = false;

  /** A header's value by case-insensitive name, or null. */
  header(name: string): string | null {
    const key = name.toLowerCase();
    return this.headers.has(key) ? this.headers.get(key) : null;
  }

  get ok(): bool { return this.status >= 200 && this.status < 300; }
}

/** Either a response or an error: AssemblyScript has no exceptions. */
export class HttpResult {
  constructor(public response: Response | null, public error: HttpError | null) {}
  get ok(): bool { return this.error === null; }
}

export class Request {
  method: string;
  url: string;
  private headerNames: Array<string> = [];
  private headerValues: Array<string> = [];
  body: string | null = null;
  /** -1: the host's default (10 s; at most 60 s). */
  timeoutMs: i64 = -1;
  isIdempotent: bool;

  constructor(method: string, url: string) {
    this.method = method.toUpperCase();
    this.url = url;
    const m = this.method;
    this.isIdempotent = m == "GET" || m == "HEAD" || m == "OPTIONS" || m == "TRACE" || m == "PUT" || m == "DELETE";
  }

  static get(url: string): Request { return new Request("GET", url); }
  static post(url: string): Request { return new Request("POST", url); }

  /** Sets a header; names are lower-cased, and a later value for a name replaces an earlier one. */
  header(name: string, value: string): Request {
    const key = name.toLowerCase();
    const i = this.headerNames.indexOf(key);
    if (i >= 0) this.headerValues[i] = value;
    else { this.headerNames.push(key); this.headerValues.push(value); }
    return this;
  }

  /** A UTF-8 request body (the ABI carries text bodies only). */
  withBody(body: string): Request { this.body = body; return this; }
  timeout(ms: i64): Request { this.timeoutMs = ms; return this; }
  /** Whether the host may send the request again when a crash left it in flight. */
  idempotent(yes: bool): Request { this.isIdempotent = yes; return this; }

  /** The request as the JSON passed to `http_request`: same request, same bytes (headers sorted). */
  toJson(): string {
    let s = "{\"method\":" + quote(this.method) + ",\"url\":" + quote(this.url);
    if (this.headerNames.length > 0) {
      const names = this.headerNames.slice(0).sort();
      s += ",\"headers\":{";
      for (let i = 0; i < names.length; i++) {
        if (i > 0) s += ",";
        s += quote(names[i]) + ":" + quote(this.headerValues[this.headerNames.indexOf(names[i])]);
      }
      s += "}";
    }
    const body = this.body;
    if (body !== null) s += ",\"body\":" + quote(body);
    if (this.timeoutMs >= 0) s += ",\"timeout_ms\":" + this.timeoutMs.toString();
    return s + "}";
  }

  /** Performs the request. Any HTTP status, 4xx and 5xx included, is a response, not an error. */
  send(): HttpResult {
    const json = String.UTF8.encode(this.toJson());
    const n = host.http_request(changetype<usize>(json), json.byteLength, this.isIdempotent ? 1 : 0);
    if (n < 0) {
      const kind = n == -1 || n == -2 || n == -3 ? <ErrorKind>n : ErrorKind.Malformed;
      return new HttpResult(null, new HttpError(kind, takeErrorMessage()));
    }
    const v = Json.parse(String.UTF8.decode(takeResult(n)));
    if (v === null || !v.isObject) {
      return new HttpResult(null, new HttpError(ErrorKind.Malformed, "response from host is not the expected JSON: " + Json.lastError));
    }
    const r = new Response();
    r.status = <i32>v.getNumber("status", 0);
    r.body = v.getString("body", "");
    r.truncated = v.getBool("truncated", false);
    const headers = v.get("headers");
    if (headers !== null) {
      const names = headers.keyList();
      for (let i = 0; i < names.length; i++) r.headers.set(names[i], headers.getString(names[i], ""));
    }
    return new HttpResult(r, null);
  }
}

/** `GET url`, marked idempotent. */
export function httpGet(url: string): HttpResult {
  return Request.get(url).send();
}

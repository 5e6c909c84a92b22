// The result buffer (host ABI v1): host calls that return bytes leave them there and return
// their length; `result_read` copies them out.
import * as host from "./host";

/** The longest error message from the host the SDK reads (the ABI sets no bound). */
const ERROR_MESSAGE_MAX = 64 * 1024;

/** Copies the host's result buffer, whose length the last call returned. */
export function takeResult(len: i32): ArrayBuffer {
  const buf = new ArrayBuffer(max(len, 0));
  const n = host.result_read(changetype<usize>(buf), buf.byteLength);
  return n < buf.byteLength ? buf.slice(0, max(n, 0)) : buf;
}

/** Copies an error message from the result buffer: a failed call returns its error code, not the
 *  message's length, so read into a growing buffer until the host copies less than asked. */
export function takeErrorMessage(): string {
  let cap = 1024;
  while (true) {
    const buf = takeResult(cap);
    if (buf.byteLength < cap || cap >= ERROR_MESSAGE_MAX) return String.UTF8.decode(buf);
    cap *= 4;
  }
}

/** Copies the whole result buffer when the last call returned a code rather than its length (ABI
 *  version 3's calls): reads into a growing buffer until the host copies less than asked. */
export function takeAll(): ArrayBuffer {
  let cap = 4 * 1024;
  while (true) {
    const buf = takeResult(cap);
    if (buf.byteLength < cap) return buf;
    cap *= 4;
  }
}

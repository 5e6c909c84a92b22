package io.mvmci.workflow;

import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.WasmRuntimeException;

/**
 * Bounds-checked access to a guest's linear memory for host functions. Pointers and lengths
 * are the guest's i32 values read as unsigned, as WebAssembly addresses are. A range outside
 * memory traps the guest with "out of bounds memory access".
 *
 * <p>Checked here in 64-bit arithmetic because Chicory's own check adds the two in 32 bits,
 * which lets a huge length wrap around and reach the JVM as an allocation of gigabytes.
 */
final class GuestMemory {
  private GuestMemory() {}

  static byte[] read(Memory memory, int ptr, int len) {
    check(memory, ptr, len);
    return memory.readBytes(ptr, len);
  }

  static void write(Memory memory, int ptr, byte[] data, int len) {
    check(memory, ptr, len);
    memory.write(ptr, data, 0, len);
  }

  static void check(Memory memory, int ptr, int len) {
    long start = Integer.toUnsignedLong(ptr);
    long end = start + Integer.toUnsignedLong(len);
    long size = (long) memory.pages() * Memory.PAGE_SIZE;
    if (end > size) {
      throw new WasmRuntimeException("out of bounds memory access: " + start + " + " + Integer.toUnsignedLong(len)
          + " bytes is past the end of memory (" + size + " bytes)");
    }
  }
}

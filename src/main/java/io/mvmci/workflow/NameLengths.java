package io.mvmci.workflow;

/**
 * Checks, before Chicory parses a module, that every name in its import, export and custom sections,
 * and every vector of its type, import and export sections, fits in its section. Chicory's parser allocates a name's declared length before reading it, so a
 * 264-byte module declaring a 16 MiB name allocated 16 MiB, and one declaring 2 GiB would ask for
 * 2 GiB on the node that was asked to deploy it; 91 bytes declaring a function type with 2³¹ results
 * allocated 1 GiB (ModuleValidatorFuzzTest found both; Chicory 1.7.5). Counts in the other sections
 * (locals in the code section among them) are not checked here: {@link CompiledCode#validate} turns
 * an OutOfMemoryError of the parse into a refusal, and the right fix is in Chicory's parser.
 * Only the structure needed to find the names is read; anything else malformed is left to Chicory.
 * Written here because no library offers a bounds-only pre-scan of the wasm binary format.
 */
final class NameLengths {
  private static final int CUSTOM = 0;
  private static final int TYPE = 1;
  private static final int IMPORT = 2;
  private static final int EXPORT = 7;

  private final byte[] b;
  private int pos;
  private int end;

  private NameLengths(byte[] bytes) {
    this.b = bytes;
  }

  static void check(byte[] bytes) throws InvalidModuleException {
    if (bytes.length < 8) {
      return; // Chicory refuses it
    }
    try {
      new NameLengths(bytes).sections();
    } catch (Malformed e) {
      throw new InvalidModuleException("not a valid WebAssembly module: " + e.getMessage());
    }
  }

  private void sections() throws Malformed {
    pos = 8;
    while (pos < b.length) {
      int id = b[pos++] & 0xff;
      end = b.length;
      long size = u32();
      if (size > b.length - pos) {
        throw new Malformed("section " + id + " declares " + size + " bytes, more than the module has");
      }
      int next = pos + (int) size;
      end = next;
      if (id == CUSTOM) {
        name();
      } else if (id == TYPE) {
        types();
      } else if (id == IMPORT) {
        for (long n = count(); n > 0; n--) {
          name();
          name();
          importDescription();
        }
      } else if (id == EXPORT) {
        for (long n = count(); n > 0; n--) {
          name();
          pos++; // kind
          u32(); // index
        }
      }
      pos = next;
    }
  }

  /** Function types: their parameter and result counts must fit, one byte or more a type each. */
  private void types() throws Malformed {
    for (long n = count(); n > 0; n--) {
      if (byteAt() != 0x60) {
        return; // a form other than a plain function type: Chicory's to judge
      }
      valueTypes();
      valueTypes();
    }
  }

  private void valueTypes() throws Malformed {
    for (long n = count(); n > 0; n--) {
      int type = byteAt();
      if (type == 0x63 || type == 0x64) {
        leb(5); // (ref null? heaptype)
      }
    }
  }

  /** A vector's length, each element being a byte or more: more than the section has left is refused. */
  private long count() throws Malformed {
    long n = u32();
    if (n > end - pos) {
      throw new Malformed("a vector declares " + n + " elements, more than its section has bytes left ("
          + (end - pos) + ")");
    }
    return n;
  }

  private void importDescription() throws Malformed {
    int kind = byteAt();
    switch (kind) {
      case 0x00 -> u32(); // function: type index
      case 0x01 -> { // table: reference type, limits
        byteAt();
        limits();
      }
      case 0x02 -> limits(); // memory
      case 0x03 -> { // global: value type, mutability
        byteAt();
        byteAt();
      }
      case 0x04 -> { // tag: attribute, type index
        byteAt();
        u32();
      }
      default -> throw new Malformed("import kind " + kind + " is not one WebAssembly defines");
    }
  }

  private void limits() throws Malformed {
    int flags = byteAt();
    u64();
    if ((flags & 1) != 0) {
      u64();
    }
  }

  private void name() throws Malformed {
    long length = u32();
    if (length > end - pos) {
      throw new Malformed("a name declares " + length + " bytes, more than its section has left ("
          + (end - pos) + ")");
    }
    pos += (int) length;
  }

  private int byteAt() throws Malformed {
    if (pos >= end) {
      throw new Malformed("unexpected end of section");
    }
    return b[pos++] & 0xff;
  }

  private long u32() throws Malformed {
    return leb(5);
  }

  private long u64() throws Malformed {
    return leb(10);
  }

  private long leb(int maxBytes) throws Malformed {
    long value = 0;
    for (int i = 0; i < maxBytes; i++) {
      int x = byteAt();
      value |= (long) (x & 0x7f) << (7 * i);
      if ((x & 0x80) == 0) {
        return value;
      }
    }
    throw new Malformed("an integer longer than " + maxBytes + " bytes");
  }

  private static final class Malformed extends Exception {
    Malformed(String message) {
      super(message, null, false, false);
    }
  }
}

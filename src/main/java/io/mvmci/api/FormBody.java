package io.mvmci.api;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A strict {@code application/x-www-form-urlencoded} parser: a broken percent-escape, a field given
 * twice, or a field the endpoint does not know is a 400 naming it, never silently dropped.
 */
final class FormBody {
  private FormBody() {}

  static Map<String, String> parse(String body, Set<String> known) {
    Map<String, String> out = new LinkedHashMap<>();
    if (body.isEmpty()) {
      return out;
    }
    for (String pair : body.split("&", -1)) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq), "field name");
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1), "field " + name);
      if (!known.contains(name)) {
        throw new BadRequestException(name, "unknown form field \"" + name + "\"; known fields: "
            + String.join(", ", known));
      }
      if (out.put(name, value) != null) {
        throw new BadRequestException(name, "form field \"" + name + "\" is given more than once");
      }
    }
    return out;
  }

  private static String decode(String s, String what) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '+') {
        bytes.write(' ');
      } else if (c == '%') {
        if (i + 2 >= s.length() || hex(s.charAt(i + 1)) < 0 || hex(s.charAt(i + 2)) < 0) {
          throw new BadRequestException(null, "malformed form: bad percent-escape in " + what);
        }
        bytes.write(hex(s.charAt(i + 1)) * 16 + hex(s.charAt(i + 2)));
        i += 2;
      } else {
        int cp = s.codePointAt(i);
        byte[] b = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
        bytes.write(b, 0, b.length);
        i += Character.charCount(cp) - 1;
      }
    }
    return RequestBodies.utf8(bytes.toByteArray(), what);
  }

  private static int hex(char c) {
    return Character.digit(c, 16);
  }
}

package io.mvmci.config;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.type.LogicalType;
import tools.jackson.dataformat.toml.TomlMapper;

/**
 * Binds a section's values into its record with Jackson, strictly: a key the record does not have,
 * a string where an integer belongs (or the reverse), a float for an integer, an integer for a
 * boolean are all refused; then checks every {@link Range}. Jackson's complaint becomes the loader's
 * one-line message, worded from the record: the field, the value as written (never a secret) and
 * what the key takes.
 */
final class Binding {
  /** Reads the file and binds the sections; also turns default records into values. */
  static final TomlMapper MAPPER =
      TomlMapper.builder()
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
          .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
          .withCoercionConfig(LogicalType.Textual, c -> c
              .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
              .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
              .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
          .addModule(ConfigValues.module())
          .build();

  private Binding() {}

  /** The record bound from {@code f.effective()}, every range checked. */
  static <T extends Record> T bind(Section<T> section, Fields f) {
    T value;
    try {
      value = MAPPER.treeToValue(f.effective(), section.type());
    } catch (JacksonException e) {
      throw translate(e, section, f);
    }
    checkRanges(section, value, f);
    return value;
  }

  /** A record's values as the tree a file would give (absent optionals left out). */
  static ObjectNode tree(Object defaults) {
    ObjectNode tree = MAPPER.valueToTree(defaults);
    return tree.removeIf(JsonNode::isNull);
  }

  private static <T extends Record> void checkRanges(Section<T> section, T value, Fields f) {
    for (RecordComponent c : section.type().getRecordComponents()) {
      Range r = c.getAnnotation(Range.class);
      if (r == null) {
        continue;
      }
      long v;
      try {
        v = ((Number) c.getAccessor().invoke(value)).longValue();
      } catch (IllegalAccessException | InvocationTargetException e) {
        throw new IllegalStateException(e);
      }
      if (v < r.min() || v > r.max()) {
        throw f.invalid(Section.key(c), "must be " + Section.between(r));
      }
    }
  }

  private static InvalidConfigException translate(JacksonException e, Section<?> section, Fields f) {
    List<JacksonException.Reference> path = e.getPath();
    String key = path.isEmpty() ? null : path.get(0).getPropertyName();
    if (key == null) {
      throw new IllegalStateException("a section bound without a key in the error", e);
    }
    if (e instanceof UnrecognizedPropertyException) {
      return f.unknown(key);
    }
    int index = path.size() > 1 ? path.get(1).getIndex() : -1;
    if (e instanceof ConfigValues.Refused r) {
      return index < 0
          ? f.problems().invalid(f.field(key), r.shown(), r.reason())
          : f.invalidAt(key, index, r.shown(), r.reason());
    }
    JsonNode value = f.effective().get(key);
    if (index >= 0) {
      return f.invalidAt(key, index, f.render(key, value.get(index)), "must be a string");
    }
    return f.problems().invalid(f.field(key), f.render(key, value), expected(section, key, value));
  }

  /** What a key of this type takes, for a value of another type. */
  private static String expected(Section<?> section, String key, JsonNode value) {
    return switch (section.kind(key)) {
      case INTEGER -> {
        String between = Section.between(section.range(key).orElseThrow());
        yield value.isIntegralNumber() ? "must be " + between : "must be an integer " + between;
      }
      case BOOLEAN -> "must be true or false";
      case LIST -> "must be an array of strings";
      case STRING -> "must be a string";
    };
  }
}

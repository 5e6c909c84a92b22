package io.mvmci.config;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.PropertyNamingStrategies;

/**
 * A section of the configuration and the record it is bound into. The record is the only list of
 * the section's keys: each component is a key, named in snake_case, in declaration order. Its type
 * says how an environment value is read and what a type error says; {@link Range} gives an integer
 * its range; a {@link Secret} or {@link EncKey} component is never shown.
 */
record Section<T extends Record>(String name, Class<T> type) {
  static final Section<NodeSection> NODE = new Section<>("node", NodeSection.class);
  static final Section<RaftSection> RAFT = new Section<>("raft", RaftSection.class);
  static final Section<ApiSection> API = new Section<>("api", ApiSection.class);
  static final Section<WorkersSection> WORKERS = new Section<>("workers", WorkersSection.class);
  static final Section<JobsSection> JOBS = new Section<>("jobs", JobsSection.class);
  static final Section<ArtifactsSection> ARTIFACTS = new Section<>("artifacts", ArtifactsSection.class);

  /** Every section, in the order they are documented, loaded and checked. */
  static final List<Section<?>> ALL = List.of(NODE, RAFT, API, WORKERS, JOBS, ARTIFACTS);

  /** How a key's value is written: what the environment parses, what a type error asks for. */
  enum Kind { INTEGER, BOOLEAN, STRING, LIST }


  static Optional<Section<?>> named(String name) {
    return ALL.stream().filter(s -> s.name.equals(name)).findFirst();
  }

  static List<String> names() {
    return ALL.stream().map(Section::name).toList();
  }

  /** The keys, in documentation order. */
  List<String> keys() {
    return Arrays.stream(type.getRecordComponents()).map(Section::key).toList();
  }

  /** The key a record component is bound from. */
  static String key(RecordComponent c) {
    return PropertyNamingStrategies.SNAKE_CASE.nameForField(null, null, c.getName());
  }

  boolean has(String key) {
    return component(key).isPresent();
  }

  Kind kind(String key) {
    Class<?> t = component(key).orElseThrow().getType();
    if (t == int.class || t == long.class) {
      return Kind.INTEGER;
    }
    if (t == boolean.class) {
      return Kind.BOOLEAN;
    }
    return List.class.isAssignableFrom(t) ? Kind.LIST : Kind.STRING;
  }

  Optional<Range> range(String key) {
    return component(key).map(c -> c.getAnnotation(Range.class));
  }

  /** Whether the key's value must never appear in a message. */
  boolean secret(String key) {
    Optional<RecordComponent> c = component(key);
    if (c.isEmpty()) {
      return false;
    }
    Type t = c.get().getGenericType();
    if (t instanceof ParameterizedType p) {
      t = p.getActualTypeArguments()[0];
    }
    return t == Secret.class || t == EncKey.class;
  }

  /** {@code between 1 and 100 snapshots}. */
  static String between(Range r) {
    return "between " + r.min() + " and " + r.max() + (r.unit().isEmpty() ? "" : " " + r.unit());
  }

  Optional<RecordComponent> component(String key) {
    return Arrays.stream(type.getRecordComponents())
        .filter(c -> key(c).equals(key))
        .findFirst();
  }
}

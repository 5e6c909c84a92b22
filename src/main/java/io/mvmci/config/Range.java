package io.mvmci.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The inclusive range of an integer key, declared on the section record's component. The binder
 * checks it after Jackson has bound the section, and words both the range error and the type error
 * ({@code must be an integer between 1 and 100 snapshots}) from it.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
@interface Range {
  long min();

  long max();

  /** The unit messages name after the range, e.g. {@code milliseconds}; empty for none. */
  String unit() default "";
}

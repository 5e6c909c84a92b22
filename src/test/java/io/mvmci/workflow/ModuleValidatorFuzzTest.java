package io.mvmci.workflow;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mvmci.testing.Allocations;

/**
 * Coverage-guided fuzzing of what a deploy does with a module's bytes before it compiles them
 * (issue 16): Chicory's parser and our ABI check. Any bytes give a module or an
 * {@link InvalidModuleException}: never another exception or an {@link Error}, and never an
 * allocation out of proportion to the bytes (a section count of 2³² must not be an
 * OutOfMemoryError on the node that was asked to deploy it). Seeds: the project's own and hostile
 * modules under {@code ModuleValidatorFuzzTestInputs/validate/}.
 */
class ModuleValidatorFuzzTest {
  @FuzzTest
  void validate(byte[] module) throws Exception {
    try {
      Allocations.proportional(module.length, "validating a module", () -> CompiledCode.validate(module));
    } catch (InvalidModuleException refused) {
      // the contract: a readable refusal
    }
  }
}

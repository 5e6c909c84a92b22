package io.mvmci.workflow;

import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.Export;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.Import;
import java.util.HashMap;
import java.util.Map;

/**
 * Checks a parsed module against the host ABI (workflows/README.md, "The module"). A module declares
 * its version by exporting {@code mvmci_abi_v<n>}; it may import what versions 1 to n define, so a
 * module built for version 1 keeps loading, and running, unchanged.
 */
final class AbiValidator {
  static final String ABI_EXPORT = "mvmci_abi_v1";
  /** The newest version this host speaks. */
  static final int LATEST = 4;
  static final String RUN_EXPORT = "run";
  static final String INITIALIZE_EXPORT = "_initialize";
  static final String MEMORY_EXPORT = "memory";

  private AbiValidator() {}

  /** The ABI declaration is checked first: without it the rest of this contract does not apply. */
  static void validate(WasmModule module) throws InvalidModuleException {
    Map<String, Export> exports = new HashMap<>();
    for (int i = 0; i < module.exportSection().exportCount(); i++) {
      Export e = module.exportSection().getExport(i);
      exports.put(e.name(), e);
    }
    int version = 0;
    for (int v = LATEST; v >= 1 && version == 0; v--) {
      if (exports.containsKey(abiExport(v))) {
        version = v;
      }
    }
    if (version == 0) {
      throw new InvalidModuleException(
          "unsupported ABI: module does not export " + ABI_EXPORT + exports.keySet().stream()
              .filter(n -> n.startsWith("mvmci_abi_v")).map(n -> " (it exports " + n + ", which this host"
                  + " does not speak; it speaks versions 1 to " + LATEST + ")").findFirst().orElse(""));
    }
    checkImports(module, version);
    requireFunction(module, exports, abiExport(version), true);
    requireFunction(module, exports, RUN_EXPORT, true);
    requireFunction(module, exports, INITIALIZE_EXPORT, false);
    Export memory = exports.get(MEMORY_EXPORT);
    if (memory == null || memory.exportType() != ExternalType.MEMORY) {
      throw new InvalidModuleException("module does not export its memory as \"memory\"");
    }
    if (memory.index() != 0) {
      throw new InvalidModuleException("the exported \"memory\" must be the module's first memory");
    }
  }

  static String abiExport(int version) {
    return "mvmci_abi_v" + version;
  }

  private static void checkImports(WasmModule module, int version) throws InvalidModuleException {
    var imports = module.importSection();
    for (int i = 0; i < imports.importCount(); i++) {
      Import imp = imports.getImport(i);
      String what = imp.module() + "." + imp.name();
      if (!AbiImport.MODULE.equals(imp.module())) {
        throw new InvalidModuleException(
            "import " + what + " is not allowed: workflows import only from module \"mvmci\"");
      }
      if (imp.importType() != ExternalType.FUNCTION) {
        throw new InvalidModuleException(
            "import " + what + " is a " + imp.importType().name().toLowerCase(java.util.Locale.ROOT)
                + "; the mvmci module provides only functions");
      }
      AbiImport abi =
          AbiImport.byName(imp.name())
              .orElseThrow(
                  () -> new InvalidModuleException(
                      "import " + what + " is not a host function of ABI version " + version));
      if (abi.since() > version) {
        throw new InvalidModuleException("import " + what + " needs ABI version " + abi.since()
            + ": export " + abiExport(abi.since()) + " instead of " + abiExport(version));
      }
      int typeIndex = ((FunctionImport) imp).typeIndex();
      if (typeIndex < 0 || typeIndex >= module.typeSection().typeCount()) {
        throw new InvalidModuleException("import " + what + " names type " + typeIndex
            + ", which the module does not declare");
      }
      FunctionType actual = module.typeSection().getType(typeIndex);
      if (!actual.equals(abi.type())) {
        throw new InvalidModuleException(
            "import " + what + " has type " + AbiImport.render(actual) + " but ABI version " + version + " defines "
                + AbiImport.render(abi.type()));
      }
    }
  }

  private static void requireFunction(
      WasmModule module, Map<String, Export> exports, String name, boolean required)
      throws InvalidModuleException {
    Export e = exports.get(name);
    if (e == null) {
      if (required) {
        throw new InvalidModuleException("module does not export a function \"" + name + "\"");
      }
      return;
    }
    if (e.exportType() != ExternalType.FUNCTION) {
      throw new InvalidModuleException("export \"" + name + "\" is not a function");
    }
    FunctionType type = functionType(module, e.index());
    if (type == null) {
      throw new InvalidModuleException("export \"" + name + "\" names function " + e.index()
          + ", which the module does not have (or whose type it does not declare)");
    }
    if (!type.equals(FunctionType.empty())) {
      throw new InvalidModuleException(
          "export \"" + name + "\" has type " + AbiImport.render(type) + " but must be () -> ()");
    }
  }

  /**
   * The type of function {@code functionIndex}, or null where the index or its type index points past
   * what the module declares: Chicory's parser does not check those indices (ModuleValidatorFuzzTest
   * found an export naming a function whose type index was out of range).
   */
  private static FunctionType functionType(WasmModule module, long functionIndex) {
    int imported = module.importSection().count(ExternalType.FUNCTION);
    int types = module.typeSection().typeCount();
    if (functionIndex < 0) {
      return null;
    }
    if (functionIndex < imported) {
      int seen = 0;
      for (int i = 0; i < module.importSection().importCount(); i++) {
        Import imp = module.importSection().getImport(i);
        if (imp.importType() == ExternalType.FUNCTION && seen++ == functionIndex) {
          int typeIndex = ((FunctionImport) imp).typeIndex();
          return typeIndex >= 0 && typeIndex < types ? module.typeSection().getType(typeIndex) : null;
        }
      }
      return null;
    }
    long local = functionIndex - imported;
    if (local >= module.functionSection().functionCount()) {
      return null;
    }
    int typeIndex = module.functionSection().getFunctionType((int) local);
    return typeIndex >= 0 && typeIndex < types ? module.typeSection().getType(typeIndex) : null;
  }
}

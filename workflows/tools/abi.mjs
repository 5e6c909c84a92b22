// The host ABI (workflows/README.md), versions 1 to 3, as data, and a static check of a module
// against it. A second reading of the contract, independent of the Java host's.

/** The newest ABI version; a module declares its own by exporting `mvmci_abi_v<n>`. */
export const LATEST = 4;

/** Every import a module may take from `mvmci`, with its signature. */
export const IMPORTS = {
  result_read: [['i32', 'i32'], ['i32']],
  input: [[], ['i32']],
  output: [['i32', 'i32'], []],
  log: [['i32', 'i32', 'i32'], []],
  progress: [['i32', 'i32', 'i32'], []],
  http_request: [['i32', 'i32', 'i32'], ['i32']],
  now_ms: [[], ['i64']],
  random_fill: [['i32', 'i32'], []],
  sleep_ms: [['i64'], []],
  fail: [['i32', 'i32'], []],
  fail_with: [['i32', 'i32', 'i32'], []],
  await_signal: [['i32', 'i32', 'i64'], ['i32']],
  spawn_job: [['i32', 'i32'], ['i32']],
  await_job: [['i32', 'i32'], ['i32']],
  artifact_open: [['i32', 'i32'], ['i32']],
  artifact_write: [['i32', 'i32', 'i32'], ['i32']],
  artifact_close: [['i32'], ['i32']],
};

/** The ABI version that introduced an import, where it is not 1. Versions only add imports. */
export const SINCE = { fail_with: 2, await_signal: 3, spawn_job: 3, await_job: 3, artifact_open: 4, artifact_write: 4, artifact_close: 4 };

/** `fail_with` flag: the failure is terminal, the job is not retried. */
export const FAIL_TERMINAL = 1;

/** Exports a module must have (name -> kind, and signature for functions), besides its `mvmci_abi_v<n>`. */
export const REQUIRED_EXPORTS = {
  memory: ['memory'],
  run: ['func', [[], []]],
};

/** Optional exports the host acts on. */
export const OPTIONAL_EXPORTS = {
  _initialize: ['func', [[], []]],
};

const VALTYPES = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x7b: 'v128', 0x70: 'funcref', 0x6f: 'externref' };
const KINDS = ['func', 'table', 'memory', 'global', 'tag'];

/** Reads the type, import, function and export sections of a module's binary. */
export function parseModule(bytes) {
  const b = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let p = 0;
  const u32 = () => {
    let result = 0, shift = 0, byte;
    do {
      byte = b[p++];
      result |= (byte & 0x7f) << shift;
      shift += 7;
    } while (byte & 0x80);
    return result >>> 0;
  };
  const name = () => {
    const n = u32();
    const s = new TextDecoder().decode(b.subarray(p, p + n));
    p += n;
    return s;
  };
  const limits = () => { const flags = b[p++]; u32(); if (flags & 1) u32(); };
  if (b[0] !== 0 || b[1] !== 0x61 || b[2] !== 0x73 || b[3] !== 0x6d) throw new Error('not a WebAssembly module');
  p = 8;
  const types = [], imports = [], funcs = [], exports = [];
  while (p < b.length) {
    const id = b[p++];
    const size = u32();
    const end = p + size;
    if (id === 1) {
      for (let n = u32(); n > 0; n--) {
        if (b[p++] !== 0x60) throw new Error('unsupported type form');
        const params = Array.from({ length: u32() }, () => VALTYPES[b[p++]]);
        const results = Array.from({ length: u32() }, () => VALTYPES[b[p++]]);
        types.push([params, results]);
      }
    } else if (id === 2) {
      for (let n = u32(); n > 0; n--) {
        const module = name(), field = name(), kind = KINDS[b[p++]];
        let type;
        if (kind === 'func') { type = types[u32()]; funcs.push(type); }
        else if (kind === 'table') { p++; limits(); }
        else if (kind === 'memory') limits();
        else if (kind === 'global') p += 2;
        else throw new Error(`unsupported import kind ${kind}`);
        imports.push({ module, name: field, kind, type });
      }
    } else if (id === 3) {
      for (let n = u32(); n > 0; n--) funcs.push(types[u32()]);
    } else if (id === 7) {
      for (let n = u32(); n > 0; n--) {
        const field = name(), kind = KINDS[b[p++]], index = u32();
        exports.push({ name: field, kind, type: kind === 'func' ? funcs[index] : undefined });
      }
    }
    p = end;
  }
  return { imports, exports };
}

const sig = ([params, results]) => `(${params.join(', ')}) -> (${results.join(', ')})`;

/** The ABI version a module declares: the highest n <= LATEST it exports `mvmci_abi_v<n>` for, or 0. */
export function declaredVersion(exports) {
  for (let v = LATEST; v >= 1; v--) if (exports.some((e) => e.name === `mvmci_abi_v${v}`)) return v;
  return 0;
}

/** Everything that keeps a module from being a valid workflow, as readable lines (the Java host's words). */
export function checkModule(bytes) {
  const { imports, exports } = parseModule(bytes);
  const version = declaredVersion(exports);
  if (version === 0) {
    const other = exports.find((e) => e.name.startsWith('mvmci_abi_v'));
    return ['unsupported ABI: module does not export mvmci_abi_v1' + (other
      ? ` (it exports ${other.name}, which this host does not speak; it speaks versions 1 to ${LATEST})` : '')];
  }
  const problems = [];
  for (const imp of imports) {
    const where = `import ${imp.module}.${imp.name}`;
    if (imp.module !== 'mvmci') problems.push(`${where}: imports only from module "mvmci" are allowed`);
    else if (imp.kind !== 'func' || !IMPORTS[imp.name]) problems.push(`${where}: not a host function of ABI v${version}`);
    else if ((SINCE[imp.name] ?? 1) > version) {
      const since = SINCE[imp.name];
      problems.push(`${where} needs ABI version ${since}: export mvmci_abi_v${since} instead of mvmci_abi_v${version}`);
    } else if (sig(imp.type) !== sig(IMPORTS[imp.name])) problems.push(`${where}: signature ${sig(imp.type)}, ABI v${version} says ${sig(IMPORTS[imp.name])}`);
  }
  const expected = { ...REQUIRED_EXPORTS, [`mvmci_abi_v${version}`]: ['func', [[], []]], ...OPTIONAL_EXPORTS };
  for (const [field, [kind, type]] of Object.entries(expected)) {
    const exp = exports.find((e) => e.name === field);
    if (!exp) {
      if (REQUIRED_EXPORTS[field]) problems.push(`missing export ${field}`);
    } else if (exp.kind !== kind) problems.push(`export ${field}: a ${exp.kind}, expected a ${kind}`);
    else if (type && sig(exp.type) !== sig(type)) problems.push(`export ${field}: signature ${sig(exp.type)}, expected ${sig(type)}`);
  }
  return problems;
}

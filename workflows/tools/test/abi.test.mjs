// The static ABI check (abi.mjs) on every committed workflow, and on modules broken on purpose.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { checkModule, declaredVersion, parseModule } from '../abi.mjs';
import { runWorkflow } from '../run.mjs';
import { workflow } from './util.mjs';

const WORKFLOWS = fileURLToPath(new URL('../../', import.meta.url));
/** Modules that break the ABI on purpose, to test the host's refusals. */
const DELIBERATELY_INVALID = new Set(['hostile']);

/** Folders with a build.sh: workflows/NAME, and the test workflows in workflows/testing/NAME. */
function workflowFolders() {
  const under = (parent) => readdirSync(`${WORKFLOWS}${parent}`, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(`${WORKFLOWS}${parent}${d.name}/build.sh`) && !DELIBERATELY_INVALID.has(d.name))
    .map((d) => `${parent}${d.name}`);
  return [...under(''), ...under('testing/')];
}

test('every workflow folder has a built module that speaks the ABI', () => {
  const folders = workflowFolders();
  assert.ok(folders.length >= 6);
  for (const name of folders) {
    const modules = readdirSync(`${WORKFLOWS}${name}`).filter((f) => f.endsWith('.wasm'));
    assert.ok(modules.length > 0, `${name}/ has no .wasm`);
    for (const m of modules) assert.deepEqual(checkModule(readFileSync(`${WORKFLOWS}${name}/${m}`)), [], `${name}/${m}`);
  }
});

test('a module declares the version its imports need', () => {
  assert.equal(declaredVersion(parseModule(readFileSync(workflow('pipeline'))).exports), 2);
  assert.equal(declaredVersion(parseModule(readFileSync(workflow('crawler'))).exports), 1);
  assert.equal(declaredVersion(parseModule(readFileSync(workflow('nightly'))).exports), 2);
  for (const v3 of ['approval', 'approval-rs', 'fanout', 'fanout-rs']) {
    assert.equal(declaredVersion(parseModule(readFileSync(workflow(v3))).exports), 3, v3);
  }
  // The hostile guests are built to be refused, or not: v1-imports-v2 declares 1 and imports fail_with.
  const hostile = (name) => readFileSync(`${WORKFLOWS}hostile/${name}.wasm`);
  assert.deepEqual(checkModule(hostile('terminal')), []);
  assert.deepEqual(checkModule(hostile('v1-imports-v2')),
    ['import mvmci.fail_with needs ABI version 2: export mvmci_abi_v2 instead of mvmci_abi_v1']);
  assert.deepEqual(checkModule(hostile('waits')), []);
  assert.deepEqual(checkModule(hostile('v2-imports-v3')),
    ['import mvmci.await_signal needs ABI version 3: export mvmci_abi_v3 instead of mvmci_abi_v2']);
});

test('a version 3 module may import what versions 1 and 2 do', () => {
  assert.deepEqual(checkModule(patched('mvmci_abi_v1', 'mvmci_abi_v3')), []);
});

/** noop.wasm with `from` replaced by `to` (same length) wherever it occurs. */
function patched(from, to) {
  const bytes = readFileSync(workflow('noop'));
  const src = Buffer.from(from), dst = Buffer.from(to);
  let at = bytes.indexOf(src);
  assert.ok(at >= 0, `${from} is in noop.wasm`);
  for (; at >= 0; at = bytes.indexOf(src, at + 1)) dst.copy(bytes, at);
  return bytes;
}

test('a module that declares no version this host speaks is refused', async () => {
  const refusal = 'unsupported ABI: module does not export mvmci_abi_v1 (it exports mvmci_abi_v9, which this host does not speak; it speaks versions 1 to 4)';
  const bytes = patched('mvmci_abi_v1', 'mvmci_abi_v9');
  assert.deepEqual(checkModule(bytes), [refusal]);
  const r = await runWorkflow(bytes);
  assert.deepEqual([r.status, r.error], ['invalid', refusal]);
  assert.deepEqual(checkModule(patched('mvmci_abi_v1', 'mvmci_abi_x1')), ['unsupported ABI: module does not export mvmci_abi_v1']);
});

test('a version 2 module may import what version 1 does', () => {
  assert.deepEqual(checkModule(patched('mvmci_abi_v1', 'mvmci_abi_v2')), []);
});

test('an import from another module is refused', () => {
  assert.deepEqual(checkModule(patched('\x05mvmci\x06output', '\x05wasi_\x06output')), ['import wasi_.output: imports only from module "mvmci" are allowed']);
});

test('an unknown host function is refused', () => {
  assert.deepEqual(checkModule(patched('\x06output', '\x06outpux')), ['import mvmci.outpux: not a host function of ABI v1']);
});

test('a host function with the wrong signature is refused', () => {
  // noop's first type is output's (i32, i32) -> (); make it (i32, i64) -> ().
  assert.deepEqual(checkModule(patched('\x60\x02\x7f\x7f\x00', '\x60\x02\x7f\x7e\x00')),
    ['import mvmci.output: signature (i32, i64) -> (), ABI v1 says (i32, i32) -> ()']);
});

test('run and memory must be exported', () => {
  assert.deepEqual(checkModule(patched('\x03run', '\x03rum')), ['missing export run']);
  assert.deepEqual(checkModule(patched('\x06memory', '\x06memorx')), ['missing export memory']);
});

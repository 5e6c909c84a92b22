// The static ABI check (abi.mjs) on every committed workflow, and on modules broken on purpose.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { checkModule } from '../abi.mjs';
import { runWorkflow } from '../run.mjs';
import { workflow } from './util.mjs';

const WORKFLOWS = fileURLToPath(new URL('../../', import.meta.url));
/** Modules that break the ABI on purpose, to test the host's refusals. */
const DELIBERATELY_INVALID = new Set(['hostile']);

test('every workflow folder has a built module that speaks ABI v1', () => {
  const folders = readdirSync(WORKFLOWS, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(`${WORKFLOWS}${d.name}/build.sh`) && !DELIBERATELY_INVALID.has(d.name));
  assert.ok(folders.length >= 4);
  for (const { name } of folders) {
    const modules = readdirSync(`${WORKFLOWS}${name}`).filter((f) => f.endsWith('.wasm'));
    assert.ok(modules.length > 0, `${name}/ has no .wasm`);
    for (const m of modules) assert.deepEqual(checkModule(readFileSync(`${WORKFLOWS}${name}/${m}`)), [], `${name}/${m}`);
  }
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

test('a module without mvmci_abi_v1 is refused', async () => {
  const bytes = patched('mvmci_abi_v1', 'mvmci_abi_v2');
  assert.deepEqual(checkModule(bytes), ['unsupported ABI: module does not export mvmci_abi_v1']);
  const r = await runWorkflow(bytes);
  assert.deepEqual([r.status, r.error], ['invalid', 'unsupported ABI: module does not export mvmci_abi_v1']);
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

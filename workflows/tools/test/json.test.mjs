// The AssemblyScript SDK's Json against JavaScript's JSON, through a fixture workflow compiled
// here (skipped when the AssemblyScript compiler is not installed).
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { runWorkflow } from '../run.mjs';

const BUILD = fileURLToPath(new URL('../../sdk/assemblyscript/build-workflow.sh', import.meta.url));
const ASC = fileURLToPath(new URL('../../sdk/assemblyscript/node_modules/.bin/asc', import.meta.url));
const skip = existsSync(ASC) ? false : 'AssemblyScript is not installed (npm ci --prefix workflows/sdk/assemblyscript)';
let wasm;

before(() => {
  if (skip) return;
  const out = mkdtempSync(`${tmpdir()}/mvmci-json-`);
  execFileSync(BUILD, ['json-roundtrip', fileURLToPath(new URL('./fixtures/json-roundtrip.ts', import.meta.url))], { cwd: out, stdio: 'pipe' });
  wasm = readFileSync(`${out}/json-roundtrip.wasm`);
});

test('parses and re-serialises like JSON.parse and JSON.stringify', { skip }, async () => {
  const inputs = [
    '{}', '[]', 'null', 'true', '"plain"', '0', '-1', '3.5', '1e3', '-0.25', '12345678901234',
    '{"a":1,"b":[true,false,null],"c":{"d":"e"}}',
    ' { "spaced" : [ 1 , 2 ] } ',
    '"esc: \\" \\\\ \\/ \\b \\f \\n \\r \\t \\u0001 \\u001f"',
    '"unicode: é ✓ \\u00e9 \\ud83d\\ude00 😀"',
    '{"dup":1,"other":2,"dup":3}',
    JSON.stringify({ nested: Array.from({ length: 50 }, (_, i) => ({ i, s: `v${i}` })) }),
  ];
  for (const input of inputs) {
    const r = await runWorkflow(wasm, { input });
    assert.equal(r.status, 'completed', `${input}: ${r.error}`);
    assert.equal(r.output, JSON.stringify(JSON.parse(input)), input);
  }
});

test('rejects malformed JSON with a reason', { skip }, async () => {
  const cases = [['', 'unexpected end at offset 0'], ['{"a" 1}', "expected ':' at offset 5"], ['[1,]', 'unexpected character at offset 3'],
    ['"open', 'unterminated string at offset 5'], ['{} x', 'unexpected text after the value at offset 3'], ['"\\x"', 'bad escape at offset 3'],
    ['"\\u12g4"', 'bad \\u escape at offset 3'], ['['.repeat(300), 'nested too deep at offset 257']];
  for (const [input, reason] of cases) {
    const r = await runWorkflow(wasm, { input });
    assert.equal(r.status, 'failed', input);
    assert.equal(r.error, `input is not valid JSON: ${reason}`, input);
  }
});

test('a runtime error fails the run with its message and place', { skip }, async () => {
  const r = await runWorkflow(wasm, { input: 'oob' });
  assert.equal(r.status, 'failed');
  assert.match(r.error, /^Index out of range at ~lib\/array\.ts:\d+:\d+$/);
});

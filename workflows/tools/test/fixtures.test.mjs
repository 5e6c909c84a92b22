// echo and noop: the fixtures other tests and the benchmarks use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runWorkflow } from '../run.mjs';
import { workflow } from './util.mjs';

test('noop outputs {} and touches nothing else', async () => {
  const r = await runWorkflow(workflow('noop'), { input: '{"url": "https://example.com"}' });
  assert.equal(r.status, 'completed');
  assert.equal(r.output, '{}');
  assert.deepEqual(r.journal, []);
});

test('echo outputs its input byte for byte', async () => {
  const inputs = ['', '{"url": "https://example.com"}', 'héllo wörld ✓', new Uint8Array([0, 0xff, 0xfe, 0x80, 10]), 'x'.repeat(1 << 20)];
  for (const input of inputs) {
    const r = await runWorkflow(workflow('echo'), { input });
    assert.equal(r.status, 'completed', r.error);
    const expected = typeof input === 'string' ? new TextEncoder().encode(input) : input;
    assert.deepEqual(new Uint8Array(r.outputBytes), expected);
  }
});

test('an output over 1 MiB fails the run', async () => {
  const r = await runWorkflow(workflow('echo'), { input: 'x'.repeat((1 << 20) + 1) });
  assert.equal(r.status, 'failed');
  assert.equal(r.error, 'output exceeds 1048576 bytes');
});

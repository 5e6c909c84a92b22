// Runs the kernels of kernel.wasm under Node.js (V8) with the protocol of the Java harness
// (src/bench/java/io/mvmci/workflow/ComputeBench.java): per kernel, `warmup` calls, then
// `measured` calls, each timed; prints one JSON object with every call's time in ms.
//
// usage: node run-node.mjs kernel.wasm warmup measured name=rounds [name=rounds ...]
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const [file, warmup, measured, ...kernels] = process.argv.slice(2);
const { instance } = await WebAssembly.instantiate(readFileSync(file), {});
const result = {};
for (const spec of kernels) {
  const [name, rounds] = spec.split('=');
  const fn = instance.exports[name];
  let checksum = 0;
  for (let i = 0; i < Number(warmup); i++) checksum = fn(Number(rounds)) >>> 0;
  const times = [];
  for (let i = 0; i < Number(measured); i++) {
    const start = performance.now();
    checksum = fn(Number(rounds)) >>> 0;
    times.push(performance.now() - start);
  }
  result[name] = { rounds: Number(rounds), checksum, times_ms: times };
}
console.log(JSON.stringify(result));

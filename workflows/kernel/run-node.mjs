// Runs the kernels of kernel.wasm under Node.js (V8) with the protocol of the Java harness
// (src/bench/java/io/mvmci/workflow/ComputeBench.java): per kernel, `warmup` calls, then
// `measured` calls, each timed in wall-clock and CPU time (the process's, user + system);
// prints one JSON object with every call's times in ms.
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
  const cpu = [];
  for (let i = 0; i < Number(measured); i++) {
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    checksum = fn(Number(rounds)) >>> 0;
    times.push(performance.now() - start);
    const used = process.cpuUsage(cpuStart);
    cpu.push((used.user + used.system) / 1000);
  }
  result[name] = { rounds: Number(rounds), checksum, times_ms: times, cpu_ms: cpu };
}
console.log(JSON.stringify(result));

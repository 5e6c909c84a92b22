// The mvm-ci side of scripts/bench-steps.sh, the twin of Restate's load.js in ../shared/peers/restate:
// the same Node.js fetch client, the same output. JOBS jobs of the `steps` workflow (STEPS durable
// steps each), CONCURRENCY at a time, the clients spread over the nodes. Each job is one request, as a
// Restate ingress call is: POST /api/v1/jobs?wait_ms= answers once the job has finished (a job still
// running when the wait runs out is awaited with GET /api/v1/jobs/{id}?wait_ms=).
//
//   node steps-load.js URL[,URL...] STEPS JOBS CONCURRENCY
const [urls, nSteps, jobs, conc] = [process.argv[2].split(","), +process.argv[3], +process.argv[4], +process.argv[5]];
const WAIT_MS = 30000;
let next = 0, done = 0; const lat = [];

async function json(r, what) {
  const body = await r.text();
  if (!r.ok) throw new Error(`${what} answered ${r.status}: ${body}`);
  return JSON.parse(body);
}

async function worker(base) {
  while (next < jobs) {
    next++;
    const t0 = performance.now();
    let job = await json(await fetch(`${base}/api/v1/jobs?wait_ms=${WAIT_MS}`, {
      method: "POST", headers: { "content-type": "application/json" },
      body: JSON.stringify({ workflow: "steps", max_attempts: 1, input: { steps: nSteps } }),
    }), "submit");
    while (job.status !== "Completed") {
      if (job.status === "Failed" || job.status === "Cancelled") throw new Error(`${job.job_id} did not complete: ${JSON.stringify(job)}`);
      job = await json(await fetch(`${base}/api/v1/jobs/${job.job_id}?wait_ms=${WAIT_MS}`), "wait");
    }
    lat.push(performance.now() - t0); done++;
  }
}

(async () => {
  const t0 = performance.now();
  await Promise.all(Array.from({ length: conc }, (_, c) => worker(urls[c % urls.length])));
  const s = (performance.now() - t0) / 1000;
  lat.sort((a, b) => a - b);
  console.log(JSON.stringify({ jobs: done, steps: nSteps, conc, secs: +s.toFixed(2), jobs_per_s: +(done / s).toFixed(1), steps_per_s: +(done * nSteps / s).toFixed(1), p50_ms: +lat[Math.floor(lat.length * 0.5)].toFixed(2), p99_ms: +lat[Math.floor(lat.length * 0.99)].toFixed(2) }));
})().catch((e) => { console.error(e.message); process.exit(1); });

// The durable-timer twin of workflows/testing/waits {"sleep": N}, for Restate: a handler that reads the
// journaled time, sleeps with ctx.sleep (a durable timer: Restate suspends the invocation and its
// timer service wakes it) and answers how late it woke (ms past the due time).
//   PORT=9081 node restate-timers.js serve          the service (register it with Restate's admin API)
//   node restate-timers.js load URL N SLEEP_MS RATE  N invocations at RATE per second -> one JSON line
if (!Promise.withResolvers) { Promise.withResolvers = function () { let resolve, reject; const promise = new Promise((a, b) => { resolve = a; reject = b; }); return { promise, resolve, reject }; }; }
const [mode, ...args] = process.argv.slice(2);
if (mode === "serve") {
  const restate = require("@restatedev/restate-sdk");
  const timers = restate.service({
    name: "timers",
    handlers: {
      sleep: async (ctx, ms) => {
        const t0 = await ctx.date.now();
        await ctx.sleep(ms);
        return Date.now() - (t0 + ms);
      },
    },
  });
  restate.endpoint().bind(timers).listen(parseInt(process.env.PORT || "9081"));
} else if (mode === "load") {
  const [url, n, sleepMs, rate] = [args[0], parseInt(args[1]), parseInt(args[2]), parseFloat(args[3])];
  const lags = [];
  const calls = [];
  (async () => {
    for (let i = 0; i < n; i++) {
      calls.push(fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: String(sleepMs) })
        .then((r) => r.json()).then((lag) => lags.push(lag)));
      await new Promise((r) => setTimeout(r, 1000 / rate));
    }
    await Promise.all(calls);
    lags.sort((a, b) => a - b);
    const q = (p) => lags[Math.min(lags.length - 1, Math.floor(lags.length * p))];
    console.log(JSON.stringify({ timers: lags.length, p50_ms: q(0.5), p99_ms: q(0.99), max_ms: lags[lags.length - 1] }));
  })();
} else {
  console.error("usage: restate-timers.js serve | load URL N SLEEP_MS RATE");
  process.exit(2);
}

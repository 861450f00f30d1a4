// Loaded with `node --expose-gc --import` by memory tests: a full collection every few
// milliseconds, so a process's peak RSS is what it holds, not the garbage V8 has not got to
// yet. Without it, the buffers of a 64 MB download that outlive two scavenges wait in the
// old generation for the next full collection, which V8 starts only after tens of MB of
// such external memory: +0 to +31 MB of peak RSS, varying from run to run. Every 20 ms
// leaves at most a megabyte or two uncollected at download speed (every 5 ms made the test
// twice as slow and no steadier: 10 runs each within 1 MB).
if (typeof globalThis.gc !== 'function') throw new Error('collect-garbage-often.mjs needs node --expose-gc');
setInterval(() => globalThis.gc(), 20).unref();

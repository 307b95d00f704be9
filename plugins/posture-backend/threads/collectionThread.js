// Entry of a collection worker thread. Plain JavaScript so that it loads without a transform; when
// the backend runs from its TypeScript sources (development, tests) it registers the same
// transform backstage-cli uses before loading the job module.
const os = require('node:os');
const { parentPort, workerData } = require('node:worker_threads');

// The collection yields the CPU to the backend's event loop, which serves every route of every plugin,
// whenever the two compete for a core. Linux keeps a niceness per thread, and setpriority() on "the
// calling process" (0) sets the calling thread's alone; elsewhere it would lower the whole backend, so
// only on Linux. Raising one's own niceness needs no privilege.
let priority;
if (process.platform === 'linux' && workerData.niceness) {
  try {
    // never higher than the backend's own (a backend already run at a lower priority stays there)
    os.setPriority(0, Math.max(os.getPriority(0), workerData.niceness));
    priority = os.getPriority(0);
  } catch {
    // not permitted here (a seccomp profile): the thread runs at the backend's priority
  }
}

if (workerData.transform) require(workerData.transform);
const { runClusterJob } = require(workerData.jobModule);
// loaded: the job's time limit starts now (compiling the sources in development can take seconds)
parentPort.postMessage({ ready: true, priority });

// the parent ends a run by terminating this thread; the signal only stops work between awaits
const controller = new AbortController();
// entities go back in chunks, each its own message, so the main thread never deserializes a large
// cluster's results in one piece; each chunk's results JSON moves as a transferred ArrayBuffer, not
// copied; the final message carries the rest of the result
runClusterJob(workerData.job, controller.signal, {
  onEntities: (entities, transfer) => parentPort.postMessage({ entities }, transfer),
}).then(
  result => parentPort.postMessage({ ok: true, result }),
  error =>
    parentPort.postMessage({
      ok: false,
      error: error instanceof Error ? error.message : String(error),
    }),
);

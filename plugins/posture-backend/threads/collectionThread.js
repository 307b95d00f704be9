// Entry of a collection worker thread. Plain JavaScript so that it loads without a transform; when
// the backend runs from its TypeScript sources (development, tests) it registers the same
// transform backstage-cli uses before loading the job module.
const { parentPort, workerData } = require('node:worker_threads');

if (workerData.transform) require(workerData.transform);
const { runClusterJob } = require(workerData.jobModule);
// loaded: the job's time limit starts now (compiling the sources in development can take seconds)
parentPort.postMessage({ ready: true });

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

import { join } from 'node:path';
import { ResourceLimits, Worker } from 'node:worker_threads';

/**
 * A worker thread running the module `name` of `directory` (the caller's own folder): the
 * compiled `.js` beside the caller when it runs from dist/, else the TypeScript source loaded
 * through tsx (jest, tsx).
 */
export function moduleWorker(
  directory: string,
  callerFile: string,
  name: string,
  workerData: unknown,
  resourceLimits?: ResourceLimits,
): Worker {
  if (callerFile.endsWith('.js')) return new Worker(join(directory, `${name}.js`), { workerData, resourceLimits });
  const source = join(directory, `${name}.ts`);
  return new Worker(`require('tsx/cjs'); require(${JSON.stringify(source)});`, {
    eval: true,
    workerData,
    resourceLimits,
  });
}

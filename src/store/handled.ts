/**
 * The promise, its failure counted as handled until the caller awaits it (and gets the failure
 * then): for work started now and awaited later, so a failure in between is not an unhandled
 * rejection that ends the process.
 */
export function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

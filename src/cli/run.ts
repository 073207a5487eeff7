import { main } from './main';

/**
 * Process entry: `bin/meisai` runs the compiled copy of this file. An error that escapes every
 * command (thrown in a callback, a promise nobody awaits) still ends in one plain line, exit 1,
 * never a stack trace.
 */
function failUnexpectedly(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  try {
    process.stderr.write(`meisai: unexpected failure: ${message.split(/\r?\n/).join('; ')}\n`);
  } finally {
    process.exit(1);
  }
}
process.on('uncaughtException', failUnexpectedly);
process.on('unhandledRejection', failUnexpectedly);

void main(process.argv).then((code) => {
  // An output that could not be written (set while the command ran) is not undone by its success.
  if (code !== 0 || process.exitCode === undefined || process.exitCode === 0) process.exitCode = code;
});

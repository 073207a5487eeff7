import { main } from './main';

/** Process entry: `bin/meisai` runs the compiled copy of this file. */
void main(process.argv).then((code) => {
  // An output that could not be written (set while the command ran) is not undone by its success.
  if (code !== 0 || process.exitCode === undefined || process.exitCode === 0) process.exitCode = code;
});

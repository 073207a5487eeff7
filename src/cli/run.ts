import { main } from './main';

/** Process entry: `bin/meisai` runs the compiled copy of this file. */
void main(process.argv).then((code) => {
  process.exitCode = code;
});

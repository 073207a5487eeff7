import { readSchema, SCHEMA_NAMES } from './referenceData';
import { writeValidator } from './precompiledValidators';

/** Run by `npm run build` after tsc: writes every schema's validator beside the compiled CLI (see precompiledValidators.ts). */
for (const name of SCHEMA_NAMES) writeValidator(name, readSchema(name));

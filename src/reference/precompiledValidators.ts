import Ajv, { ValidateFunction } from 'ajv';
import standaloneCode from 'ajv/dist/standalone';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * JSON-schema validators compiled once, at build time, instead of on every run.
 *
 * Compiling the reference schemas with Ajv costs about 130 ms of CPU, which every command that
 * reads the tariffs paid at start-up (a one-contract `statement` took 0.36 s, a third of it here).
 * `npm run build` writes each schema's validator as Ajv's standalone code beside the compiled
 * CLI (`dist/reference/validators/NAME.js`), stamped with the sha256 of the schema text it was
 * made from; a run uses it only while `schemas/NAME.schema.json` still has that text, and
 * compiles the schema itself otherwise (from src/ under the tests, or after a schema edit
 * without a build). Both give the same verdict and the same errors (precompiledValidators.test.ts).
 */

/** Where the build writes the validators: beside this module's compiled file. */
export const VALIDATORS_DIR = join(__dirname, 'validators');

export function schemaSha256(schemaText: string): string {
  return createHash('sha256').update(schemaText).digest('hex');
}

/** Ajv as every meisai validator uses it (all errors, strict schemas). */
export function compileSchema(
  schemaText: string,
  options: { source: boolean } = { source: false },
): { ajv: Ajv; validate: ValidateFunction } {
  const ajv = new Ajv({ allErrors: true, strict: true, code: { source: options.source } });
  return { ajv, validate: ajv.compile(JSON.parse(schemaText) as object) };
}

/** The validator the build wrote for exactly this schema text, or undefined (none written, or made from other text). */
export function precompiledValidator(
  name: string,
  schemaText: string,
  directory = VALIDATORS_DIR,
): ValidateFunction | undefined {
  const path = join(directory, `${name}.js`);
  if (!existsSync(path)) return undefined;
  // A module written by writeValidator below, loaded by path as the ingest worker is.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const validate = require(path) as ValidateFunction & { schemaSha256?: unknown };
  return validate.schemaSha256 === schemaSha256(schemaText) ? validate : undefined;
}

/** Writes the standalone validator of one schema, stamped with the schema text's sha256. */
export function writeValidator(name: string, schemaText: string, directory = VALIDATORS_DIR): void {
  const { ajv, validate } = compileSchema(schemaText, { source: true });
  mkdirSync(directory, { recursive: true });
  const code = `${standaloneCode(ajv, validate)}\nmodule.exports.schemaSha256 = ${JSON.stringify(schemaSha256(schemaText))};\n`;
  writeFileSync(join(directory, `${name}.js`), code);
}

import fc from 'fast-check';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCli, PROJECT } from '../test-support/builtCli';
import { compileSchema, precompiledValidator, writeValidator } from './precompiledValidators';
import { readSchema, SCHEMA_NAMES } from './referenceData';

/** Every JSON document (that parses) of the product's data and fixtures: valid for one schema, invalid for the others. */
function jsonDocuments(): unknown[] {
  const documents: unknown[] = [];
  const walk = (folder: string): void => {
    for (const name of readdirSync(folder)) {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.json')) {
        try {
          documents.push(JSON.parse(readFileSync(path, 'utf8')));
        } catch {
          // a fixture of broken JSON: nothing for a validator to see
        }
      }
    }
  };
  walk(join(PROJECT, 'data'));
  walk(join(PROJECT, 'fixtures'));
  return documents;
}

/** The document with the value at one path (chosen by `pick` among all paths) replaced. */
function replacedAt(document: unknown, pick: number, replacement: unknown): unknown {
  const paths: (string | number)[][] = [];
  const collect = (value: unknown, path: (string | number)[]): void => {
    paths.push(path);
    if (Array.isArray(value)) value.forEach((item, index) => collect(item, [...path, index]));
    else if (value !== null && typeof value === 'object')
      for (const [key, item] of Object.entries(value)) collect(item, [...path, key]);
  };
  collect(document, []);
  const path = paths[pick % paths.length]!;
  if (path.length === 0) return replacement;
  const copy = structuredClone(document) as Record<string | number, unknown>;
  let parent = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  parent[path[path.length - 1]!] = replacement;
  return copy;
}

describe('schema validators precompiled at build time', () => {
  let directory: string;
  beforeAll(() => {
    // Inside the project, as dist/ is, so the validators' require('ajv/dist/runtime/…') resolves.
    mkdirSync(join(PROJECT, 'node_modules', '.cache'), { recursive: true });
    directory = mkdtempSync(join(PROJECT, 'node_modules', '.cache', 'meisai-validators-'));
    for (const name of SCHEMA_NAMES) writeValidator(name, readSchema(name), directory);
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  const documents = jsonDocuments();

  it.each(SCHEMA_NAMES)('%s: gives the verdict and errors of a fresh compile for every data file', (name) => {
    const precompiled = precompiledValidator(name, readSchema(name), directory)!;
    const compiled = compileSchema(readSchema(name)).validate;
    expect(precompiled).toBeDefined();
    let valid = 0;
    for (const document of documents) {
      const verdict = precompiled(document);
      expect(verdict).toBe(compiled(document));
      expect(precompiled.errors ?? null).toEqual(compiled.errors ?? null);
      if (verdict) valid += 1;
    }
    // The statement schema has no data file; every other schema accepts at least its own.
    if (name !== 'statement') expect(valid).toBeGreaterThan(0);
  });

  it('agrees with a fresh compile on data files with any one value replaced', () => {
    const validators = SCHEMA_NAMES.map((name) => ({
      precompiled: precompiledValidator(name, readSchema(name), directory)!,
      compiled: compileSchema(readSchema(name)).validate,
    }));
    fc.assert(
      fc.property(
        fc.nat({ max: documents.length - 1 }),
        fc.nat(),
        fc.jsonValue({ maxDepth: 2 }),
        fc.nat({ max: validators.length - 1 }),
        (documentIndex, pick, replacement, validatorIndex) => {
          const document = replacedAt(documents[documentIndex], pick, replacement);
          const { precompiled, compiled } = validators[validatorIndex]!;
          expect(precompiled(document)).toBe(compiled(document));
          expect(precompiled.errors ?? null).toEqual(compiled.errors ?? null);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('is not used once the schema text differs from the text it was made from', () => {
    const edited = readSchema('issuer').replace('"type": "object"', '"type": "object" ');
    expect(edited).not.toBe(readSchema('issuer'));
    expect(precompiledValidator('issuer', edited, directory)).toBeUndefined();
  });

  it('is not used where none was written', () => {
    const empty = mkdtempSync(join(tmpdir(), 'meisai-no-validators-'));
    try {
      expect(precompiledValidator('tariff', readSchema('tariff'), empty)).toBeUndefined();
      writeFileSync(join(empty, 'tariff.js'), 'module.exports = () => true;\n');
      expect(precompiledValidator('tariff', readSchema('tariff'), empty)).toBeUndefined();
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('are written by the build for the schemas as they are, so bin/meisai uses them', () => {
    buildCli();
    for (const name of SCHEMA_NAMES)
      expect(
        precompiledValidator(name, readSchema(name), join(PROJECT, 'dist', 'reference', 'validators')),
      ).toBeDefined();
  }, 120_000);
});

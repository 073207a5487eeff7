import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ConfigurationError } from '../errors';
import { InputProfile, ProfileFile } from '../input/profile';
import { compileChecked, DEFAULT_DATA_DIR, jsonFilesIn, readValidated } from './referenceData';

const PROFILE_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

export function profilesDir(dataDir = process.env.MEISAI_DATA_DIR ?? DEFAULT_DATA_DIR): string {
  return join(dataDir, 'profiles');
}

/**
 * A profile by name (`data/profiles/NAME.json`) or by file path, validated against
 * schemas/input-profile.schema.json and checked (names the layout lacks, fields past the record).
 * Anything wrong is bad configuration (exit 2), before a file is read.
 */
export function loadProfile(nameOrPath: string, dataDir?: string): InputProfile {
  const byName = PROFILE_NAME.test(nameOrPath) && !existsSync(nameOrPath);
  const path = byName ? join(profilesDir(dataDir), `${nameOrPath}.json`) : nameOrPath;
  if (byName && !existsSync(path)) {
    const known = jsonFilesIn(profilesDir(dataDir)).map((file) => basename(file, '.json'));
    throw new ConfigurationError(
      `there is no profile ${nameOrPath} in ${profilesDir(dataDir)} (profiles: ${known.join(', ') || 'none'}); give a name or a file`,
    );
  }
  return loadProfileFile(path);
}

export function loadProfileFile(path: string): InputProfile {
  const file = readValidated<ProfileFile>(path, 'input-profile');
  return compileChecked(path, file, (valid) => new InputProfile(valid, path));
}

/** Every profile shipped in data/profiles, by file name. */
export function loadAllProfiles(dataDir?: string): InputProfile[] {
  return jsonFilesIn(profilesDir(dataDir)).map((path) => {
    const profile = loadProfileFile(path);
    if (basename(path, '.json') !== profile.id)
      throw new ConfigurationError(`${path}: its id is ${profile.id}; a profile's file is named after its id`);
    return profile;
  });
}

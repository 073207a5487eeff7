import { InputEncoding, LineFramer, RecordFramer } from '../input/csvRecords';
import { InputProfile } from '../input/profile';
import { profileFramer } from '../input/profileFramer';

/** What cuts the file into records: the canonical line framer, or the profile's layout (`--encoding` wins over its encoding). */
export function recordFramer(encoding: InputEncoding | undefined, profile: InputProfile | undefined): RecordFramer {
  return profile === undefined ? new LineFramer(encoding) : profileFramer(profile, encoding);
}

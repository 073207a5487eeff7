import { csvSplitter, InputEncoding, LineFramer, RecordFramer } from './csvRecords';
import { FixedWidthFramer } from './fixedRecords';
import { InputProfile } from './profile';

/** The framer of a profile's layout: lines of its CSV dialect, or fixed-width records; a forced encoding (`--encoding`) wins over the profile's. */
export function profileFramer(profile: InputProfile, encoding?: InputEncoding): RecordFramer {
  const layout = profile.layout;
  const forced = encoding ?? profile.encoding;
  if (layout.type === 'fixed') return new FixedWidthFramer(layout, forced);
  return new LineFramer(forced, csvSplitter(layout.delimiter, layout.quote));
}

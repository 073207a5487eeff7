import { heapFlagsToSet } from './heapBounds';

describe('heapFlagsToSet', () => {
  test('with no node flags from the user, bounds the old space to grow by half of what survived', () => {
    expect(heapFlagsToSet([])).toEqual(['--heap-growing-percent=50']);
  });

  test('leaves the flag the user gave node as given, in either spelling', () => {
    expect(heapFlagsToSet(['--heap-growing-percent=80'])).toEqual([]);
    expect(heapFlagsToSet(['--heap_growing_percent=30', '--enable-source-maps'])).toEqual([]);
  });

  test('sets it beside other node flags of the user, a young-generation size among them', () => {
    expect(heapFlagsToSet(['--max-semi-space-size=8', '--enable-source-maps'])).toEqual(['--heap-growing-percent=50']);
  });
});

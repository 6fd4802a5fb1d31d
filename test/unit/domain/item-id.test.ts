import { describe, expect, it } from 'vitest';
import { parseItemId } from '#shared/domain/item.ts';

describe('parseItemId', () => {
  it('splits an item id into its inspection and ref', () => {
    expect(parseItemId('sample-health-2024-r1.1.12.3')).toEqual({
      inspectionId: 'sample-health-2024-r1',
      ref: '1.12.3',
    });
  });

  it('refuses a ref with a leading zero or a zero, which would name an item twice', () => {
    expect(parseItemId('sample-health-2024-r1.01.1.2')).toBeUndefined();
    expect(parseItemId('sample-health-2024-r1.1.0.2')).toBeUndefined();
  });
});

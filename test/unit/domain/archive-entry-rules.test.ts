import { describe, expect, it } from 'vitest';
import { entryPath, MAX_SEGMENT_BYTES, safeSegment } from '#shared/domain/archive/entry-names.ts';

describe('safeSegment', () => {
  it.each([
    ['an empty name takes the default stand-in', '', '_'],
    ['a drive letter at the start is removed', 'C:报告.pdf', '报告.pdf'],
    ['a colon elsewhere is replaced, not a drive', 'aC:x', 'aC_x'],
    ['a digit before a colon is no drive letter', '1:x', '1_x'],
    ['every separator and character Windows refuses', 'a/b\\c:d*e?f"g<h>i|j', 'a_b_c_d_e_f_g_h_i_j'],
    ['all leading dots and spaces', ' ...隐藏', '隐藏'],
    ['all trailing dots and spaces', '报告 . .', '报告'],
    ['dots inside are kept', 'a.b.pdf', 'a.b.pdf'],
    ['a reserved device name is prefixed', 'CON', '_CON'],
    ['a reserved name with an extension too', 'com1.txt', '_com1.txt'],
    ['a name that only starts like one is not', 'console', 'console'],
    ['control and bidi characters are dropped', 'a\u0000b\u202ec\u0085d', 'abcd'],
    ['composed to NFC', 'e\u0301', '\u00e9'],
  ])('%s', (_case, text, safe) => {
    expect(safeSegment(text)).toBe(safe);
  });

  it('uses the given stand-in when nothing is left', () => {
    expect(safeSegment('. .', 'ev-1')).toBe('ev-1');
  });

  it('cuts at MAX_SEGMENT_BYTES of UTF-8 without splitting a character', () => {
    expect(MAX_SEGMENT_BYTES).toBe(150);
    expect(safeSegment('报'.repeat(60))).toBe('报'.repeat(50));
    expect(safeSegment(`a${'报'.repeat(60)}`)).toBe(`a${'报'.repeat(49)}`);
    expect(safeSegment('a'.repeat(150))).toBe('a'.repeat(150));
  });

  it('trims the dots and spaces a cut leaves at the end', () => {
    expect(safeSegment(`${'a'.repeat(147)}. .b`)).toBe('a'.repeat(147));
  });
});

describe('entryPath', () => {
  it('joins safe segments, a colon inside one included', () => {
    expect(entryPath('evidence', 'aC:x', '报告.pdf')).toBe('evidence/aC:x/报告.pdf');
  });

  it.each([[''], ['.'], ['..'], ['a/b'], ['a\\b'], ['a\u0001b'], ['C:x'], ['z:']])(
    'refuses the segment %j',
    (segment) => {
      expect(() => entryPath('evidence', segment)).toThrow(
        `unsafe archive entry segment: ${JSON.stringify(segment)}`,
      );
    },
  );
});

import { describe, expect, it } from 'vitest';
import { canonicalTimeZone, isCalendarDate, normaliseDateText } from '#shared/domain/plan/labels.ts';

/** The edges of the 台账 readers of dates and zones: what is still read, and what is left alone. */

describe('normaliseDateText at its edges', () => {
  // 64 characters is the longest text read; spaces inside collapse to one.
  const spaced = (length: number) => `2024${' '.repeat(length - 10)}-09-30`;

  it.each([
    ['a date with a time of day', '2024-09-30 23:59', '2024-09-30'],
    ['a date with a time and seconds', '2024/9/30 23:59:59', '2024-09-30'],
    ['a date followed by 以前 and a time', '2024年9月30日以前 8:00', '2024-09-30'],
    ['full-width digits', '２０２４年９月３０日', '2024-09-30'],
    ['several spaces between the parts', '2024年9月  30日', '2024-09-30'],
    ['text before the date', '约2024-09-30', '约2024-09-30'],
    ['text after the date', '2024-09-30左右', '2024-09-30左右'],
    ['a month end without 月', '2024-9底', '2024-09-30'],
    ['January’s end', '2024年1月底', '2024-01-31'],
    ['December’s end', '2024.12底前', '2024-12-31'],
    ['a month 0', '2024年0月底', '2024年0月底'],
    ['text before a month end', '约2024年9月底', '约2024年9月底'],
    ['text after a month end', '2024年9月底左右', '2024年9月底左右'],
    ['64 characters, the longest read', spaced(64), '2024-09-30'],
    ['65 characters: left as it is', spaced(65), spaced(65)],
    ['65 characters with blanks around: trimmed only', ` ${spaced(63)} `, spaced(63).trim()],
  ])('%s', (_case, text, normalised) => {
    expect(normaliseDateText(text)).toBe(normalised);
  });
});

describe('isCalendarDate', () => {
  it.each([
    ['2024-02-29', true],
    ['2023-02-29', false],
    ['2024-13-01', false],
    ['2024-9-30', false],
    [' 2024-09-30', false],
    ['2024-09-30 ', false],
    ['2024-09-300', false],
  ])('%j: %s', (text, valid) => {
    expect(isCalendarDate(text)).toBe(valid);
  });
});

describe('canonicalTimeZone at its edges', () => {
  it.each([
    [' Asia/Shanghai ', 'Asia/Shanghai'],
    [' +08:00', undefined],
    ['Etc/GMT+8', 'Etc/GMT+8'],
    ['-05:00', undefined],
    ['   ', undefined],
  ])('%j → %s', (zone, canonical) => {
    expect(canonicalTimeZone(zone)).toBe(canonical);
  });
});

import { describe, expect, it } from 'vitest';
import {
  canonicalTimeZone,
  normaliseDateText,
  parseDoneMark,
  parseOutcomeKind,
  parseStatusLabel,
} from '#shared/domain/plan/labels.ts';

describe('plan labels', () => {
  it.each([
    ['  正在整改 ', { status: 'in_progress', longTerm: false }],
    ['【已整改】长期坚持', { status: 'rectified', longTerm: true }],
    ['已整改并长期坚持', { status: 'rectified', longTerm: true }],
    ['长期坚持', { status: 'in_progress', longTerm: true }],
    ['Closed', { status: 'closed', longTerm: false }],
    ['整改中', { status: 'in_progress', longTerm: false }],
  ])('reads the status label "%s"', (label, expected) => {
    expect(parseStatusLabel(label)).toEqual(expected);
  });

  it.each(['', '完成了', '长期', 'done'])('does not guess the status label "%s"', (label) => {
    expect(parseStatusLabel(label)).toBeUndefined();
  });

  it.each([
    ['Regulation', 'regulation'],
    [' 惩处 ', 'punishment'],
    ['处分', 'punishment'],
    ['表扬', undefined],
  ])('reads the outcome kind "%s"', (label, kind) => {
    expect(parseOutcomeKind(label)).toBe(kind);
  });

  it.each([
    ['2024-9-3', '2024-09-03'],
    ['2024 年 9 月 3 日', '2024-09-03'],
    ['2024年12月底前', '2024-12-31'],
    ['2023年2月底', '2023-02-28'],
    ['2024年13月底', '2024年13月底'],
    ['  明年上半年 ', '明年上半年'],
  ])('normalises the date "%s" to "%s" (unrecognised text is left for validation)', (text, expected) => {
    expect(normaliseDateText(text)).toBe(expected);
  });

  it.each([
    ['✔', true],
    ['ｙｅｓ', true],
    ['✗', false],
    ['  ', false],
    ['maybe', undefined],
  ])('reads the done mark "%s"', (mark, done) => {
    expect(parseDoneMark(mark)).toBe(done);
  });

  it.each([
    ['Asia/Shanghai', 'Asia/Shanghai'],
    ['asia/shanghai', 'Asia/Shanghai'],
    ['PRC', 'Asia/Shanghai'],
    ['UTC', 'UTC'],
    ['+08:00', undefined],
    ['', undefined],
    ['Asia/Beijing', undefined],
  ])('knows the time zone "%s" as %s', (zone, canonical) => {
    expect(canonicalTimeZone(zone)).toBe(canonical);
  });
});

import { describe, expect, it } from 'vitest';
import { DIGEST_MAX_LINES, digestText, webhookPayload, webhookUrlProblem } from '#shared/domain/digest.ts';
import type { Notification } from '#shared/domain/notifications.ts';

describe('webhookUrlProblem', () => {
  const HTTPS_ONLY = 'must be https:// (http:// only to 127.0.0.1 or localhost)';
  it.each([
    ['https anywhere', 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k', undefined],
    ['http to 127.0.0.1', 'http://127.0.0.1:8080/hook', undefined],
    ['http to localhost', 'http://localhost/hook', undefined],
    ['http to [::1]', 'http://[::1]:9000/hook', undefined],
    ['http to a network host', 'http://oapi.dingtalk.com/robot/send', HTTPS_ONLY],
    ['http to a host named like loopback', 'http://127.0.0.1.example.com/hook', HTTPS_ONLY],
    ['another scheme to localhost', 'ftp://localhost/hook', HTTPS_ONLY],
    ['not a URL', 'hooks.slack.com/services/x', 'not a URL'],
  ])('%s', (_case, url, problem) => {
    expect(webhookUrlProblem(url)).toBe(problem);
  });
});

const notification = (n: number): Notification => ({
  notificationId: `${String(1_700_000_000_000 + n).padStart(13, '0')}-e${n}`,
  recipient: 'dept:基层卫生科',
  eventId: `e${n}`,
  detailType: 'ItemDueSoon',
  inspectionId: 'insp-2024',
  at: '2024-09-01T00:00:00.000Z',
  text: { 'zh-CN': `事项 ${n} 临期`, en: `Item ${n} due soon` },
});

describe('digestText', () => {
  const heading = { department: '基层卫生科', date: '2024-09-01' };

  it('titles the day’s digest and lists each notification oldest first, in zh-CN by default', () => {
    const digest = digestText([notification(2), notification(1)], heading);
    expect(digest).toEqual({
      title: '整改事项每日汇总 · 基层卫生科 · 2024-09-01（2 条）',
      lines: ['- 事项 1 临期', '- 事项 2 临期'],
    });
  });

  it('speaks English on request', () => {
    expect(digestText([notification(1)], heading, 'en')).toEqual({
      title: 'Daily rectification digest · 基层卫生科 · 2024-09-01 (1)',
      lines: ['- Item 1 due soon'],
    });
  });

  it('lists at most DIGEST_MAX_LINES and counts the rest', () => {
    const many = Array.from({ length: DIGEST_MAX_LINES + 2 }, (_, n) => notification(n));
    const zh = digestText(many, heading);
    expect(DIGEST_MAX_LINES).toBe(30);
    expect(zh.title).toBe('整改事项每日汇总 · 基层卫生科 · 2024-09-01（32 条）');
    expect(zh.lines).toHaveLength(31);
    expect(zh.lines.at(-2)).toBe('- 事项 29 临期');
    expect(zh.lines.at(-1)).toBe('…另有 2 条，请登录系统查看');
    expect(digestText(many, heading, 'en').lines.at(-1)).toBe('…and 2 more in the app');
  });

  it('adds no “more” line when exactly DIGEST_MAX_LINES fit', () => {
    const exactly = Array.from({ length: DIGEST_MAX_LINES }, (_, n) => notification(n));
    expect(digestText(exactly, heading).lines).toHaveLength(DIGEST_MAX_LINES);
  });
});

describe('webhookPayload', () => {
  const digest = { title: '整改事项每日汇总', lines: ['- 一', '- 二'] };
  it.each([
    ['wecom', { msgtype: 'markdown', markdown: { content: '**整改事项每日汇总**\n- 一\n- 二' } }],
    [
      'dingtalk',
      {
        msgtype: 'markdown',
        markdown: { title: '整改事项每日汇总', text: '**整改事项每日汇总**\n- 一\n- 二' },
      },
    ],
    ['slack', { text: '*整改事项每日汇总*\n- 一\n- 二' }],
  ] as const)('%s', (format, body) => {
    expect(webhookPayload(format, digest)).toEqual(body);
  });
});

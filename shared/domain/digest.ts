import type { Lang } from '#shared/i18n/lang.ts';
import type { Notification } from './notifications.ts';

/** Incoming-webhook dialects a department's chat can take. */
export const WEBHOOK_FORMATS = ['wecom', 'dingtalk', 'slack'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

/** A digest lists at most this many notifications; the rest are counted. */
export const DIGEST_MAX_LINES = 30;

/**
 * HTTPS only, except to this machine (the local runtime and tests run a receiver on 127.0.0.1):
 * a webhook URL carries its chat's key, so it never travels in clear over a network.
 */
export function webhookUrlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'not a URL';
  }
  if (parsed.protocol === 'https:') return undefined;
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname);
  if (parsed.protocol === 'http:' && loopback) return undefined;
  return 'must be https:// (http:// only to 127.0.0.1 or localhost)';
}

/** The day's digest of one inbox as text: a title and one line per notification, newest last. */
export function digestText(
  notifications: readonly Notification[],
  heading: { department: string; date: string },
  lang: Lang = 'zh-CN',
): { title: string; lines: string[] } {
  const ordered = [...notifications].sort((a, b) => (a.notificationId < b.notificationId ? -1 : 1));
  const shown = ordered.slice(0, DIGEST_MAX_LINES).map((notification) => `- ${notification.text[lang]}`);
  const more = ordered.length - shown.length;
  const title =
    lang === 'zh-CN'
      ? `整改事项每日汇总 · ${heading.department} · ${heading.date}（${ordered.length} 条）`
      : `Daily rectification digest · ${heading.department} · ${heading.date} (${ordered.length})`;
  if (more > 0)
    shown.push(lang === 'zh-CN' ? `…另有 ${more} 条，请登录系统查看` : `…and ${more} more in the app`);
  return { title, lines: shown };
}

/** The JSON body each webhook dialect expects. */
export function webhookPayload(format: WebhookFormat, digest: { title: string; lines: string[] }): unknown {
  const markdown = `**${digest.title}**\n${digest.lines.join('\n')}`;
  switch (format) {
    case 'wecom':
      return { msgtype: 'markdown', markdown: { content: markdown } };
    case 'dingtalk':
      return { msgtype: 'markdown', markdown: { title: digest.title, text: markdown } };
    case 'slack':
      return { text: `*${digest.title}*\n${digest.lines.join('\n')}` };
  }
}

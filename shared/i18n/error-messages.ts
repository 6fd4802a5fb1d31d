import type { ErrorCode, MessageParams } from '#shared/domain/errors.ts';
import type { Lang } from './lang.ts';

type Render = (p: MessageParams) => string;

/** The text of every error code, in both languages. */
const catalogue: Record<ErrorCode, Record<Lang, Render>> = {
  bad_request: {
    en: (p) => `Bad request: ${p.reason}`,
    'zh-CN': (p) => `请求有误：${p.reason}`,
  },
  validation_failed: {
    en: (p) => `The request is invalid (${p.count} problem(s)); see details.`,
    'zh-CN': (p) => `请求内容不符合要求（共 ${p.count} 处），详见 details。`,
  },
  unauthorized: {
    en: (p) => `Authentication required: ${p.reason}`,
    'zh-CN': (p) => `需要有效的登录凭证：${p.reason}`,
  },
  forbidden: {
    en: (p) => `You are not allowed to ${p.action}.`,
    'zh-CN': (p) => `无权执行此操作：${p.action}。`,
  },
  not_found: {
    en: (p) => `No ${p.resource} with id ${p.id}.`,
    'zh-CN': (p) => `未找到 ${p.resource}：${p.id}。`,
  },
  route_not_found: {
    en: (p) => `No route for ${p.method} ${p.path}.`,
    'zh-CN': (p) => `接口不存在：${p.method} ${p.path}。`,
  },
  method_not_allowed: {
    en: (p) => `${p.method} is not allowed on ${p.path}; allowed: ${p.allowed}.`,
    'zh-CN': (p) => `${p.path} 不支持 ${p.method} 方法，可用方法：${p.allowed}。`,
  },
  conflict: {
    en: (p) => `Conflict: ${p.reason}`,
    'zh-CN': (p) => `操作冲突：${p.reason}`,
  },
  already_exists: {
    en: (p) => `${p.resource} ${p.id} already exists.`,
    'zh-CN': (p) => `${p.resource} 已存在：${p.id}。`,
  },
  payload_too_large: {
    en: (p) => `The request body is larger than ${p.limit} bytes.`,
    'zh-CN': (p) => `请求内容超过 ${p.limit} 字节上限。`,
  },
  unsupported_media_type: {
    en: (p) => `Content-Type ${p.received} is not accepted; send ${p.expected}.`,
    'zh-CN': (p) => `不支持的 Content-Type：${p.received}，请使用 ${p.expected}。`,
  },
  unprocessable: {
    en: (p) => `${p.reason}`,
    'zh-CN': (p) => `${p.reasonZh ?? p.reason}`,
  },
  internal: {
    en: () => 'Internal error. The request id identifies it in the logs.',
    'zh-CN': () => '服务内部错误，请凭请求编号查询日志。',
  },
};

export function errorMessage(code: ErrorCode, params: MessageParams, lang: Lang): string {
  return catalogue[code][lang](params);
}

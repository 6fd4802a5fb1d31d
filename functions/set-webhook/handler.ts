import { WebhookRequest } from '#shared/api/schemas.ts';
import { webhookUrlProblem } from '#shared/domain/digest.ts';
import { NotFound, ValidationFailed } from '#shared/domain/errors.ts';
import { PLAN_LIMITS } from '#shared/domain/plan/json.ts';
import { parseJsonBody } from '#shared/http/body.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { webhookStore } from '#shared/store/webhook-store.ts';

/**
 * PUT /departments/{department}/webhook `{ url, format }` sets a department's digest webhook;
 * DELETE removes it (admins). The URL is never echoed back: it carries the chat's key.
 */
export const handler = httpHandler('setWebhook', async ({ event, principal, pathParameters }) => {
  const department = pathParameters.department ?? '';
  // A department is named as plans name it (责任科室): one line of at most PLAN_LIMITS.name.
  if (department.trim() === '' || department !== department.trim() || department.length > PLAN_LIMITS.name) {
    throw new ValidationFailed([
      {
        path: 'department',
        message: `department must be a name of 1–${PLAN_LIMITS.name} characters without surrounding spaces`,
        messageZh: `科室名称须为 1–${PLAN_LIMITS.name} 个字符，且首尾不含空格`,
      },
    ]);
  }
  if (event.requestContext.http.method === 'DELETE') {
    if (!(await webhookStore().remove(department))) throw new NotFound('webhook', department);
    return { status: 204 };
  }
  const { url, format } = parseJsonBody(event, WebhookRequest);
  const problem = webhookUrlProblem(url);
  if (problem) {
    throw new ValidationFailed([
      {
        path: 'url',
        message: `url ${problem}`,
        messageZh: `url 不可用：须为 https://（仅本机可用 http://）`,
      },
    ]);
  }
  const updatedAt = new Date().toISOString();
  await webhookStore().put({ department, url, format, updatedBy: principal.subject, updatedAt });
  return { status: 200, body: { department, format, updatedAt } };
});

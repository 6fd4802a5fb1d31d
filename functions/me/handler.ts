import { httpHandler } from '#shared/http/handler.ts';

/** GET /me — the caller as the verified token describes them. */
export const handler = httpHandler('me', async ({ principal }) => ({
  status: 200,
  body: {
    subject: principal.subject,
    name: principal.name,
    roles: principal.roles,
    department: principal.department ?? null,
    // Shown so a leader can check the id an admin gave them against the plan's responsibleLeaderId.
    ...(principal.leaderId ? { leaderId: principal.leaderId } : {}),
  },
}));

import { useState } from 'preact/hooks';
import { describedBy, Field } from '../components/ui.tsx';
import { type Lang, useLang, useT } from '../lib/i18n.tsx';

/**
 * The local stand-in for Cognito's sign-in, served only by `npm start`: pick a role, a 科室 and a
 * name, and the local runtime mints a dev token with those claims (local/console-server.ts).
 */
const ROLES = [
  ['admin', '管理员', 'Admin'],
  ['leader', '领导', 'Leader'],
  ['department', '科室', 'Department'],
  ['auditor', '审计', 'Auditor'],
] as const;

export function DevLogin({
  onToken,
  setLang,
}: {
  onToken: (token: string) => void;
  setLang: (lang: Lang) => void;
}) {
  const t = useT();
  const lang = useLang();
  const [role, setRole] = useState<(typeof ROLES)[number][0]>('department');
  const [department, setDepartment] = useState('');
  const [name, setName] = useState('');
  const [leaderId, setLeaderId] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (role === 'department' && !department.trim()) {
      setError(t('科室用户须填写科室', 'A department user needs a department'));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const response = await fetch('/__local/dev-token', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          role,
          ...(department.trim() ? { department: department.trim() } : {}),
          ...(name.trim() ? { name: name.trim() } : {}),
          ...(role === 'leader' && (leaderId.trim() || name.trim())
            ? { leaderId: leaderId.trim() || name.trim() }
            : {}),
        }),
      });
      const body = (await response.json()) as { token?: string; error?: { message: string } };
      if (!response.ok || !body.token) throw new Error(body.error?.message ?? response.statusText);
      onToken(body.token);
    } catch (failure) {
      setError(String((failure as Error).message));
      setBusy(false);
    }
  };

  return (
    <main id="main" class="login">
      <h1>{t('整改工作台', 'Rectify console')}</h1>
      <p class="muted">
        {t(
          '本地开发登录：选择角色、科室和姓名，获取开发令牌（仅 npm start 提供；云端使用 Cognito 登录）。',
          'Local dev login: choose a role, department and name to get a dev token (npm start only; the cloud signs in with Cognito).',
        )}
      </p>
      <form onSubmit={submit} class="card">
        <Field id="login-role" label={`角色${lang === 'en' ? ' (role)' : ''}`}>
          <select
            id="login-role"
            value={role}
            onChange={(e) => setRole((e.target as HTMLSelectElement).value as typeof role)}
          >
            {ROLES.map(([value, zh]) => (
              <option value={value} key={value}>
                {zh}
              </option>
            ))}
          </select>
        </Field>
        <Field id="login-dept" label={`科室${lang === 'en' ? ' (department)' : ''}`}>
          <input
            id="login-dept"
            value={department}
            autoComplete="organization"
            onInput={(e) => setDepartment((e.target as HTMLInputElement).value)}
          />
        </Field>
        <Field id="login-name" label={`姓名${lang === 'en' ? ' (name)' : ''}`}>
          <input
            id="login-name"
            value={name}
            autoComplete="name"
            onInput={(e) => setName((e.target as HTMLInputElement).value)}
          />
        </Field>
        {role === 'leader' && (
          // The plan's 责任领导编号; without one, items are matched by the leader's name.
          <Field
            id="login-leader"
            label={t('领导编号（可选）', 'Leader id (optional)')}
            hint={t(
              '留空时按上面填写的名字匹配所分管的事项',
              'Left empty, items are matched by the name above',
            )}
          >
            <input
              id="login-leader"
              value={leaderId}
              aria-describedby={describedBy('login-leader', undefined, 'hint')}
              onInput={(e) => setLeaderId((e.target as HTMLInputElement).value)}
            />
          </Field>
        )}
        {error && (
          <p class="notice error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          登录{lang === 'en' ? ' (sign in)' : ''}
        </button>
      </form>
      <p>
        <button type="button" class="link" onClick={() => setLang(lang === 'en' ? 'zh-CN' : 'en')}>
          {lang === 'en' ? '中文' : 'English'}
        </button>
      </p>
    </main>
  );
}

import { useState } from 'preact/hooks';
import { InputField, SelectField } from '../components/ui.tsx';
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

/** The typed claims: the field's id, its label (the zh-CN name is the contract's), what the browser may fill in. */
const TYPED = [
  ['department', 'login-dept', '科室', 'department', 'organization'],
  ['name', 'login-name', '姓名', 'name', 'name'],
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
  const [typed, setTyped] = useState({ department: '', name: '' });
  const department = typed.department.trim();
  const name = typed.name.trim();
  const [leaderId, setLeaderId] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (role === 'department' && !department) {
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
          ...(department ? { department } : {}),
          ...(name ? { name } : {}),
          ...(role === 'leader' && (leaderId.trim() || name) ? { leaderId: leaderId.trim() || name } : {}),
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
        <SelectField
          id="login-role"
          label={`角色${lang === 'en' ? ' (role)' : ''}`}
          value={role}
          onValue={(chosen) => setRole(chosen as typeof role)}
        >
          {ROLES.map(([value, zh]) => (
            <option value={value} key={value}>
              {zh}
            </option>
          ))}
        </SelectField>
        {TYPED.map(([claim, id, zh, en, autoComplete]) => (
          <InputField
            key={claim}
            id={id}
            label={`${zh}${lang === 'en' ? ` (${en})` : ''}`}
            value={typed[claim]}
            autoComplete={autoComplete}
            onValue={(value) => setTyped({ ...typed, [claim]: value })}
          />
        ))}
        {role === 'leader' && (
          // The plan's 责任领导编号; without one, items are matched by the leader's name.
          <InputField
            id="login-leader"
            label={t('领导编号（可选）', 'Leader id (optional)')}
            hint={t(
              '留空时按上面填写的名字匹配所分管的事项',
              'Left empty, items are matched by the name above',
            )}
            value={leaderId}
            onValue={setLeaderId}
          />
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

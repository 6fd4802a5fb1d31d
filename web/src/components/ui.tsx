import type {
  ComponentChildren,
  InputHTMLAttributes,
  LooseInputHTMLAttributes,
  SelectHTMLAttributes,
  TextareaHTMLAttributes,
} from 'preact';
import { ApiError, NetworkError } from '../api/client.ts';
import type { Item } from '../api/types.ts';
import { type Translate, useT } from '../lib/i18n.tsx';
import type { Loaded } from '../lib/use-load.ts';

/** An error as the user should read it: the server's own message (already in their language). */
export function errorText(error: unknown, t: Translate): string {
  if (error instanceof NetworkError)
    return t(
      '网络连接失败，请检查网络后重试（已填写的内容已保存）',
      'Network error: check the connection and retry (what you typed is kept)',
    );
  if (error instanceof ApiError) {
    if (error.status === 404) return t('未找到，或您无权查看', 'Not found, or not visible to you');
    return error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

export function ErrorNotice({ error }: { error: unknown }) {
  const t = useT();
  return (
    <p class="notice error" role="alert">
      {errorText(error, t)}
    </p>
  );
}

/** Renders a load's states: a spinner line, the error, or the children with the value. */
export function Async<T>({
  loaded,
  children,
}: {
  loaded: Loaded<T>;
  children: (value: T) => ComponentChildren;
}) {
  const t = useT();
  if (loaded.state === 'loading')
    return (
      <p class="muted" aria-busy="true">
        {t('加载中…', 'Loading…')}
      </p>
    );
  if (loaded.state === 'error') return <ErrorNotice error={loaded.error} />;
  return <>{children(loaded.value)}</>;
}

const LIGHT_TEXT = {
  red: ['红灯', 'Red'],
  yellow: ['黄灯', 'Amber'],
  green: ['绿灯', 'Green'],
} as const;

/** 红黄绿 as colour and as text: colour is never the only signal. */
export function Light({ light }: { light: Item['light'] }) {
  const t = useT();
  const [zh, en] = LIGHT_TEXT[light];
  return (
    <span class={`light light-${light}`}>
      <span class="dot" aria-hidden="true" />
      {t(zh, en)}
    </span>
  );
}

export function StatusBadge({ item }: { item: Pick<Item, 'status' | 'statusLabel'> }) {
  return <span class={`status status-${item.status}`}>{item.statusLabel}</span>;
}

/** A labelled control with its error under it, tied by aria-describedby. */
export function Field({
  id,
  label,
  error,
  hint,
  children,
}: {
  id: string;
  label: string;
  error?: string | undefined;
  hint?: string | undefined;
  children: ComponentChildren;
}) {
  return (
    <div class={`field${error ? ' invalid' : ''}`}>
      <label for={id}>{label}</label>
      {children}
      {hint && (
        <small id={`${id}-hint`} class="muted">
          {hint}
        </small>
      )}
      {error && (
        <small id={`${id}-error`} class="field-error" role="alert">
          {error}
        </small>
      )}
    </div>
  );
}

/** The aria-describedby of a Field's control. */
export const describedBy = (id: string, error?: string, hint?: string) =>
  [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;

/** A Field and its control in one: the label, hint and error, and the value it edits. */
interface Labelled {
  id: string;
  label: string;
  error?: string | undefined;
  hint?: string | undefined;
  value: string;
  /** Given the control's value at each input (each change, for a select). */
  onValue: (value: string) => void;
}

type Bound<Attributes> = Labelled & Omit<Attributes, keyof Labelled | 'children'>;

/** The control's own attributes, tied to its Field by id and aria-describedby. */
function bind<Attributes>({
  id,
  error,
  hint,
  value,
  label: _label,
  onValue: _onValue,
  ...own
}: Bound<Attributes>) {
  return { ...own, id, value, 'aria-describedby': describedBy(id, error, hint) };
}

export function InputField(props: Bound<LooseInputHTMLAttributes<HTMLInputElement>>) {
  return (
    <Field id={props.id} label={props.label} error={props.error} hint={props.hint}>
      <input
        // Preact types each input type apart; a type given at the call site is still a valid one.
        {...(bind(props) as InputHTMLAttributes<HTMLInputElement>)}
        onInput={(event) => props.onValue(event.currentTarget.value)}
      />
    </Field>
  );
}

export function TextareaField(props: Bound<TextareaHTMLAttributes<HTMLTextAreaElement>>) {
  return (
    <Field id={props.id} label={props.label} error={props.error} hint={props.hint}>
      <textarea {...bind(props)} onInput={(event) => props.onValue(event.currentTarget.value)} />
    </Field>
  );
}

export function SelectField({
  children,
  ...props
}: Bound<SelectHTMLAttributes<HTMLSelectElement>> & { children: ComponentChildren }) {
  return (
    <Field id={props.id} label={props.label} error={props.error} hint={props.hint}>
      <select {...bind(props)} onChange={(event) => props.onValue(event.currentTarget.value)}>
        {children}
      </select>
    </Field>
  );
}

export const STATUS_OPTIONS = [
  ['not_started', '未启动', 'Not started'],
  ['in_progress', '正在整改', 'In progress'],
  ['rectified', '已整改', 'Rectified'],
  ['closed', '已销号', 'Closed'],
] as const;

/**
 * A form's actions: its submit button (the primary one unless told otherwise), disabled while
 * the form is busy and then saying `busyLabel` if given, and what else belongs beside it.
 */
export function SubmitRow({
  busy,
  label,
  busyLabel,
  danger,
  plain,
  describedBy: described,
  children,
}: {
  busy: boolean;
  label: string;
  busyLabel?: string;
  danger?: boolean;
  plain?: boolean;
  describedBy?: string | undefined;
  children?: ComponentChildren;
}) {
  return (
    <div class="actions">
      <button
        type="submit"
        class={danger ? 'danger' : plain ? undefined : 'primary'}
        disabled={busy}
        aria-describedby={described}
      >
        {busy && busyLabel !== undefined ? busyLabel : label}
      </button>
      {children}
    </div>
  );
}

import { useRef, useState } from 'preact/hooks';
import { ApiError, NetworkError } from '../api/client.ts';
import type { ImportPreview, ImportRequest, ImportResult } from '../api/types.ts';
import { issuesOf, RoleGate, TableScroll, useKeyPerBody } from '../components/admin-common.tsx';
import {
  describedBy,
  ErrorNotice,
  errorText,
  Field,
  InputField,
  SelectField,
  TextareaField,
} from '../components/ui.tsx';
import { useDraft } from '../lib/drafts.ts';
import { type Translate, useLang, useT } from '../lib/i18n.tsx';
import { href, type Route } from '../lib/router.ts';
import { useSession } from '../lib/session.ts';
import { useSubmit } from '../lib/use-submit.ts';

/**
 * The ledger fields and the first name each goes by, as shared/domain/plan/spreadsheet.ts
 * (LEDGER_COLUMNS) and model.ts (LEDGER_FIELDS) define them. Copied, not imported: that module
 * reads workbooks and would pull its parser into the console.
 */
const LEDGER_FIELDS = [
  ['aspect', '方面', 'Aspect'],
  ['problem', '问题', 'Problem'],
  ['item', '具体表现', 'Item'],
  ['measure', '整改措施', 'Measure'],
  ['measureDone', '措施完成', 'Measure done'],
  ['status', '工作进展', 'Status'],
  ['leader', '责任领导', 'Responsible leader'],
  ['leaderId', '责任领导编号', 'Leader id'],
  ['dept', '责任科室', 'Department'],
  ['deadline', '完成时限', 'Deadline'],
  ['progress', '整改情况', 'Progress'],
  ['description', '情况说明', 'Description'],
] as const;

/** Inspection fields a spreadsheet may lack (a CSV has no 基本信息 sheet) or the form overrides. */
const INSPECTION_FIELDS = [
  ['title', '名称', 'Title', 'text'],
  ['inspectedUnit', '被巡察单位', 'Inspected unit', 'text'],
  ['inspectionGroup', '巡察组', 'Inspection group', 'text'],
  ['inspectionStart', '巡察开始', 'Inspection start', 'date'],
  ['inspectionEnd', '巡察结束', 'Inspection end', 'date'],
  ['feedbackDate', '反馈日期', 'Feedback date', 'date'],
  ['firstResponsible', '第一责任人', 'First responsible', 'text'],
  ['timezone', '时区', 'Time zone', 'text'],
  ['id', '编号', 'Id', 'text'],
] as const;
type InspectionKey = (typeof INSPECTION_FIELDS)[number][0];

/** Lambda takes 6 MB bodies and base64 adds a third: larger files would only be refused. */
const MAX_FILE_BYTES = 4.5 * 1024 * 1024;

type Loaded =
  | { kind: 'xlsx' | 'csv'; name: string; size: number; contentBase64: string }
  | { kind: 'json'; name: string; size: number; plan: unknown };

type PreviewBody = Omit<ImportRequest, 'replace' | 'withdrawReason'>;

export default function Page(_props: { route: Route }) {
  return (
    <RoleGate roles={['admin']}>
      <ImportDesk />
    </RoleGate>
  );
}

function ImportDesk() {
  const t = useT();
  const lang = useLang();
  const { api } = useSession();
  const [file, setFile] = useState<Loaded>();
  const [fileError, setFileError] = useState<string>();
  const [over, setOver] = useState(false);
  const [manual, setManual] = useState<Record<string, string>>({});
  const inspection = useDraft<Partial<Record<InspectionKey, string>>>('import.inspection', {});
  const options = useDraft<{ replace: boolean; withdrawReason: string }>('import.options', {
    replace: false,
    withdrawReason: '',
  });
  const [preview, setPreview] = useState<{ body: string; answer: ImportPreview }>();
  const [previewError, setPreviewError] = useState<unknown>();
  const [previewing, setPreviewing] = useState(false);
  const importing = useSubmit();
  const importError = importing.error;
  const [result, setResult] = useState<ImportResult>();
  const keys = useKeyPerBody();
  const sequence = useRef(0);

  const bodyOf = (
    loaded: Loaded,
    columns: Record<string, string>,
    fields: Partial<Record<InspectionKey, string>>,
  ): PreviewBody => {
    if (loaded.kind === 'json') return { plan: loaded.plan };
    const given = Object.fromEntries(
      Object.entries(fields).filter((entry): entry is [string, string] => Boolean(entry[1]?.trim())),
    );
    return {
      spreadsheet: {
        kind: loaded.kind,
        contentBase64: loaded.contentBase64,
        ...(Object.keys(given).length > 0 ? { inspection: given } : {}),
        ...(Object.keys(columns).length > 0 ? { columns } : {}),
      },
    };
  };

  async function runPreview(
    loaded: Loaded | undefined = file,
    columns = manual,
    fields = inspection.value,
    force = false,
  ): Promise<void> {
    if (!loaded) return;
    const body = bodyOf(loaded, columns, fields);
    // A field left without a change (blur on the way to 导入) must not re-read, nor hold the button.
    if (!force && preview?.body === JSON.stringify(body)) return;
    const run = ++sequence.current;
    setPreviewing(true);
    setPreviewError(undefined);
    try {
      const answer = await api.request<ImportPreview>('POST', '/inspections/import/preview', { body });
      if (run === sequence.current) setPreview({ body: JSON.stringify(body), answer });
    } catch (error) {
      if (run === sequence.current) {
        setPreview(undefined);
        setPreviewError(error);
      }
    } finally {
      if (run === sequence.current) setPreviewing(false);
    }
  }

  async function takeFile(picked: File | undefined) {
    setFileError(undefined);
    setResult(undefined);
    importing.reset();
    setPreview(undefined);
    setPreviewError(undefined);
    if (!picked) return;
    const extension = /\.([a-z]+)$/i.exec(picked.name)?.[1]?.toLowerCase();
    if (extension !== 'xlsx' && extension !== 'csv' && extension !== 'json') {
      setFile(undefined);
      setFileError(t('请选择 .xlsx、.csv 或 .json 文件', 'Choose an .xlsx, .csv or .json file'));
      return;
    }
    if (picked.size > MAX_FILE_BYTES) {
      setFile(undefined);
      setFileError(
        t(
          `文件过大（上限 4.5 MB），请拆分或删去无关的工作表`,
          'The file is too large (4.5 MB at most): split it or remove unrelated sheets',
        ),
      );
      return;
    }
    let loaded: Loaded;
    if (extension === 'json') {
      try {
        loaded = {
          kind: 'json',
          name: picked.name,
          size: picked.size,
          plan: JSON.parse(await picked.text()),
        };
      } catch (error) {
        setFile(undefined);
        setFileError(
          t(`不是有效的 JSON：${(error as Error).message}`, `Not valid JSON: ${(error as Error).message}`),
        );
        return;
      }
    } else {
      loaded = {
        kind: extension,
        name: picked.name,
        size: picked.size,
        contentBase64: await base64Of(picked),
      };
    }
    // Hand mappings belong to the file they were made for.
    setManual({});
    setFile(loaded);
    await runPreview(loaded, {}, inspection.value, true);
  }

  function mapColumn(field: string, header: string) {
    const next = { ...manual };
    if (header) next[field] = header;
    else delete next[field];
    setManual(next);
    void runPreview(file, next);
  }

  const currentBody = file ? JSON.stringify(bodyOf(file, manual, inspection.value)) : undefined;
  const fresh = preview !== undefined && preview.body === currentBody;
  const answer = preview?.answer;
  const canImport = fresh && answer?.ok === true && !importing.busy;
  const reasonMissing = options.value.replace && !options.value.withdrawReason.trim();
  const fieldErrors: Record<string, string> = {};
  if (answer && !answer.ok) {
    for (const error of answer.errors)
      fieldErrors[error.path] ??= lang === 'en' ? error.message : error.messageZh;
  }
  const importIssues = issuesOf(importError, lang !== 'en');
  const reasonError =
    importIssues.find((issue) => issue.path === 'withdrawReason')?.message ??
    (reasonMissing ? t('替换台账须填写撤回原因', 'A replace needs a reason') : undefined);

  function submitImport(event: Event) {
    event.preventDefault();
    if (!file || !canImport || reasonMissing) return;
    const body: ImportRequest = {
      ...bodyOf(file, manual, inspection.value),
      ...(options.value.replace
        ? { replace: true, withdrawReason: options.value.withdrawReason.trim() }
        : {}),
    };
    void importing.run(async () => {
      const imported = await api.request<ImportResult>('POST', '/inspections/import', {
        body,
        idempotencyKey: keys.keyFor(body),
      });
      keys.reset();
      setResult(imported);
      inspection.clear();
      options.clear();
    });
  }

  const spreadsheet = file?.kind !== 'json';
  return (
    <section class="admin-import">
      <h1>{t('导入台账', 'Import a plan')}</h1>
      <p class="muted">
        {t(
          '导入前先预览：所有错误都会标出所在的行和列，错误未改正前不会导入任何内容。',
          'Every file is previewed first: each error is shown at its row and column, and nothing is imported while errors remain.',
        )}
      </p>

      <h2>{t('1. 巡察信息', '1. The inspection')}</h2>
      <p class="muted">
        {t(
          'CSV 没有“基本信息”表，请在此填写；XLSX 的“基本信息”表已有的可留空，此处填写的优先。JSON 台账自带这些信息。',
          'A CSV has no 基本信息 sheet: fill these in. For an XLSX, leave blank what its 基本信息 sheet gives (what you type here wins). A JSON plan carries its own.',
        )}
      </p>
      <fieldset class="admin-grid" disabled={file?.kind === 'json'}>
        <legend>{t('巡察信息', 'Inspection')}</legend>
        {INSPECTION_FIELDS.map(([key, zh, en, type]) => {
          const id = `import-inspection-${key}`;
          const error = fieldErrors[`inspection.${key}`];
          return (
            <InputField
              key={key}
              id={id}
              label={t(zh, en)}
              error={error}
              hint={key === 'timezone' ? t('留空为 Asia/Shanghai', 'Asia/Shanghai when blank') : undefined}
              // Preact types each input type apart; the union of two is still a valid type.
              type={type as 'text'}
              value={inspection.value[key] ?? ''}
              aria-invalid={error ? true : undefined}
              onValue={(typed) => inspection.set({ ...inspection.value, [key]: typed })}
              // The preview re-reads when a field is committed (blur or Enter), not per keystroke.
              onChange={(e) =>
                void runPreview(file, manual, {
                  ...inspection.value,
                  [key]: (e.target as HTMLInputElement).value,
                })
              }
            />
          );
        })}
      </fieldset>

      <h2>{t('2. 选择台账文件', '2. The plan file')}</h2>
      {/* biome-ignore lint/a11y/noStaticElementInteractions: dropping is a mouse shortcut; the labelled file input inside is the way by keyboard. */}
      <div
        class={`drop${over ? ' over' : ''}`}
        onDragOver={(event) => {
          event.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(event) => {
          event.preventDefault();
          setOver(false);
          void takeFile(event.dataTransfer?.files[0]);
        }}
      >
        <Field
          id="import-file"
          label={t('台账文件', 'Plan file')}
          error={fileError}
          hint={t(
            '把文件拖到这里，或点击选择（.xlsx、.csv、.json）',
            'Drop the file here or choose it (.xlsx, .csv, .json)',
          )}
        >
          <input
            id="import-file"
            type="file"
            accept=".xlsx,.csv,.json,application/json,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            aria-describedby={describedBy('import-file', fileError, 'hint')}
            onChange={(e) => {
              const input = e.target as HTMLInputElement;
              void takeFile(input.files?.[0]);
            }}
          />
        </Field>
        {file && (
          <p>
            {t('已选择：', 'Chosen: ')}
            <strong>{file.name}</strong> ({(file.size / 1024).toFixed(1)} KiB)
          </p>
        )}
      </div>

      <h2>{t('3. 预览', '3. Preview')}</h2>
      {!file && (
        <p class="muted">{t('选择文件后在此显示预览。', 'The preview shows here once a file is chosen.')}</p>
      )}
      {previewing && (
        <p class="muted" aria-busy="true">
          {t('正在读取…', 'Reading…')}
        </p>
      )}
      {previewError !== undefined && <ErrorNotice error={previewError} />}
      <div aria-live="polite">
        {answer && file && (
          <PreviewView
            answer={answer}
            spreadsheet={spreadsheet}
            manual={manual}
            onMap={mapColumn}
            stale={!fresh}
            onRefresh={() => void runPreview(file, manual, inspection.value, true)}
          />
        )}
      </div>

      <h2>{t('4. 导入', '4. Import')}</h2>
      <form onSubmit={submitImport} class="admin-form">
        <div class="field check">
          <input
            id="import-replace"
            type="checkbox"
            checked={options.value.replace}
            onChange={(e) =>
              options.set({ ...options.value, replace: (e.target as HTMLInputElement).checked })
            }
          />
          <label for="import-replace">{t('替换已有台账', 'Replace the existing plan')}</label>
        </div>
        {options.value.replace && (
          <TextareaField
            id="import-reason"
            label={t('撤回原因', 'Reason for withdrawing')}
            hint={t(
              '新台账中没有的事项将被撤回（保留历史），须说明原因。',
              'Items the new plan leaves out are withdrawn (their history is kept): say why.',
            )}
            error={reasonError}
            required
            value={options.value.withdrawReason}
            onValue={(withdrawReason) => options.set({ ...options.value, withdrawReason })}
          />
        )}
        {!canImport && file && !previewing && (
          <p class="muted" id="import-why">
            {answer && !answer.ok
              ? t('请先改正预览中的全部错误。', 'Fix every error in the preview first.')
              : !fresh
                ? t('内容已更改，请先更新预览。', 'Something changed: refresh the preview first.')
                : ''}
          </p>
        )}
        <div class="actions">
          <button
            type="submit"
            class="primary"
            disabled={!canImport || reasonMissing}
            aria-describedby={!canImport && file ? 'import-why' : undefined}
          >
            {importing.busy ? t('正在导入…', 'Importing…') : t('导入', 'Import')}
          </button>
        </div>
        {importError !== undefined && <ImportFailure error={importError} issues={importIssues} t={t} />}
      </form>

      {result && (
        <div class="notice ok" role="status">
          <p>
            {result.replaced
              ? t(`已替换台账，共 ${result.itemCount} 项事项。`, `Plan replaced: ${result.itemCount} items.`)
              : t(`已导入 ${result.itemCount} 项事项。`, `Imported ${result.itemCount} items.`)}{' '}
            <a href={href('inspections', result.inspectionId, 'board')}>
              {t('打开整改看板', 'Open the board')}
            </a>
          </p>
          {result.columns && Object.keys(result.columns).length > 0 && (
            <>
              <p>{t('各字段读取自以下列：', 'Each field was read from:')}</p>
              <ul>
                {LEDGER_FIELDS.filter(([field]) => result.columns?.[field]).map(([field, zh, en]) => (
                  <li key={field}>
                    {t(zh, en)} ← {result.columns?.[field]}
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      )}
    </section>
  );
}

function ImportFailure({
  error,
  issues,
  t,
}: {
  error: unknown;
  issues: { path: string; message: string }[];
  t: Translate;
}) {
  const duplicate =
    error instanceof ApiError && error.status === 409 && error.code !== 'idempotency_in_progress';
  return (
    <div role="alert">
      <p class="notice error">
        {errorText(error, t)}
        {duplicate &&
          t(
            ' 如要用本文件替换已有台账，请勾选“替换已有台账”并说明撤回原因。',
            ' To replace the existing plan with this file, tick “Replace the existing plan” and give a reason.',
          )}
        {error instanceof NetworkError && t(' 可直接再次点击“导入”。', ' Press Import again to retry.')}
      </p>
      {issues.length > 0 && <ErrorTable errors={issues} t={t} />}
    </div>
  );
}

function PreviewView({
  answer,
  spreadsheet,
  manual,
  onMap,
  stale,
  onRefresh,
}: {
  answer: ImportPreview;
  spreadsheet: boolean;
  manual: Record<string, string>;
  onMap: (field: string, header: string) => void;
  stale: boolean;
  onRefresh: () => void;
}) {
  const t = useT();
  const lang = useLang();
  const headers = [...new Set(answer.header.filter((cell) => cell.trim() !== ''))];
  const read = LEDGER_FIELDS.filter(([field]) => answer.columns[field]);
  return (
    <div class="admin-preview">
      {stale && (
        <p class="notice">
          {t('巡察信息或列对应已更改，', 'The inspection fields or the mapping changed; ')}
          <button type="button" class="link" onClick={onRefresh}>
            {t('更新预览', 'refresh the preview')}
          </button>
        </p>
      )}
      {answer.ok ? (
        <>
          <p class="notice ok" role="status">
            {t('没有错误，可以导入：', 'No errors; ready to import: ')}
            {t(
              `${answer.counts.aspects} 个方面、${answer.counts.problems} 个问题、${answer.counts.items} 项事项、${answer.counts.measures} 条措施`,
              `${answer.counts.aspects} aspects, ${answer.counts.problems} problems, ${answer.counts.items} items, ${answer.counts.measures} measures`,
            )}
          </p>
          <h3>{t('巡察信息', 'Inspection')}</h3>
          <dl class="admin-pairs">
            {INSPECTION_FIELDS.filter(([key]) => answer.inspection[key] !== undefined).map(
              ([key, zh, en]) => (
                <div key={key}>
                  <dt>{t(zh, en)}</dt>
                  <dd>{String(answer.inspection[key])}</dd>
                </div>
              ),
            )}
          </dl>
        </>
      ) : (
        <>
          <p class="notice error" role="alert">
            {t(
              `发现 ${answer.errors.length} 处错误，改正前不会导入：`,
              `${answer.errors.length} errors; nothing is imported until they are fixed:`,
            )}
          </p>
          <ErrorTable
            errors={answer.errors.map((error) => ({
              path: error.path,
              message: lang === 'en' ? error.message : error.messageZh,
            }))}
            t={t}
          />
        </>
      )}

      {spreadsheet && headers.length > 0 && (
        <>
          <h3>{t('列对应', 'Columns')}</h3>
          <p class="muted">
            {t(
              '每个字段读取自哪一列；未识别的列可在此手动指定，修改后自动重新预览。',
              'The column each field is read from; map a column by hand when it is not recognised (the preview re-runs).',
            )}
          </p>
          <div class="admin-grid">
            {LEDGER_FIELDS.map(([field, zh, en]) => {
              const id = `import-column-${field}`;
              const error = answer.ok ? undefined : answer.errors.find((e) => e.path === `columns.${field}`);
              const errorMessage = error && (lang === 'en' ? error.message : error.messageZh);
              const value = manual[field] ?? answer.columns[field] ?? '';
              return (
                <SelectField
                  key={field}
                  id={id}
                  label={t(zh, en)}
                  error={errorMessage}
                  hint={manual[field] ? t('手动指定', 'Mapped by hand') : undefined}
                  value={value}
                  onValue={(header) => onMap(field, header)}
                >
                  <option value="">{t('（自动识别）', '(detect)')}</option>
                  {/* A hand mapping the header no longer has stays selectable, to be undone. */}
                  {[...headers, ...(value && !headers.includes(value) ? [value] : [])].map((header) => (
                    <option key={header} value={header}>
                      {header}
                    </option>
                  ))}
                </SelectField>
              );
            })}
          </div>
        </>
      )}

      {answer.ok && answer.sample.length > 0 && (
        <>
          <h3>{t('前几行（按读取结果）', 'The first rows, as read')}</h3>
          <TableScroll label={t('前几行', 'The first rows')}>
            <table>
              <thead>
                <tr>
                  {read.map(([field, zh, en]) => (
                    <th key={field} scope="col">
                      {t(zh, en)}
                      <br />
                      <small class="muted">← {answer.columns[field]}</small>
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {answer.sample.map((row, index) => (
                  <tr key={index}>
                    {read.map(([field]) => (
                      <td key={field}>{row[field] ?? ''}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        </>
      )}
    </div>
  );
}

const PLACE = /^(?:sheet (.+?), )?row (\d+)(?:, column (.+))?$/;

/** Errors at their place: sheet, row and column for a spreadsheet, the path otherwise. */
function ErrorTable({ errors, t }: { errors: { path: string; message: string }[]; t: Translate }) {
  return (
    <TableScroll label={t('错误', 'Errors')}>
      <table class="admin-errors">
        <thead>
          <tr>
            <th scope="col">{t('行', 'Row')}</th>
            <th scope="col">{t('列', 'Column')}</th>
            <th scope="col">{t('问题', 'Problem')}</th>
          </tr>
        </thead>
        <tbody>
          {errors.map((error, index) => {
            const place = PLACE.exec(error.path);
            return (
              <tr key={index}>
                {place ? (
                  <>
                    <td>
                      {place[1] ? t(`“${place[1]}”表 `, `sheet ${place[1]}, `) : ''}
                      {t(`第 ${place[2]} 行`, `row ${place[2]}`)}
                    </td>
                    <td>{place[3] ?? ''}</td>
                  </>
                ) : (
                  <td colSpan={2}>
                    <code>{error.path}</code>
                  </td>
                )}
                <td>{error.message}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </TableScroll>
  );
}

async function base64Of(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  // In slices: a spread of millions of arguments would overflow the call stack.
  for (let start = 0; start < bytes.length; start += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(start, start + 0x8000));
  }
  return btoa(binary);
}

import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, NetworkError, seg } from '../api/client.ts';
import type { Evidence, EvidenceRequest, EvidenceUpload as Opened } from '../api/types.ts';
import { formatBytes } from '../lib/format.ts';
import { type Translate, useLang, useT } from '../lib/i18n.tsx';
import { useSession } from '../lib/session.ts';
import { sha256File } from '../lib/sha256-stream.ts';
import { follow } from '../lib/use-load.ts';

type Phase = 'queued' | 'hashing' | 'opening' | 'uploading' | 'verifying' | 'stored' | 'rejected' | 'failed';

interface Upload {
  readonly id: string;
  readonly file: File;
  /** The Idempotency-Key of this file's POST /items/{id}/evidence: kept across retries. */
  readonly key: string;
  readonly phase: Phase;
  readonly hashed: number;
  readonly sent: number;
  readonly sha256?: string;
  readonly evidenceId?: string;
  readonly message?: string;
}

const POLL_EVERY_MS = 1_000;
const POLL_FOR_MS = 60_000;
/** Progress is redrawn at most this often: a 100 MiB file is ~1,600 chunks. */
const REDRAW_MS = 100;

class UploadRefused extends Error {}

/** Posts the presigned form: its fields first, the file last (S3 ignores fields after the file). */
function postForm(
  target: Opened['upload'],
  file: File,
  onProgress: (sent: number) => void,
  signal: AbortSignal,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    for (const [name, value] of Object.entries(target.fields)) form.append(name, value);
    form.append('file', file, file.name);
    const xhr = new XMLHttpRequest();
    xhr.open('POST', target.url);
    xhr.upload.onprogress = (event) => onProgress(event.loaded);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) resolve();
      else {
        // S3 answers in XML; its <Message> is the most useful part.
        const message = /<Message>([^<]*)<\/Message>/.exec(xhr.responseText)?.[1] ?? xhr.statusText;
        reject(new UploadRefused(`${xhr.status} ${message}`));
      }
    };
    xhr.onerror = () => reject(new NetworkError('upload failed'));
    xhr.onabort = () => reject(new DOMException('aborted', 'AbortError'));
    signal.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(form);
  });
}

/** A progress callback that redraws at most every REDRAW_MS. */
function throttled(draw: (done: number) => void): (done: number) => void {
  let drawn = 0;
  return (done) => {
    const now = performance.now();
    if (now - drawn >= REDRAW_MS) {
      drawn = now;
      draw(done);
    }
  };
}

function failure(error: unknown, t: Translate, lang: 'zh-CN' | 'en'): string {
  if (error instanceof NetworkError)
    return t(
      '网络连接失败，文件未上传完成。请检查网络后按“重试”。',
      'Network error: the file was not uploaded. Check the connection and press Retry.',
    );
  if (error instanceof UploadRefused)
    return t(
      `存储服务拒绝了上传（${error.message}），请重试。`,
      `Storage refused the upload (${error.message}); retry.`,
    );
  if (error instanceof ApiError) {
    const fields = Object.values(error.fieldErrors(lang));
    return fields.length ? fields.join(' ') : error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

const PHASE_TEXT: Record<Phase, [string, string]> = {
  queued: ['排队中', 'Queued'],
  hashing: ['正在计算SHA-256', 'Computing SHA-256'],
  opening: ['正在申请上传', 'Opening the upload'],
  uploading: ['正在上传', 'Uploading'],
  verifying: ['已上传，等待校验', 'Uploaded, waiting for verification'],
  stored: ['✓ 已校验入库', '✓ Verified and stored'],
  rejected: ['✗ 未通过校验', '✗ Rejected'],
  failed: ['✗ 未完成', '✗ Not finished'],
};

/**
 * 上传佐证材料: pick or drop files; each is hashed while read as a stream, declared to the API
 * (name, type, size, SHA-256), posted straight to storage with a progress bar, then watched
 * until the verifier stores or rejects it.
 */
export function EvidenceUploader({ itemId, onSettled }: { itemId: string; onSettled: () => void }) {
  const { api } = useSession();
  const t = useT();
  const lang = useLang();
  const [uploads, setUploads] = useState<readonly Upload[]>([]);
  const [over, setOver] = useState(false);
  const queue = useRef(Promise.resolve());
  const alive = useRef(new AbortController());
  useEffect(() => () => alive.current.abort(), []);

  const patch = (id: string, change: Partial<Upload>) =>
    setUploads((all) => all.map((upload) => (upload.id === id ? { ...upload, ...change } : upload)));

  async function run(upload: Upload) {
    const signal = alive.current.signal;
    const { id, file } = upload;
    try {
      let sha256 = upload.sha256;
      if (!sha256) {
        patch(id, { phase: 'hashing', hashed: 0, message: undefined });
        sha256 = await sha256File(
          file,
          throttled((hashed) => patch(id, { hashed })),
          signal,
        );
        patch(id, { sha256, hashed: file.size });
      }
      patch(id, { phase: 'opening', message: undefined });
      const body: EvidenceRequest = {
        fileName: file.name,
        contentType: file.type || 'application/octet-stream',
        size: file.size,
        sha256,
      };
      const opened = await api.request<Opened>('POST', `/items/${seg(itemId)}/evidence`, {
        body,
        idempotencyKey: upload.key,
        signal,
      });
      patch(id, { phase: 'uploading', sent: 0, evidenceId: opened.evidenceId });
      await postForm(
        opened.upload,
        file,
        throttled((sent) => patch(id, { sent })),
        signal,
      );
      patch(id, { phase: 'verifying', sent: file.size });
      const verdict = await follow(
        () => api.get<Evidence>(`/evidence/${seg(opened.evidenceId)}`, undefined, signal),
        {
          settled: (evidence) => evidence.state === 'stored' || evidence.state === 'rejected',
          everyMs: POLL_EVERY_MS,
          signal,
          waitFirst: true,
          forMs: POLL_FOR_MS,
        },
      );
      if (verdict?.state === 'stored') patch(id, { phase: 'stored' });
      else if (verdict)
        patch(id, { phase: 'rejected', message: verdict.rejection?.message ?? verdict.rejection?.detail });
      else
        patch(id, {
          message: t(
            '校验仍在进行，请稍后刷新页面查看结果。',
            'Verification is still running; reload the page later to see its verdict.',
          ),
        });
      onSettled();
    } catch (error) {
      if (signal.aborted) return;
      patch(id, { phase: 'failed', message: failure(error, t, lang) });
    }
  }

  function add(files: FileList | readonly File[] | null) {
    if (!files) return;
    const added = [...files].map(
      (file): Upload => ({
        id: crypto.randomUUID(),
        file,
        key: crypto.randomUUID(),
        phase: 'queued',
        hashed: 0,
        sent: 0,
      }),
    );
    if (added.length === 0) return;
    setUploads((all) => [...all, ...added]);
    // One file at a time: two cores of a phone hash and send one file faster than two at once.
    for (const upload of added) queue.current = queue.current.then(() => run(upload));
  }

  function retry(upload: Upload) {
    patch(upload.id, { phase: 'queued', message: undefined });
    queue.current = queue.current.then(() => run({ ...upload }));
  }

  return (
    <div class="evidence-upload">
      {/* biome-ignore lint/a11y/noStaticElementInteractions: dropping is a pointer shortcut; the labelled file input inside is the keyboard path */}
      <div
        class={`drop${over ? ' over' : ''}`}
        onDragOver={(event) => {
          event.preventDefault();
          if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(event) => {
          event.preventDefault();
          setOver(false);
          add(event.dataTransfer?.files ?? null);
        }}
      >
        <div class="field">
          <label for={`evidence-${itemId}`}>{t('上传佐证材料', 'Upload evidence')}</label>
          <input
            id={`evidence-${itemId}`}
            type="file"
            multiple
            aria-describedby={`evidence-${itemId}-hint`}
            onChange={(event) => {
              const input = event.currentTarget;
              add(input.files);
              // The same file can be picked again (after a failure, say).
              input.value = '';
            }}
          />
          <small id={`evidence-${itemId}-hint`} class="muted">
            {t(
              '可多选，也可将文件拖放到此框内。文件在本机计算SHA-256后直接上传至存储，由系统校验后入库。',
              'Pick several or drop files into this box. Each file is hashed (SHA-256) here, sent straight to storage and verified there.',
            )}
          </small>
        </div>
      </div>
      {uploads.length > 0 && (
        <ul class="uploads" aria-label={t('本次上传', 'Uploads')}>
          {uploads.map((upload) => (
            <UploadRow key={upload.id} upload={upload} onRetry={() => retry(upload)} />
          ))}
        </ul>
      )}
    </div>
  );
}

function UploadRow({ upload, onRetry }: { upload: Upload; onRetry: () => void }) {
  const t = useT();
  const { file, phase } = upload;
  const percent = (done: number) => (file.size ? Math.floor((done / file.size) * 100) : 100);
  const statusId = `upload-${upload.id}-status`;
  return (
    <li class={`upload upload-${phase}`}>
      <div>
        <strong>{file.name}</strong> <span class="muted">{formatBytes(file.size)}</span>
      </div>
      <div id={statusId} role="status">
        {t(...PHASE_TEXT[phase])}
        {phase === 'hashing' && ` ${percent(upload.hashed)}%`}
        {phase === 'uploading' && ` ${percent(upload.sent)}%`}
        {upload.message && <span class="upload-message"> — {upload.message}</span>}
      </div>
      {phase === 'hashing' && (
        <progress
          max={file.size || 1}
          value={upload.hashed}
          aria-label={t(`${file.name} 的SHA-256计算进度`, `SHA-256 of ${file.name}`)}
        />
      )}
      {phase === 'uploading' && (
        <progress
          max={file.size || 1}
          value={upload.sent}
          aria-label={t(`${file.name} 的上传进度`, `Upload of ${file.name}`)}
        />
      )}
      {upload.sha256 && <div class="hash">SHA-256 {upload.sha256}</div>}
      {phase === 'failed' && (
        <button type="button" onClick={onRetry} aria-describedby={statusId}>
          {t('重试', 'Retry')}
        </button>
      )}
    </li>
  );
}

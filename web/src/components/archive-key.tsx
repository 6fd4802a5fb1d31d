import type { PublicKey } from '../api/types.ts';
import { useT } from '../lib/i18n.tsx';
import { useSession } from '../lib/session.ts';
import { useLoad } from '../lib/use-load.ts';
import { Card } from './admin-common.tsx';
import { Async } from './ui.tsx';

/** The file name the page saves the key as, and the CLI instructions name. */
export const PUBLIC_KEY_FILE = 'rectify-archive-public-key.pem';

/**
 * A hex fingerprint in groups of four, four groups a line: short enough to read aloud over the
 * phone group by group ("第三组 7f2c") and to compare by eye.
 */
export function fingerprintLines(hex: string): string[][] {
  const groups = hex.toLowerCase().match(/.{1,4}/g) ?? [];
  const lines: string[][] = [];
  for (let i = 0; i < groups.length; i += 4) lines.push(groups.slice(i, i + 4));
  return lines;
}

/**
 * The signing public key's fingerprint, and why and how to check it out of band: this page comes
 * from the same server that signs the archives, so a tampered server could show a matching
 * tampered key. Only a fingerprint obtained another way (by phone, in person) makes a
 * verification mean something.
 */
export function ArchiveKey() {
  const { api } = useSession();
  const t = useT();
  const [loaded] = useLoad((signal) => api.get<PublicKey>('/archives/public-key', undefined, signal), []);
  return (
    <Card
      id="archive-key-title"
      title={t('签名公钥与离线核验', 'Signing key and offline verification')}
      kind="archive-key"
    >
      <Async loaded={loaded}>
        {(key) => (
          <>
            <dl class="fingerprint-box">
              <dt>{t('公钥指纹（SHA-256）', 'Key fingerprint (SHA-256)')}</dt>
              <dd class="fingerprint" data-fingerprint={key.publicKeySha256}>
                {fingerprintLines(key.publicKeySha256).map((line, row) => (
                  <span class="fp-line" key={row}>
                    <span class="fp-row" aria-hidden="true">
                      {row + 1}
                    </span>
                    {line.map((group, column) => (
                      <span class="fp-group" key={column}>
                        {group}{' '}
                      </span>
                    ))}
                  </span>
                ))}
              </dd>
            </dl>
            <p class="muted">
              {t('密钥', 'Key')} <span class="hash">{key.keyId}</span> · {key.algorithm}
            </p>
            <div class="notice warn">
              <p>
                <strong>
                  {t('先核对指纹，再相信核验结果。', 'Check the fingerprint before trusting a verification.')}
                </strong>
              </p>
              <p>
                {t(
                  '本页的指纹与证据包来自同一台服务器：服务器一旦被篡改，这里显示的指纹也可能被一并篡改。请通过电话或当面，向巡察整改办公室（本系统的管理单位）另行索取指纹，按每组 4 个字符逐组读出、逐组核对，全部一致后再使用下面的公钥。',
                  'This fingerprint comes from the same server as the archives: if the server were tampered with, so could the fingerprint shown here. Obtain the fingerprint separately — by phone or in person from the inspection office that runs this system — read it out four characters at a time, compare every group, and use the key below only when all match.',
                )}
              </p>
            </div>
            <h3>{t('离线核验步骤', 'Verify offline')}</h3>
            <ol class="steps">
              <li>
                {t('下载证据包（.zip）和公钥：', 'Download the archive (.zip) and the public key: ')}
                <a
                  href={`data:application/x-pem-file;charset=utf-8,${encodeURIComponent(key.publicKeyPem)}`}
                  download={PUBLIC_KEY_FILE}
                >
                  {t('下载公钥（PEM）', 'Download the public key (PEM)')}
                </a>
              </li>
              <li>
                {t(
                  '在自己的电脑上核对公钥文件的指纹与另行取得的指纹一致：',
                  'On your own computer, check that the key file’s fingerprint matches the one you obtained separately:',
                )}
                <pre class="command">
                  <code>{`openssl pkey -pubin -in ${PUBLIC_KEY_FILE} -outform DER | sha256sum`}</code>
                </pre>
              </li>
              <li>
                {t(
                  '在 Rectify 代码目录中运行核验命令（不联网、不信任服务器）：',
                  'In a copy of the Rectify code, run the verifier (offline; it trusts nothing the server says):',
                )}
                <pre class="command">
                  <code>{`npm run rectify -- verify <证据包.zip> --public-key ${PUBLIC_KEY_FILE}`}</code>
                </pre>
                {t(
                  '输出“核验通过：签名有效”且退出码为 0 才算通过；任何问题都会逐条列出并以退出码 1 结束。不给 --public-key 时不核验签名，不能证明证据包的真实性。',
                  'It passes only when it prints “Verified: the signature is valid” and exits 0; each problem is listed and it exits 1. Without --public-key the signature is not checked, which proves nothing about authenticity.',
                )}
              </li>
            </ol>
            <details>
              <summary>{t('查看公钥（PEM）', 'Show the public key (PEM)')}</summary>
              <pre class="command">
                <code>{key.publicKeyPem}</code>
              </pre>
            </details>
          </>
        )}
      </Async>
    </Card>
  );
}

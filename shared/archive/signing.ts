import { createHash, createPublicKey } from 'node:crypto';
import { GetPublicKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { signingKeys } from '#catalog/resources.ts';
import { requiredEnv } from '#shared/config.ts';
import type { ManifestSignature } from '#shared/domain/archive/manifest.ts';
import { traced } from '#shared/observability.ts';
import type { ManifestSigner } from './writer.ts';

/** One KMS client per execution environment (locally: the emulator's KMS, the same API). */
export const kms = traced(new KMSClient({}));

export function archiveSigningKeyId(): string {
  return requiredEnv(signingKeys.archiveSigning.envVar);
}

export interface PublicKeyView {
  readonly keyId: string;
  readonly algorithm: ManifestSignature['algorithm'];
  /** SubjectPublicKeyInfo, PEM: what `rectify verify --public-key` takes. */
  readonly publicKeyPem: string;
  /** SHA-256 of the DER, as manifest.sig names it. */
  readonly publicKeySha256: string;
}

let cached: Promise<PublicKeyView> | undefined;

/** The signing key's public half (read once per execution environment). */
export function archivePublicKey(): Promise<PublicKeyView> {
  cached ??= (async () => {
    const keyId = archiveSigningKeyId();
    const { PublicKey, KeyId } = await kms.send(new GetPublicKeyCommand({ KeyId: keyId }));
    if (!PublicKey) throw new Error(`KMS returned no public key for ${keyId}`);
    const der = Buffer.from(PublicKey);
    return {
      keyId: KeyId ?? keyId,
      algorithm: signingKeys.archiveSigning.signingAlgorithm,
      publicKeyPem: createPublicKey({ key: der, format: 'der', type: 'spki' })
        .export({ format: 'pem', type: 'spki' })
        .toString(),
      publicKeySha256: createHash('sha256').update(der).digest('hex'),
    };
  })();
  cached.catch(() => {
    cached = undefined;
  });
  return cached;
}

/** Signs manifests in KMS: the private key never leaves it; KMS is given the SHA-256 digest. */
export const kmsManifestSigner: ManifestSigner = async (manifest) => {
  const key = await archivePublicKey();
  const { Signature } = await kms.send(
    new SignCommand({
      KeyId: key.keyId,
      Message: createHash('sha256').update(manifest).digest(),
      MessageType: 'DIGEST',
      SigningAlgorithm: key.algorithm,
    }),
  );
  if (!Signature) throw new Error('KMS returned no signature');
  return {
    algorithm: key.algorithm,
    keyId: key.keyId,
    publicKeySha256: key.publicKeySha256,
    signature: Buffer.from(Signature).toString('base64'),
  };
};

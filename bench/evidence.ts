/**
 * Evidence verifier benchmark (`npm run bench:evidence`), against one moto emulator:
 *
 *  1. Throughput (MiB/s) of verifying 1, 10 and 100 MiB files (stream, SHA-256, size, sniff,
 *     decision transaction) vs the floor: a plain GetObject stream read of the same object in
 *     the same run. Target ratio ≥ 0.8.
 *  2. Peak RSS of a process that verifies one 10 MiB file vs one that verifies a 100 MiB file
 *     (each its own process, so peaks do not mix). Target: difference under 20 MiB.
 *
 * Files are generated (random bytes behind a PDF header) and put with the SDK; the verifier
 * runs in-process, as the Lambda handler calls it.
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { bootstrapResources, emulatorClientConfig, resourceEnvironment } from '#local/bootstrap.ts';
import { type Emulator, LOCAL_REGION, startEmulator } from '#local/emulator/index.ts';
import { configureFunctionEnvironment } from '#local/runtime.ts';
import { actorRef } from '#shared/domain/transitions.ts';
import { generatePlan } from '../test/fixtures/generate-plan.ts';

const MiB = 1024 * 1024;
const SIZES = [1, 10, 100];
const RUNS: Record<number, number> = { 1: 5, 10: 3, 100: 2 };

/** A pending evidence record and its object in uploads/, as after a real upload. */
async function prepare(s3: S3Client, bucket: string, itemRef: string, sizeMiB: number) {
  const { evidenceStore } = await import('#shared/store/evidence-store.ts');
  const bytes = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(sizeMiB * MiB - 9)]);
  const evidenceId = `ev-${randomUUID()}`;
  const [inspectionId, ...ref] = itemRef.split('.');
  await evidenceStore().create({
    evidenceId,
    itemId: itemRef,
    inspectionId: inspectionId ?? '',
    ref: ref.join('.'),
    fileName: 'bench.pdf',
    contentType: 'application/pdf',
    size: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    state: 'pending',
    objectKey: `uploads/${evidenceId}`,
    requestedBy: actorRef({ subject: 'bench', name: 'bench', roles: ['admin'] }),
    requestedAt: new Date().toISOString(),
  });
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `uploads/${evidenceId}`, Body: bytes }));
  return { key: `uploads/${evidenceId}`, size: bytes.length };
}

/** Child mode: verify one object and report this process's peak RSS in bytes. */
async function verifyOne(key: string) {
  const { verifyUploadedObject } = await import('#shared/services/evidence-verifier.ts');
  const { evidenceStore } = await import('#shared/store/evidence-store.ts');
  const { ledgerStore } = await import('#shared/store/ledger-store.ts');
  const state = await verifyUploadedObject({ ledger: ledgerStore(), evidence: evidenceStore() }, key);
  process.stdout.write(JSON.stringify({ state, maxRssBytes: process.resourceUsage().maxRSS * 1024 }));
}

async function main(emulator: Emulator) {
  const resources = await bootstrapResources(emulator, 'bench-evidence');
  configureFunctionEnvironment(emulator, resources);
  const s3 = new S3Client({ ...emulatorClientConfig(emulator), forcePathStyle: true });
  const bucket = resources.buckets.evidence.name;
  const { importPlan } = await import('#shared/services/imports.ts');
  const { ledgerStore } = await import('#shared/store/ledger-store.ts');
  const { verifyUploadedObject } = await import('#shared/services/evidence-verifier.ts');
  const { evidenceStore } = await import('#shared/store/evidence-store.ts');
  const admin = { subject: 'bench', name: 'bench', roles: ['admin'] as const };
  const { inspectionId } = await importPlan(ledgerStore(), admin, {
    plan: generatePlan({ items: 4, id: 'bench-evidence', status: '正在整改' }),
    replace: false,
  });
  const item = `${inspectionId}.1.1.1`;
  const stores = { ledger: ledgerStore(), evidence: evidenceStore() };

  console.log('size      verifier MiB/s   floor (GetObject) MiB/s   ratio');
  for (const sizeMiB of SIZES) {
    const verifier: number[] = [];
    const floor: number[] = [];
    for (let run = 0; run < RUNS[sizeMiB]!; run++) {
      const { key, size } = await prepare(s3, bucket, item, sizeMiB);
      let started = performance.now();
      const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      for await (const _chunk of object.Body as Readable) {
        // read and drop: the floor is moving the bytes
      }
      floor.push(size / MiB / ((performance.now() - started) / 1000));
      started = performance.now();
      const state = await verifyUploadedObject(stores, key);
      if (state !== 'stored') throw new Error(`verification ended ${state}`);
      verifier.push(size / MiB / ((performance.now() - started) / 1000));
    }
    const median = (values: number[]) =>
      [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
    console.log(
      `${`${sizeMiB} MiB`.padEnd(10)}${median(verifier).toFixed(1).padStart(14)}${median(floor).toFixed(1).padStart(26)}${(median(verifier) / median(floor)).toFixed(2).padStart(8)}   (median of ${RUNS[sizeMiB]}; target ≥ 0.8)`,
    );
  }

  const peaks: Record<number, number> = {};
  for (const sizeMiB of [10, 100]) {
    const { key } = await prepare(s3, bucket, item, sizeMiB);
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [import.meta.filename, '--verify-one', key],
      {
        env: { ...process.env, ...resourceEnvironment(resources), AWS_REGION: LOCAL_REGION },
        cwd: path.resolve(import.meta.dirname, '..'),
      },
    );
    const result = JSON.parse(stdout) as { state: string; maxRssBytes: number };
    if (result.state !== 'stored') throw new Error(`verification ended ${result.state}`);
    peaks[sizeMiB] = result.maxRssBytes / MiB;
  }
  console.log(
    `peak RSS: 10 MiB file ${peaks[10]?.toFixed(1)} MiB, 100 MiB file ${peaks[100]?.toFixed(1)} MiB, ` +
      `difference ${((peaks[100] ?? 0) - (peaks[10] ?? 0)).toFixed(1)} MiB (target < 20)`,
  );
  s3.destroy();
}

if (process.argv[2] === '--verify-one') {
  await verifyOne(process.argv[3] ?? '');
} else {
  const emulator = await startEmulator();
  try {
    await main(emulator);
  } finally {
    await emulator.stop();
  }
}

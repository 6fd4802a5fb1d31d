import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { functions } from '#catalog/functions.ts';
import { bootstrapResources, emulatorClientConfig, resourceEnvironment } from '#local/bootstrap.ts';
import { type Emulator, LOCAL_REGION } from '#local/emulator/index.ts';
import { configureFunctionEnvironment } from '#local/runtime.ts';
import { actorRef } from '#shared/domain/roles.ts';
import { generatePlan } from '../test/fixtures/generate-plan.ts';
import {
  type Figure,
  median,
  peakRssBytes,
  recordFigures,
  runMeasuredChild,
  withEmulator,
} from './measure.ts';

const MiB = 1024 * 1024;
const SIZES = [1, 10, 100];
const RUNS: Record<number, number> = { 1: 9, 10: 5, 100: 3 };

/** A pending evidence record and its object in uploads/, as after a real upload. */
async function prepare(s3: S3Client, bucket: string, itemRef: string, sizeMiB: number) {
  const { evidenceStore } = await import('#shared/store/evidence-store.ts');
  const { evidenceUploadKey } = await import('#shared/storage/evidence-objects.ts');
  const bytes = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(sizeMiB * MiB - 9)]);
  const evidenceId = `ev-${randomUUID()}`;
  const key = evidenceUploadKey(evidenceId);
  const [inspectionId, ...ref] = itemRef.split('.');
  // Hashing the bytes in memory: the part of the verifier's work that no read can avoid.
  const hashStarted = performance.now();
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const hashMs = performance.now() - hashStarted;
  await evidenceStore().create({
    evidenceId,
    itemId: itemRef,
    inspectionId: inspectionId ?? '',
    ref: ref.join('.'),
    fileName: 'bench.pdf',
    contentType: 'application/pdf',
    size: bytes.length,
    sha256,
    state: 'pending',
    objectKey: key,
    requestedBy: actorRef({ subject: 'bench', name: 'bench', roles: ['admin'] }),
    requestedAt: new Date().toISOString(),
  });
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes }));
  return { key, size: bytes.length, hashMs };
}

/** Child mode: verify one object and report this process's peak RSS in bytes. */
async function verifyOne(key: string) {
  const { verifyUploadedObject } = await import('#shared/services/evidence-verifier.ts');
  const { evidenceStore } = await import('#shared/store/evidence-store.ts');
  const { ledgerStore } = await import('#shared/store/ledger-store.ts');
  const state = await verifyUploadedObject({ ledger: ledgerStore(), evidence: evidenceStore() }, key);
  process.stdout.write(JSON.stringify({ state, maxRssBytes: peakRssBytes() }));
}

async function main(emulator: Emulator) {
  const resources = await bootstrapResources(emulator, 'bench-evidence');
  configureFunctionEnvironment(emulator, resources);
  const s3 = new S3Client({ ...emulatorClientConfig(emulator), forcePathStyle: true });
  const bucket = resources.buckets.evidence.name;
  const { importPlan } = await import('#shared/services/imports.ts');
  const { ledgerStore } = await import('#shared/store/ledger-store.ts');
  const { aggregateStore } = await import('#shared/store/aggregate-store.ts');
  const { verifyUploadedObject } = await import('#shared/services/evidence-verifier.ts');
  const { evidenceStore } = await import('#shared/store/evidence-store.ts');
  const admin = { subject: 'bench', name: 'bench', roles: ['admin'] as const };
  const { inspectionId } = await importPlan({ ledger: ledgerStore(), aggregates: aggregateStore() }, admin, {
    plan: generatePlan({ items: 4, id: 'bench-evidence', status: '正在整改' }),
    replace: false,
  });
  const item = `${inspectionId}.1.1.1`;
  const stores = { ledger: ledgerStore(), evidence: evidenceStore() };

  const { evidenceObjects } = await import('#shared/storage/evidence-objects.ts');
  const rate = (bytes: number, started: number) => bytes / MiB / ((performance.now() - started) / 1000);
  const figures: Figure[] = [];
  const ratioFigure = (figure: string, value: number): Figure => ({
    figure,
    value: Number(value.toFixed(2)),
    target: '≥ 0.8',
    met: value >= 0.8,
  });
  console.log(
    'size      floor MiB/s   streaming MiB/s  ratio   verification MiB/s  ratio   SHA-256 in memory (ms)   fixed cost (ms)',
  );
  for (const sizeMiB of SIZES) {
    const floor: number[] = [];
    const streaming: number[] = [];
    const whole: number[] = [];
    const fixedMs: number[] = [];
    const hashing: number[] = [];
    for (let run = 0; run < (RUNS[sizeMiB] ?? 1); run++) {
      const { key, size, hashMs } = await prepare(s3, bucket, item, sizeMiB);
      hashing.push(hashMs);
      const readPlain = async () => {
        const started = performance.now();
        const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        for await (const _chunk of object.Body as Readable) {
          // read and drop: the floor is moving the bytes
        }
        floor.push(rate(size, started));
      };
      let streamingMs = 0;
      const readMeasured = async () => {
        const started = performance.now();
        await evidenceObjects.measure({ key });
        streamingMs = performance.now() - started;
        streaming.push(rate(size, started));
      };
      // Alternate which read goes first, so that neither gains from the other warming the emulator.
      for (const read of run % 2 === 0 ? [readPlain, readMeasured] : [readMeasured, readPlain]) await read();
      const started = performance.now();
      const state = await verifyUploadedObject(stores, key);
      if (state !== 'stored') throw new Error(`verification ended ${state}`);
      whole.push(rate(size, started));
      fixedMs.push(performance.now() - started - streamingMs);
    }
    const [f, s, w] = [median(floor), median(streaming), median(whole)];
    console.log(
      `${`${sizeMiB} MiB`.padEnd(10)}${f.toFixed(1).padStart(11)}${s.toFixed(1).padStart(18)}${(s / f).toFixed(2).padStart(7)}` +
        `${w.toFixed(1).padStart(21)}${(w / f).toFixed(2).padStart(7)}` +
        `${median(hashing).toFixed(1).padStart(25)}${median(fixedMs).toFixed(1).padStart(18)}`,
    );
    figures.push(
      ratioFigure(`${sizeMiB} MiB: streaming / GetObject floor (MiB/s)`, s / f),
      ratioFigure(`${sizeMiB} MiB: verification / GetObject floor (MiB/s)`, w / f),
    );
  }
  console.log(
    `(medians of ${Object.values(RUNS).join('/')} runs; target ratio ≥ 0.8; fixed cost = verification − streaming time:` +
      ' the record reads and the decision transaction)',
  );

  const verifierOptions = [...(functions.verifyEvidence.nodeOptions ?? [])];
  for (const [label, flags] of [
    [`with ${verifierOptions.join(' ')} (the manifest's)`, verifierOptions],
    ['with Node defaults', []],
  ] as const) {
    const peaks: Record<number, number> = {};
    for (const sizeMiB of [10, 100]) {
      const { key } = await prepare(s3, bucket, item, sizeMiB);
      const result = await runMeasuredChild<{ state: string; maxRssBytes: number }>(
        import.meta.filename,
        flags,
        ['--verify-one', key],
        { ...resourceEnvironment(resources), AWS_REGION: LOCAL_REGION },
      );
      if (result.state !== 'stored') throw new Error(`verification ended ${result.state}`);
      peaks[sizeMiB] = result.maxRssBytes / MiB;
    }
    console.log(
      `peak RSS ${label}: 10 MiB file ${peaks[10]?.toFixed(1)} MiB, 100 MiB file ${peaks[100]?.toFixed(1)} MiB, ` +
        `difference ${((peaks[100] ?? 0) - (peaks[10] ?? 0)).toFixed(1)} MiB (target < 20)`,
    );
    const difference = (peaks[100] ?? Number.NaN) - (peaks[10] ?? Number.NaN);
    figures.push({
      figure: `peak RSS, 100 MiB file − 10 MiB file, ${flags.length > 0 ? flags.join(' ') : 'Node defaults'}`,
      value: Number(difference.toFixed(1)),
      unit: 'MiB',
      // The manifest's options are what the function runs with; Node's defaults are for comparison.
      ...(flags === verifierOptions ? { target: '< 20 MiB', met: difference < 20 } : { target: '—' }),
    });
  }
  recordFigures('evidence', figures);
  s3.destroy();
}

if (process.argv[2] === '--verify-one') {
  await verifyOne(process.argv[3] ?? '');
} else {
  await withEmulator(main);
}

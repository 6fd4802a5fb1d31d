import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
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
const FILES = Number(process.env.BENCH_ARCHIVE_FILES ?? 200);
const FILE_MIB = Number(process.env.BENCH_ARCHIVE_FILE_MIB ?? 5);
const SMALL_FILES = Number(process.env.BENCH_ARCHIVE_SMALL ?? 5000);
const RUNS = Number(process.env.BENCH_ARCHIVE_RUNS ?? 3);
const ADMIN = { subject: 'bench', name: 'bench', roles: ['admin'] as const };

interface ObjectRef {
  readonly key: string;
  readonly versionId?: string;
  readonly size: number;
}

/** Child: the builder, as the function runs it, on a fresh archive record. */
async function buildOne(inspectionId: string) {
  const { buildArchive } = await import('#shared/services/archive-builder.ts');
  const storage = await import('#shared/storage/archives.ts');
  const { kmsManifestSigner } = await import('#shared/archive/signing.ts');
  const { archiveStore } = await import('#shared/store/archive-store.ts');
  const stores = {
    ledger: (await import('#shared/store/ledger-store.ts')).ledgerStore(),
    evidence: (await import('#shared/store/evidence-store.ts')).evidenceStore(),
    chains: (await import('#shared/store/inspection-chain-store.ts')).inspectionChainStore(),
    summaries: (await import('#shared/store/summary-store.ts')).summaryStore(),
    archives: archiveStore(),
  };
  const archiveId = `a-${randomBytes(10).toString('hex')}`;
  await stores.archives.create({
    archiveId,
    inspectionId,
    filters: {},
    requestedBy: actorRef(ADMIN),
    requestedAt: new Date().toISOString(),
    status: 'queued',
    attempt: 0,
  });
  const started = performance.now();
  const outcome = await buildArchive(
    stores,
    {
      sign: kmsManifestSigner,
      openEvidence: (evidence) => storage.openEvidenceObject(evidence.objectKey, evidence.objectVersionId),
      upload: storage.uploadArchive,
      abortUploadsUnder: storage.abortUploadsUnder,
    },
    archiveId,
    { receiveCount: 1, maxReceives: 1 },
  );
  const ms = performance.now() - started;
  const record = await stores.archives.get(archiveId);
  if (outcome !== 'ready')
    throw new Error(`archive ${archiveId} ended ${outcome}: ${record?.failure?.reason}`);
  process.stdout.write(JSON.stringify({ ms, sizeBytes: record?.sizeBytes, maxRssBytes: peakRssBytes() }));
}

/** Child: the floor — the same objects' bytes, read in turn, into one multipart upload. */
async function floorOne(listFile: string) {
  const objects = JSON.parse(readFileSync(listFile, 'utf8')) as ObjectRef[];
  const storage = await import('#shared/storage/archives.ts');
  const body = new PassThrough();
  const started = performance.now();
  const upload = storage.uploadArchive(`bench/floor-${randomUUID()}.bin`, body);
  const feeding = (async () => {
    for (const object of objects) {
      const stream: Readable = await storage.openEvidenceObject(object.key, object.versionId);
      for await (const chunk of stream) {
        if (!body.write(chunk)) await new Promise((resolve) => body.once('drain', resolve));
      }
    }
    body.end();
  })();
  await Promise.all([feeding, upload.done()]);
  const ms = performance.now() - started;
  process.stdout.write(
    JSON.stringify({
      ms,
      sizeBytes: objects.reduce((sum, o) => sum + o.size, 0),
      maxRssBytes: peakRssBytes(),
    }),
  );
}

/** An inspection with `count` stored evidence files of `size` bytes, spread over its items. */
async function prepare(s3: S3Client, bucket: string, label: string, count: number, size: number) {
  const { importPlan } = await import('#shared/services/imports.ts');
  const { ledgerStore } = await import('#shared/store/ledger-store.ts');
  const { aggregateStore } = await import('#shared/store/aggregate-store.ts');
  const { evidenceStore } = await import('#shared/store/evidence-store.ts');
  const items = 20;
  const { inspectionId } = await importPlan({ ledger: ledgerStore(), aggregates: aggregateStore() }, ADMIN, {
    plan: generatePlan({ items, id: `bench-archive-${label}`, status: '正在整改' }),
    replace: false,
  });
  const inspection = await ledgerStore().getInspection(inspectionId);
  if (!inspection) throw new Error(`the import of ${inspectionId} is not visible`);
  const refs = (await ledgerStore().listItems(inspection)).map((item) => item.ref);
  const objects: ObjectRef[] = [];
  const started = performance.now();
  for (let start = 0; start < count; start += 8) {
    await Promise.all(
      Array.from({ length: Math.min(8, count - start) }, async (_, offset) => {
        const index = start + offset;
        const bytes = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(size - 9)]);
        const evidenceId = `ev-${randomUUID()}`;
        const key = `bench-evidence/${evidenceId}`;
        const { VersionId } = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes }));
        const ref = refs[index % refs.length] ?? '1.1.1';
        const at = new Date().toISOString();
        await evidenceStore().create({
          evidenceId,
          itemId: `${inspectionId}.${ref}`,
          inspectionId,
          ref,
          fileName: `证据-${index}.pdf`,
          contentType: 'application/pdf',
          size,
          sha256: createHash('sha256').update(bytes).digest('hex'),
          state: 'stored',
          objectKey: key,
          ...(VersionId ? { objectVersionId: VersionId } : {}),
          requestedBy: actorRef(ADMIN),
          requestedAt: at,
          storedAt: at,
        });
        objects[index] = { key, ...(VersionId ? { versionId: VersionId } : {}), size };
      }),
    );
  }
  const listFile = path.join(tmpdir(), `rectify-bench-archive-${label}-${process.pid}.json`);
  writeFileSync(listFile, JSON.stringify(objects));
  return { inspectionId, listFile, prepareMs: performance.now() - started };
}

async function main(emulator: Emulator) {
  const resources = await bootstrapResources(emulator, 'bench-archives');
  configureFunctionEnvironment(emulator, resources);
  const s3 = new S3Client({ ...emulatorClientConfig(emulator), forcePathStyle: true });
  const flags = [...(functions.buildArchive.nodeOptions ?? [])];
  const environment = { ...resourceEnvironment(resources), AWS_REGION: LOCAL_REGION };
  const child = (args: string[]) =>
    runMeasuredChild<{ ms: number; sizeBytes: number; maxRssBytes: number }>(
      import.meta.filename,
      flags,
      args,
      environment,
    );
  const cases = [
    { label: 'large', count: FILES, size: FILE_MIB * MiB },
    { label: 'small', count: SMALL_FILES, size: 10 * 1024 },
  ];
  console.log(
    `builder flags: ${flags.join(' ') || '(none)'}; ${RUNS} runs each, alternating; medians (min–max)`,
  );
  const figures: Figure[] = [];
  for (const { label, count, size } of cases) {
    if (count === 0) continue;
    const { inspectionId, listFile, prepareMs } = await prepare(
      s3,
      resources.buckets.evidence.name,
      label,
      count,
      size,
    );
    const floor: { ms: number; maxRssBytes: number; sizeBytes: number }[] = [];
    const build: { ms: number; maxRssBytes: number; sizeBytes: number }[] = [];
    for (let run = 0; run < RUNS; run++) {
      const order = run % 2 === 0 ? ['floor', 'build'] : ['build', 'floor'];
      for (const which of order) {
        if (which === 'floor') floor.push(await child(['--floor', listFile]));
        else build.push(await child(['--build', inspectionId]));
      }
    }
    const range = (values: number[], digits = 1) =>
      `${median(values).toFixed(digits)} (${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)})`;
    const totalMiB = (count * size) / MiB;
    const floorMs = floor.map((r) => r.ms);
    const buildMs = build.map((r) => r.ms);
    console.log(
      `\n${count} files × ${size >= MiB ? `${size / MiB} MiB` : `${size / 1024} KiB`} = ${totalMiB.toFixed(0)} MiB (setup ${(prepareMs / 1000).toFixed(0)} s)`,
    );
    console.log(
      `  floor   (GetObject → multipart): ${range(floorMs, 0)} ms, ${(totalMiB / (median(floorMs) / 1000)).toFixed(1)} MiB/s, peak RSS ${range(floor.map((r) => r.maxRssBytes / MiB))} MiB`,
    );
    console.log(
      `  builder (evidence → ZIP → multipart): ${range(buildMs, 0)} ms, ${(totalMiB / (median(buildMs) / 1000)).toFixed(1)} MiB/s, peak RSS ${range(build.map((r) => r.maxRssBytes / MiB))} MiB`,
    );
    console.log(
      `  throughput builder/floor: ${(median(floorMs) / median(buildMs)).toFixed(2)} (target ≥ 0.50); ` +
        `per file: builder ${(median(buildMs) / count).toFixed(2)} ms, floor ${(median(floorMs) / count).toFixed(2)} ms; ` +
        `archive ${(median(build.map((r) => r.sizeBytes)) / MiB).toFixed(1)} MiB; peak RSS target ≤ 256 MiB`,
    );
    const what = `${count} × ${size >= MiB ? `${size / MiB} MiB` : `${size / 1024} KiB`}`;
    const throughput = median(floorMs) / median(buildMs);
    const peakMiB = Math.max(...build.map((r) => r.maxRssBytes)) / MiB;
    figures.push(
      {
        figure: `${what}: throughput builder / floor`,
        value: Number(throughput.toFixed(2)),
        target: '≥ 0.50',
        met: throughput >= 0.5,
      },
      {
        figure: `${what}: builder peak RSS (highest run)`,
        value: Number(peakMiB.toFixed(1)),
        unit: 'MiB',
        target: '≤ 256 MiB',
        met: peakMiB <= 256,
      },
      {
        figure: `${what}: builder (median)`,
        value: Number((median(buildMs) / 1000).toFixed(1)),
        unit: 's',
        target: '—',
      },
    );
  }
  recordFigures('archives', figures);
  s3.destroy();
}

if (process.argv[2] === '--build') {
  await buildOne(process.argv[3] ?? '');
} else if (process.argv[2] === '--floor') {
  await floorOne(process.argv[3] ?? '');
} else {
  await withEmulator(main);
}

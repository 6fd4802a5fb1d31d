/**
 * Synthesis for the infra tests: in-process, into a temp dir, with cdk.json's context (so the
 * feature flags match `cdk synth`), and without bundling unless a test asks for it (esbuild is
 * the slow part and proves nothing about the template).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { App, type Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { projectContext } from '#infra/app.ts';

/** The parts of CDK's validation-report.json the tests read. */
export interface ValidationReport {
  pluginReports: {
    pluginName: string;
    violations: { ruleName: string; severity: string; violatingConstructs: { constructPath: string }[] }[];
    suppressedViolations?: {
      ruleName: string;
      acknowledgedId: string;
      acknowledgedAt: string;
      reason: string;
    }[];
  }[];
}

export interface Synthesis {
  readonly template: Template;
  readonly report: ValidationReport;
  /** What `app.synth()` threw: cdk-nag fails synthesis on an unacknowledged finding. */
  readonly synthError: unknown;
}

export interface NewAppOptions {
  /** Run esbuild for every function (default: no). */
  readonly bundle?: boolean;
  /**
   * CDK's built-in CloudFormation template checks (default: yes, as `cdk synth` does). They cost
   * about 4 s per process, so files that test something else turn them off.
   */
  readonly cloudFormationValidation?: boolean;
}

export async function newApp(context: Record<string, unknown>, options: NewAppOptions = {}): Promise<App> {
  const outdir = await mkdtemp(path.join(tmpdir(), 'rectify-infra-test-'));
  return new App({
    outdir,
    builtinCloudFormationValidation: options.cloudFormationValidation ?? true,
    context: {
      ...projectContext(),
      ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
      ...context,
    },
  });
}

/**
 * Synthesises the app once and reads the template and the validation report from disk. The
 * template is written before validation runs, so template assertions still report precisely
 * when cdk-nag fails the synthesis (Template.fromStack would re-run synth and throw instead).
 */
export async function synthesise(app: App, stack: Stack): Promise<Synthesis> {
  let synthError: unknown;
  try {
    app.synth();
  } catch (error) {
    synthError = error;
  }
  const read = async (file: string) => JSON.parse(await readFile(path.join(app.outdir, file), 'utf8'));
  return {
    template: Template.fromJSON(await read(stack.templateFile)),
    report: (await read('validation-report.json')) as ValidationReport,
    synthError,
  };
}

/**
 * Synthesises a bundling app and gives each Lambda function's bundle directory (index.mjs and its
 * map), found by the start of the function's logical id.
 */
export function bundledAssets(app: App, stack: Stack): (logicalIdStart: string) => string {
  const template = app.synth().getStackByName(stack.stackName).template as {
    Resources: Record<string, { Type: string; Metadata?: Record<string, string> }>;
  };
  return (logicalIdStart) => {
    const [, lambda] =
      Object.entries(template.Resources).find(
        ([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith(logicalIdStart),
      ) ?? [];
    return path.join(app.outdir, lambda?.Metadata?.['aws:asset:path'] ?? 'missing-asset');
  };
}

/**
 * Runs an ES module script in a fresh Node process, with none of this one's modules (only what a
 * bundle it imports holds) and only PATH, quiet Powertools and `env` in its environment. A failure
 * rejects with the last lines of its stderr, without the minified source lines Node prints above
 * a stack.
 */
export async function runInFreshProcess(
  script: string,
  env: Record<string, string>,
  options: { nodeOptions?: readonly string[]; timeoutMs?: number } = {},
): Promise<void> {
  await promisify(execFile)(
    process.execPath,
    [...(options.nodeOptions ?? []), '--input-type=module', '-e', script],
    {
      env: {
        PATH: process.env.PATH ?? '',
        POWERTOOLS_LOG_LEVEL: 'WARN',
        POWERTOOLS_METRICS_DISABLED: 'true',
        ...env,
      },
      timeout: options.timeoutMs ?? 60_000,
      maxBuffer: 64 * 1024 * 1024,
    },
  ).catch((error: { stderr?: string }) => {
    const lines = String(error.stderr ?? error).split('\n');
    throw new Error(
      `the bundled probe failed:\n${lines
        .filter((line) => line.length < 400)
        .slice(-15)
        .join('\n')}`,
    );
  });
}

export async function removeOutput(app: App | undefined): Promise<void> {
  if (app) await rm(app.outdir, { recursive: true, force: true });
}

/** Every `Validations.of(x).acknowledge()` in the app: where, which finding, and why. */
export function acknowledgementsIn(app: App): { path: string; id: string; reason: string }[] {
  return app.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          id,
          reason,
        })),
      ),
  );
}

/** Findings of any validation plugin (cdk-nag, CloudFormation's checks) nobody acknowledged. */
export function unacknowledgedFindings(report: ValidationReport): string[] {
  return report.pluginReports.flatMap((plugin) =>
    plugin.violations.flatMap((violation) =>
      violation.violatingConstructs.map(
        (construct) =>
          `${plugin.pluginName}: ${violation.severity} ${violation.ruleName} at ${construct.constructPath}`,
      ),
    ),
  );
}

/** Acknowledgements that suppressed no finding: left over from something since removed. */
export function staleAcknowledgements(app: App, report: ValidationReport): { path: string; id: string }[] {
  const used = new Set(
    report.pluginReports.flatMap((plugin) =>
      (plugin.suppressedViolations ?? []).map((s) => `${s.acknowledgedAt} ${s.acknowledgedId}`),
    ),
  );
  return acknowledgementsIn(app)
    .filter(({ path, id }) => !used.has(`${path} ${id}`))
    .map(({ path, id }) => ({ path, id }));
}

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';

/**
 * The independent readers report.docx is checked with: python-docx (Debian's, for /usr/bin/python3
 * — the python3 first on a developer's PATH may be another one without it) and LibreOffice
 * headless (PDF, and PNG of page 1, which needs the graphic filter that ships with Draw). As the
 * browser tests do with Chromium, what is missing is installed with apt-get once when the tests
 * run as root (CI, containers); anywhere else the tests that need it are skipped with the command
 * to run.
 */

export const PYTHON = process.env.RECTIFY_PYTHON ?? '/usr/bin/python3';

export interface DocumentReaders {
  /** PYTHON can `import docx`. */
  readonly pythonDocx: boolean;
  /** The soffice binary, when LibreOffice is installed. */
  readonly soffice: string | undefined;
  /** LibreOffice can write a PNG of a text document (its graphic export filter is installed). */
  readonly sofficePng: boolean;
  /** Why a reader is missing and how to install it, for skip messages. */
  readonly missing: string;
}

const SOFFICE_CANDIDATES = [
  process.env.RECTIFY_SOFFICE,
  '/usr/bin/soffice',
  '/usr/lib/libreoffice/program/soffice',
];

function findSoffice(): string | undefined {
  return SOFFICE_CANDIDATES.find((candidate): candidate is string =>
    Boolean(candidate && existsSync(candidate)),
  );
}

/** Writer's PNG export is the graphic filter library, which Debian puts in the Draw package. */
function hasPngExport(soffice: string | undefined): boolean {
  if (!soffice) return false;
  return existsSync(path.join(path.dirname(realpathSync(soffice)), 'libgraphicfilterlo.so'));
}

function hasPythonDocx(): boolean {
  return spawnSync(PYTHON, ['-c', 'import docx'], { stdio: 'ignore' }).status === 0;
}

function installed(pkg: string): boolean {
  return (
    // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own format syntax
    spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' }).stdout?.includes(
      'install ok installed',
    ) ?? false
  );
}

function probe(): DocumentReaders & { packages: string[] } {
  const soffice = findSoffice();
  const pythonDocx = hasPythonDocx();
  const sofficePng = hasPngExport(soffice);
  // A machine with the desktop LibreOffice gets Draw to match; otherwise the headless (nogui) build.
  const gui = installed('libreoffice-core');
  const packages = [
    ...(pythonDocx ? [] : ['python3-docx']),
    ...(soffice ? [] : [gui ? 'libreoffice-writer' : 'libreoffice-writer-nogui']),
    ...(sofficePng ? [] : [gui ? 'libreoffice-draw' : 'libreoffice-draw-nogui']),
  ];
  const missing =
    packages.length === 0
      ? ''
      : `missing ${packages.join(', ')}; install (as root): apt-get update && apt-get install -y ${packages.join(' ')}`;
  return { pythonDocx, soffice, sofficePng, missing, packages };
}

let readers: DocumentReaders | undefined;

/** The readers, installing what is missing once when that is possible (root with apt-get). */
export function ensureDocumentReaders(): DocumentReaders {
  if (readers) return readers;
  let found = probe();
  const canInstall =
    process.getuid?.() === 0 && spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
  if (found.packages.length > 0 && canInstall) {
    process.stdout.write(
      `document readers: installing ${found.packages.join(', ')} with apt-get (once per machine)…\n`,
    );
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    try {
      execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
      // Waits for the dpkg lock rather than failing when the browser tests' setup holds it.
      execFileSync(
        'apt-get',
        [
          'install',
          '-y',
          '-qq',
          '-o',
          'DPkg::Lock::Timeout=300',
          '--no-install-recommends',
          ...found.packages,
        ],
        {
          stdio: 'inherit',
          env,
        },
      );
    } catch (error) {
      process.stdout.write(
        `document readers: apt-get failed (${(error as Error).message}); the tests needing them are skipped\n`,
      );
    }
    found = probe();
  }
  const { packages: _, ...result } = found;
  readers = result;
  return readers;
}

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { CHROMIUM } from './browser.ts';

/**
 * The browser journeys need Debian's Chromium and CJK fonts (without them 汉字 render as boxes in
 * screenshots). As the emulator is installed where missing, these are installed with apt-get
 * where missing and the tests run as root (CI, containers); anywhere else the run stops here
 * with the command to run, instead of failing page by page.
 */
const PACKAGES = ['chromium', 'fonts-noto-cjk'] as const;

function installed(pkg: string): boolean {
  if (pkg === 'chromium') return existsSync(CHROMIUM);
  return (
    // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own format syntax
    spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' }).stdout?.includes(
      'install ok installed',
    ) ?? false
  );
}

export default function setup() {
  const missing = PACKAGES.filter((pkg) => !installed(pkg));
  if (missing.length === 0) return;
  const command = `apt-get update && apt-get install -y ${missing.join(' ')}`;
  const canInstall = process.getuid?.() === 0 && spawnSync('apt-get', ['--version']).status === 0;
  if (!canInstall) {
    throw new Error(
      `The browser tests need ${missing.join(' and ')}. Install them (as root): ${command}` +
        ' — or point RECTIFY_CHROMIUM at a Chromium binary.',
    );
  }
  process.stdout.write(`browser tests: installing ${missing.join(', ')} with apt-get (once per machine)…\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  // Waits for the dpkg lock rather than failing when the document readers' setup holds it.
  execFileSync(
    'apt-get',
    ['install', '-y', '-qq', '-o', 'DPkg::Lock::Timeout=300', '--no-install-recommends', ...missing],
    {
      stdio: 'inherit',
      env,
    },
  );
}

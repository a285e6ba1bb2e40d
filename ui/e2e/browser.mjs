// Debian's Chromium driven by playwright-core: no browser download (it cannot be fetched here),
// a fresh profile each run, and no background networking (this machine's network is closed).
import { chromium } from 'playwright-core';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CHROMIUM = process.env.CHROMIUM ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

export async function launch() {
  if (!CHROMIUM) throw new Error('no Chromium: install Debian\'s chromium (apt-get install chromium), as .ci/run does, or set CHROMIUM');
  return chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'sextant-e2e-')), {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

import { ensureDocumentReaders } from './document-readers.ts';

/**
 * The unit project's setup: python-docx and LibreOffice (the independent readers of report.docx)
 * are installed here, once, before any test file loads, where they are missing and the run may
 * install them; test/unit/report-docx.test.ts then only finds them (or skips, saying why).
 */
export default function setup() {
  const readers = ensureDocumentReaders();
  if (readers.missing) process.stdout.write(`document readers: ${readers.missing}\n`);
}

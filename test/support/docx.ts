import yauzl from 'yauzl';

/** Every entry of a ZIP package (a .docx) as text, by name. */
export async function unzip(bytes: Uint8Array): Promise<Map<string, string>> {
  const file = await yauzl.fromBufferPromise(Buffer.from(bytes), { lazyEntries: true });
  const entries = new Map<string, string>();
  for await (const entry of file.eachEntry()) {
    const chunks: Buffer[] = [];
    for await (const chunk of await file.openReadStreamPromise(entry)) chunks.push(chunk as Buffer);
    entries.set(entry.fileName, Buffer.concat(chunks).toString('utf8'));
  }
  return entries;
}

const unescapeXml = (text: string) =>
  text.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&quot;', '"').replaceAll('&amp;', '&');

/** The paragraphs of a .docx as text: word/document.xml's w:t runs, joined per w:p. */
export async function docxParagraphs(bytes: Uint8Array): Promise<string[]> {
  const xml = (await unzip(bytes)).get('word/document.xml');
  if (xml === undefined) throw new Error('no word/document.xml');
  return xml
    .split('</w:p>')
    .map((paragraph) =>
      unescapeXml([...paragraph.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('')),
    )
    .filter(Boolean);
}

/**
 * Text from outside — request bodies, spreadsheet cells — made safe to store, show and print.
 *
 * - Strings that are not well-formed Unicode (a lone UTF-16 surrogate, which JSON's \uD800 escape
 *   can carry) are refused, not repaired: they cannot be encoded as UTF-8 for storage, and a
 *   silently substituted U+FFFD would change what the person sent.
 * - Control characters (C0, DEL, C1) are removed: they are invisible in a 台账, and in a terminal
 *   ESC and CSI (U+009B) start escape sequences that can rewrite what is shown. Multi-line text
 *   (progress, descriptions, measures, notes) keeps line feeds and tabs; CR is dropped, so CRLF
 *   becomes LF.
 * - Bidirectional formatting characters are removed everywhere: the embeddings and overrides
 *   (U+202A–U+202E) and isolates (U+2066–U+2069) reorder how text is displayed ("Trojan Source"),
 *   and the invisible marks U+200E, U+200F and U+061C make two names that look identical differ
 *   (张三 and 张三 + U+200E would be two leaders). Chinese and English text never needs them.
 * - Single-line text (names, titles, codes) also turns line breaks and tabs into a space.
 */

/**
 * Control characters (\p{Cc}: C0, DEL, C1) but tab and line feed, and the bidi formatting
 * characters: removed from text that is stored, escaped in what the CLI prints.
 */
export const UNSAFE_CHARACTERS = /[[\p{Cc}--[\t\n]]\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/gv;
const LINE_BREAKS = /[\t\n\r\u2028\u2029]+/g;

/** False for a string holding a lone surrogate. */
export const isWellFormedText = (text: string): boolean => text.isWellFormed();

/** What a field that is not well-formed text is told, in both languages. */
export const MALFORMED_TEXT = {
  message: 'not well-formed Unicode text (it holds a lone surrogate)',
  messageZh: '不是有效的 Unicode 文本（含有不成对的代理项）',
} as const;

/** Multi-line text with control and bidi characters removed (line feeds and tabs kept). */
export function cleanMultiline(text: string): string {
  return text.replace(UNSAFE_CHARACTERS, '');
}

/** Single-line text: control and bidi characters removed, line breaks and tabs made spaces. */
export function cleanLine(text: string): string {
  return text.replace(LINE_BREAKS, ' ').replace(UNSAFE_CHARACTERS, '');
}

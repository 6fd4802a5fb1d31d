import * as z from 'zod/mini';
import { ITEM_STATUSES } from '#shared/domain/status.ts';
import { cleanLine, cleanMultiline, isWellFormedText, MALFORMED_TEXT } from '#shared/domain/text.ts';

/**
 * The checks every string a request carries goes through (schemas.ts's requestText applies the
 * same to its classic strings): refused unless it is well-formed Unicode (a lone surrogate cannot
 * be stored), then stripped of control and bidi characters (shared/domain/text.ts); `multiline`
 * keeps line feeds and tabs. Built with zod's mini checks, which classic schemas take too.
 */
export const requestTextChecks = (kind: 'line' | 'multiline' = 'line') =>
  [
    z.refine<string>(isWellFormedText, {
      message: `${MALFORMED_TEXT.message} / ${MALFORMED_TEXT.messageZh}`,
      abort: true,
    }),
    z.overwrite(kind === 'line' ? cleanLine : cleanMultiline),
  ] as const;

/**
 * The page query of the list reads, apart from schemas.ts (which re-exports it) and in zod's mini
 * build: a read that parses nothing else then bundles ~20 KB of zod instead of ~95 KB, and does
 * not evaluate every schema of the API when it starts. Same rules, issues and OpenAPI as the
 * classic schemas give (`next` is request text, at most 2,000 characters).
 */
const pageQuery = () =>
  z.strictObject({
    limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100)), 20),
    next: z
      .optional(z.string().check(...requestTextChecks(), z.maxLength(2000)))
      .register(z.globalRegistry, { description: 'The `next` of the previous page' }),
  });

export const SummaryListQuery = pageQuery();
export const ArchiveListQuery = pageQuery();

/**
 * The ledger read's query, here for the same reason: GET …/ledger parses nothing else. Same
 * rules, issues and OpenAPI as its classic form gave (`status` is a comma-separated list of
 * schemas.ts's ItemStatus values).
 */
export const LedgerQuery = z.strictObject({
  format: z._default(z.enum(['json', 'csv', 'xlsx']), 'json'),
  status: z
    .optional(
      z.pipe(
        z.pipe(
          z.string(),
          z.transform((value: string) => value.split(',')),
        ),
        z.array(z.enum(ITEM_STATUSES)),
      ),
    )
    .register(z.globalRegistry, { description: 'Comma-separated statuses' }),
  dept: z.optional(z.string().check(...requestTextChecks(), z.minLength(1))),
  overdue: z.optional(
    z.pipe(
      z.enum(['true', 'false']),
      z.transform((value: 'true' | 'false') => value === 'true'),
    ),
  ),
  lang: z.optional(z.enum(['zh-CN', 'en'])),
  generation: z
    .optional(z.string().check(z.regex(/^[a-z0-9]{1,40}$/, "an import id from the inspection's generations")))
    .register(z.globalRegistry, {
      description:
        "An earlier import generation to read (one of the inspection's `generations`); the current one otherwise",
    }),
});

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { EvidenceRequest, ProgressRequest, TransitionRequest } from '#shared/api/schemas.ts';
import { ValidationFailed } from '#shared/domain/errors.ts';
import { ledgerFromPlan } from '#shared/domain/ledger.ts';
import { parsePlanJson, parsePlanSpreadsheet } from '#shared/domain/plan/index.ts';
import type { Plan } from '#shared/domain/plan/model.ts';
import { cleanLine, cleanMultiline } from '#shared/domain/text.ts';
import type { ApiEvent } from '#shared/http/api-gateway.ts';
import { parseJsonBody } from '#shared/http/body.ts';
import { RouteTable } from '#shared/http/route-table.ts';
import { ledgerCsv } from '#shared/reports/ledger-export.ts';
import { ledgerTable, terminalText } from '../../cli/format.ts';
import { summaryTable } from '../../cli/summary.ts';
import { principals } from '../support/items.ts';

/** Text from outside: what is stored, what a spreadsheet runs, what a terminal obeys. */

const ESC = '\u001b';
const RLO = '\u202e';

describe('cleanLine / cleanMultiline', () => {
  it('remove C0, DEL, C1 and bidi formatting characters; multi-line text keeps line feeds and tabs', () => {
    const text = `张${ESC}[2J三${RLO}\u2066\u200f\u0000\u007f\u009b1m\r\n第二行\t尾`;
    expect(cleanMultiline(text)).toBe('张[2J三1m\n第二行\t尾');
    expect(cleanLine(text)).toBe('张[2J三1m 第二行 尾');
  });

  it('leave Chinese, English and emoji text alone', () => {
    const text = '整改到位，同意销号 — OK ✓ 👍🏽';
    expect(cleanLine(text)).toBe(text);
    expect(cleanMultiline(text)).toBe(text);
  });
});

describe('request strings', () => {
  it('a lone surrogate is refused with the field named', () => {
    const parsed = ProgressRequest.safeParse({ text: '进展\ud800' });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['text']);
    expect(parsed.error?.issues[0]?.message).toMatch(/^not well-formed Unicode text/);
  });

  it('control and bidi characters are stripped: names on one line, progress keeps its lines', () => {
    expect(
      EvidenceRequest.parse({
        fileName: ` 报告${RLO}fdp.exe\n`,
        contentType: 'application/pdf',
        size: 1,
        sha256: 'a'.repeat(64),
      }).fileName,
    ).toBe('报告fdp.exe');
    expect(ProgressRequest.parse({ text: `第一行\r\n第二行${ESC}[31m` }).text).toBe('第一行\n第二行[31m');
    expect(
      TransitionRequest.parse({ to: 'closed', expectedVersion: 1, meaning: `同意\n销号\u200e` }).meaning,
    ).toBe('同意 销号');
  });

  it('a field that is only control characters is empty, and so refused where required', () => {
    expect(ProgressRequest.safeParse({ text: `${ESC}${RLO}` }).success).toBe(false);
  });
});

describe('parseJsonBody', () => {
  const event = (body: string) =>
    ({
      headers: { 'content-type': 'application/json' },
      body,
      isBase64Encoded: false,
    }) as unknown as ApiEvent;

  it('names every place a lone surrogate hides, even where the schema reads nothing (a plan)', async () => {
    const { ImportRequest } = await import('#shared/api/schemas.ts');
    const body = '{"plan":{"aspects":[{"title":"\\ud800"}],"\\udfff":1},"replace":false}';
    let error: unknown;
    try {
      parseJsonBody(event(body), ImportRequest);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ValidationFailed);
    expect((error as ValidationFailed).issues.map((issue) => issue.path).sort()).toEqual([
      'plan.aspects[0].title',
      'plan.\ufffd',
    ]);
  });

  it('walks a body nested 100,000 deep without overflowing the stack', async () => {
    const { ProgressRequest: schema } = await import('#shared/api/schemas.ts');
    const deep = `${'['.repeat(100_000)}"\\ud800"${']'.repeat(100_000)}`;
    expect(() => parseJsonBody(event(`{"text":${deep}}`), schema)).toThrow(ValidationFailed);
  });
});

describe('path parameters', () => {
  const table = new RouteTable([{ method: 'GET', path: '/evidence/{evidenceId}' }] as const);

  it('an escape that is not UTF-8 is a bad parameter, not a thrown URIError', () => {
    expect(table.match('GET', '/evidence/%FF%FE')).toMatchObject({
      kind: 'bad-parameter',
      parameter: 'evidenceId',
    });
    expect(table.match('GET', '/evidence/%E4%B8%80')).toMatchObject({
      kind: 'matched',
      pathParameters: { evidenceId: '一' },
    });
  });
});

describe('CSV formula injection', () => {
  const sample = parsePlanJson(
    JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../fixtures/plan.sample.json'), 'utf8')),
  );
  if (!sample.ok) throw new Error('the sample plan does not parse');
  const plan: Plan = sample.plan;
  const { inspection, items } = ledgerFromPlan(plan, {
    inspectionId: 'insp-1',
    importId: 'imp-1',
    actor: { subject: principals.admin.subject, name: principals.admin.name, roles: principals.admin.roles },
    at: '2024-06-02T00:00:00.000Z',
    newId: (() => {
      let n = 0;
      return () => `id-${++n}`;
    })(),
  });
  const [first, ...rest] = items;
  if (!first) throw new Error('no items');
  const hostile = {
    ...first,
    progress: '=HYPERLINK("http://evil.example","详情")',
    responsibleLeader: '@王强',
    responsibleDept: '+财务科',
    version: -1, // a number: not a formula, not escaped
    overdue: false,
  };
  const exported = [hostile, ...rest.map((item) => ({ ...item, overdue: false }))];

  it('the ledger CSV writes formula-like text cells with a leading quote, and numbers as they are', () => {
    const [, row] = parseCsv(ledgerCsv(inspection, exported, 'zh-CN'), { bom: true }) as string[][];
    expect(row?.[9]).toBe(`'=HYPERLINK("http://evil.example","详情")`);
    expect(row?.[6]).toBe("'@王强");
    expect(row?.[7]).toBe("'+财务科");
    expect(row?.[13]).toBe('-1');
  });

  it('an exported ledger still imports with the text as it was', async () => {
    const csv = Buffer.from(ledgerCsv(inspection, exported, 'zh-CN'), 'utf8');
    const result = await parsePlanSpreadsheet(csv, 'csv', { inspection: plan.inspection });
    if (!result.ok) throw new Error(JSON.stringify(result.errors.slice(0, 3)));
    const item = result.plan.aspects[0]?.problems[0]?.items[0];
    expect(item).toMatchObject({
      progress: '=HYPERLINK("http://evil.example","详情")',
      responsibleLeader: '@王强',
      responsibleDept: '+财务科',
    });
  });
});

describe('the CLI prints no escape sequence it did not mean', () => {
  it('terminalText shows control and bidi characters as escapes, keeping lines and JSON meaning', () => {
    expect(terminalText(`名${ESC}[2J称${RLO}\u009b\n下一行\t\ud800`)).toBe(
      '名\\u001b[2J称\\u202e\\u009b\n下一行\t\ufffd',
    );
    const json = JSON.stringify({ name: `a${RLO}b\u0085` });
    expect(JSON.parse(terminalText(json))).toEqual({ name: `a${RLO}b\u0085` });
  });

  it('the ledger table escapes a hostile title before measuring it, and holds no ESC', () => {
    const table = ledgerTable(
      [
        {
          ref: '1.1.1',
          title: `标题${ESC}]0;pwned${ESC}\\`,
          status: 'in_progress',
          longTerm: false,
          responsibleDept: `财务科${RLO}`,
          responsibleLeader: '王强',
          deadline: '2024-09-30',
          overdue: false,
          measures: [],
          evidenceCount: 0,
          version: 1,
        },
      ],
      'zh-CN',
    );
    expect(table).not.toContain(ESC);
    expect(table).not.toContain(RLO);
    expect(table).toContain('标题\\u001b]0;pwn');
    expect(table).toContain('财务科\\u202e');
  });

  it('the summary table has no colour, even where cli-table3 would add it (a pipe, FORCE_COLOR)', () => {
    const counts = {
      total: 1,
      closed: 0,
      rectified: 0,
      in_progress: 1,
      not_started: 0,
      overdue: 0,
      measuresDone: 0,
      measuresTotal: 1,
      rectifiedTotal: 0,
    };
    const text = summaryTable(
      {
        byAspect: [{ aspectNo: 1, title: `方面${ESC}[31m一`, ...counts }],
        byDepartment: [{ department: '财务科', ...counts }],
        totals: counts,
      } as unknown as Parameters<typeof summaryTable>[0],
      'zh-CN',
    );
    expect(text).not.toContain(ESC);
    expect(text).toContain('方面\\u001b[31m一');
  });
});

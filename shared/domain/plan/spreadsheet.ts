import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { PLAN_FORMAT, parsePlanJson } from './json.ts';
import { normaliseDateText, parseDoneCell } from './labels.ts';
import type { PlanError, PlanInspection, PlanResult } from './model.ts';

/**
 * Plans as spreadsheets (plan-format.md): one row per measure on the ledger sheet; the optional
 * sheets 基本信息 (inspection fields) and 整改成效 (outcomes). The rows are assembled into a
 * `rectify.plan/v1` document and validated by the JSON path, so both formats follow one set of
 * rules; every error is then located by row and column.
 */

type Grid = { readonly number: number; readonly cells: readonly string[] }[];
interface Workbook {
  readonly ledger: Grid;
  readonly inspection?: Grid;
  readonly outcomes?: Grid;
}

const LEDGER_COLUMNS = {
  aspect: ['方面', 'aspect'],
  problem: ['问题', 'problem'],
  item: ['具体表现', '事项', 'item'],
  measure: ['整改措施', '措施', 'measure'],
  measureDone: ['措施完成', '是否完成', 'measuredone'],
  status: ['工作进展', '整改状态', '状态', 'status'],
  leader: ['责任领导', 'leader'],
  dept: ['责任科室', '责任部门', 'dept', 'department'],
  deadline: ['完成时限', 'deadline'],
  progress: ['整改情况', 'progress'],
  // Not in the core format, but 台账 often carry it: the item's description.
  description: ['情况说明', '具体表现说明', 'description'],
} as const;
const REQUIRED_COLUMNS = ['aspect', 'problem', 'item', 'status', 'leader', 'dept', 'deadline'] as const;

const INSPECTION_FIELDS: Record<string, keyof PlanInspection> = {
  编号: 'id',
  id: 'id',
  名称: 'title',
  标题: 'title',
  title: 'title',
  被巡察单位: 'inspectedUnit',
  inspectedunit: 'inspectedUnit',
  巡察组: 'inspectionGroup',
  inspectiongroup: 'inspectionGroup',
  巡察开始: 'inspectionStart',
  inspectionstart: 'inspectionStart',
  巡察结束: 'inspectionEnd',
  inspectionend: 'inspectionEnd',
  反馈日期: 'feedbackDate',
  feedbackdate: 'feedbackDate',
  第一责任人: 'firstResponsible',
  firstresponsible: 'firstResponsible',
  时区: 'timezone',
  timezone: 'timezone',
};
const DATE_FIELDS = new Set<keyof PlanInspection>(['inspectionStart', 'inspectionEnd', 'feedbackDate']);

const OUTCOME_COLUMNS = {
  kind: ['类型', 'kind'],
  count: ['数量', 'count'],
  amountCny: ['金额', 'amountcny', 'amount'],
  itemRef: ['事项', 'itemref'],
  note: ['说明', 'note'],
} as const;

const SHEET_NAMES = {
  ledger: ['台账', '工作台账', 'ledger'],
  inspection: ['基本信息', 'inspection'],
  outcomes: ['整改成效', 'outcomes'],
};

/** Header text as people write it: spaces, case and a parenthesised note do not matter. */
function normaliseHeader(text: string): string {
  return text
    .replace(/[（(][^）)]*[）)]/g, '')
    .replace(/\s+/g, '')
    .toLowerCase();
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  // exceljs gives date cells as Dates at UTC midnight of the calendar date.
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    if ('richText' in value)
      return value.richText
        .map((part) => part.text)
        .join('')
        .trim();
    if ('result' in value) return cellText(value.result as ExcelJS.CellValue);
    if ('text' in value) return String(value.text).trim();
    return '';
  }
  return String(value).trim();
}

function gridOf(sheet: ExcelJS.Worksheet): Grid {
  const grid: { number: number; cells: string[] }[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, number) => {
    const cells: string[] = [];
    for (let column = 1; column <= sheet.columnCount; column++) {
      const cell = row.getCell(column);
      // A merged cell holds its value in the master; every row it spans shares it.
      cells.push(cellText(cell.isMerged ? cell.master.value : cell.value));
    }
    grid.push({ number, cells });
  });
  return grid;
}

async function readXlsx(bytes: Uint8Array): Promise<Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  const find = (names: string[]) =>
    workbook.worksheets.find((sheet) => names.includes(normaliseHeader(sheet.name)));
  const ledger = find(SHEET_NAMES.ledger) ?? workbook.worksheets[0];
  const inspection = find(SHEET_NAMES.inspection);
  const outcomes = find(SHEET_NAMES.outcomes);
  return {
    ledger: ledger ? gridOf(ledger) : [],
    ...(inspection && inspection !== ledger ? { inspection: gridOf(inspection) } : {}),
    ...(outcomes && outcomes !== ledger ? { outcomes: gridOf(outcomes) } : {}),
  };
}

function readCsv(bytes: Uint8Array): Workbook {
  const records = parseCsv(Buffer.from(bytes), {
    bom: true,
    relax_column_count: true,
    skip_empty_lines: false,
  }) as string[][];
  return {
    ledger: records
      .map((cells, index) => ({ number: index + 1, cells: cells.map((cell) => cell.trim()) }))
      .filter((row) => row.cells.some((cell) => cell !== '')),
  };
}

/** Finds each known column's index by its header; reports the required ones that are missing. */
function mapColumns<K extends string>(
  header: readonly string[],
  columns: Record<K, readonly string[]>,
): { index: Partial<Record<K, number>>; label: Partial<Record<K, string>> } {
  const index: Partial<Record<K, number>> = {};
  const label: Partial<Record<K, string>> = {};
  header.forEach((text, position) => {
    const normalised = normaliseHeader(text);
    for (const [field, aliases] of Object.entries(columns) as [K, readonly string[]][]) {
      if (index[field] === undefined && aliases.includes(normalised)) {
        index[field] = position;
        label[field] = text;
      }
    }
  });
  return { index, label };
}

interface Assembled {
  readonly document: Record<string, unknown>;
  readonly origins: Map<string, string>;
  readonly errors: PlanError[];
}

type DraftItem = {
  no: number;
  title: string;
  description?: string;
  status: string;
  longTerm: boolean;
  responsibleLeader: string;
  responsibleDept: string;
  deadline: string;
  progress?: string;
  measures: { text: string; done: boolean }[];
};
type DraftProblem = { no: number; title: string; items: DraftItem[] };
type DraftAspect = { no: number; title: string; problems: DraftProblem[] };

function assembleLedger(grid: Grid, origins: Map<string, string>, errors: PlanError[]): DraftAspect[] {
  const [headerRow, ...rows] = grid;
  if (!headerRow) {
    errors.push({ path: 'row 1', message: 'the ledger sheet is empty', messageZh: '台账工作表为空' });
    return [];
  }
  const { index, label } = mapColumns(headerRow.cells, LEDGER_COLUMNS);
  const missing = REQUIRED_COLUMNS.filter((field) => index[field] === undefined);
  for (const field of missing) {
    const aliases: readonly string[] = LEDGER_COLUMNS[field];
    const zh = aliases[0];
    const en = aliases.find((alias) => /^[a-z]/.test(alias));
    errors.push({
      path: `row ${headerRow.number}, column ${zh}/${en}`,
      message: `the header has no column ${zh} (${en})`,
      messageZh: `表头缺少“${zh}”列`,
    });
  }
  if (missing.length > 0) return [];

  const at = (row: Grid[number], field: keyof typeof LEDGER_COLUMNS) => {
    const position = index[field];
    return position === undefined ? '' : (row.cells[position] ?? '');
  };
  const place = (row: Grid[number], field: keyof typeof LEDGER_COLUMNS) =>
    `row ${row.number}, column ${label[field]}`;
  const aspects: DraftAspect[] = [];
  const seen = { aspects: new Set<string>(), problems: new Set<string>(), items: new Set<string>() };
  let aspect: DraftAspect | undefined;
  let problem: DraftProblem | undefined;
  let item: DraftItem | undefined;
  let itemPath = '';

  for (const row of rows) {
    // Blank aspect/problem/item cells continue the one above (as merged or emptied cells do).
    const aspectTitle = at(row, 'aspect') || aspect?.title;
    const problemTitle = at(row, 'problem') || (aspectTitle === aspect?.title ? problem?.title : undefined);
    const itemTitle = at(row, 'item') || (problemTitle === problem?.title ? item?.title : undefined);
    if (!aspectTitle || !problemTitle || !itemTitle) {
      const field = !aspectTitle ? 'aspect' : !problemTitle ? 'problem' : 'item';
      errors.push({
        path: place(row, field),
        message: 'empty, and no row above to continue',
        messageZh: '为空，且上方没有可延续的内容',
      });
      continue;
    }
    const repeatedTitle = (
      kind: 'aspects' | 'problems' | 'items',
      key: string,
      field: keyof typeof LEDGER_COLUMNS,
    ) => {
      if (!seen[kind].has(key)) {
        seen[kind].add(key);
        return false;
      }
      errors.push({
        path: place(row, field),
        message: 'this title appeared earlier with other rows in between; keep its rows together',
        messageZh: '该标题此前已出现且中间隔有其他行，请将其各行放在一起',
      });
      return true;
    };
    if (aspectTitle !== aspect?.title) {
      if (repeatedTitle('aspects', aspectTitle, 'aspect')) continue;
      aspect = { no: aspects.length + 1, title: aspectTitle, problems: [] };
      aspects.push(aspect);
      problem = undefined;
      item = undefined;
    }
    if (problemTitle !== problem?.title) {
      if (repeatedTitle('problems', `${aspect.no}\u0000${problemTitle}`, 'problem')) continue;
      problem = { no: aspect.problems.length + 1, title: problemTitle, items: [] };
      aspect.problems.push(problem);
      item = undefined;
    }
    if (itemTitle !== item?.title) {
      if (repeatedTitle('items', `${aspect.no}.${problem.no}\u0000${itemTitle}`, 'item')) continue;
      item = {
        no: problem.items.length + 1,
        title: itemTitle,
        ...(at(row, 'description') ? { description: at(row, 'description') } : {}),
        status: at(row, 'status'),
        longTerm: false,
        responsibleLeader: at(row, 'leader'),
        responsibleDept: at(row, 'dept'),
        deadline: normaliseDateText(at(row, 'deadline')),
        ...(at(row, 'progress') ? { progress: at(row, 'progress') } : {}),
        measures: [],
      };
      problem.items.push(item);
      itemPath = `aspects[${aspects.length - 1}].problems[${aspect.problems.length - 1}].items[${problem.items.length - 1}]`;
      origins.set(itemPath, place(row, 'item'));
      for (const [key, field] of [
        ['title', 'item'],
        ['status', 'status'],
        ['responsibleLeader', 'leader'],
        ['responsibleDept', 'dept'],
        ['deadline', 'deadline'],
        ['progress', 'progress'],
        ['description', 'description'],
      ] as const) {
        origins.set(`${itemPath}.${key}`, place(row, field));
      }
    } else {
      // A later row of the same item may leave item fields blank, but may not contradict them.
      for (const [key, field, value] of [
        ['status', 'status', at(row, 'status')],
        ['responsibleLeader', 'leader', at(row, 'leader')],
        ['responsibleDept', 'dept', at(row, 'dept')],
        ['deadline', 'deadline', normaliseDateText(at(row, 'deadline'))],
        ['progress', 'progress', at(row, 'progress')],
      ] as const) {
        const current = item[key] ?? '';
        if (value !== '' && value !== current) {
          errors.push({
            path: place(row, field),
            message: `"${value}" contradicts "${current}" given for the same item above`,
            messageZh: `“${value}”与同一事项上方填写的“${current}”不一致`,
          });
        }
      }
    }
    const measure = at(row, 'measure');
    if (measure) {
      const doneText = at(row, 'measureDone');
      const done = parseDoneCell(doneText);
      if (done === undefined) {
        errors.push({
          path: place(row, 'measureDone'),
          message: `"${doneText}" is not yes or no (是/否, √/×, yes/no, 1/0)`,
          messageZh: `“${doneText}”无法识别为是或否`,
        });
      }
      const measurePath = `${itemPath}.measures[${item.measures.length}]`;
      origins.set(measurePath, place(row, 'measure'));
      origins.set(`${measurePath}.text`, place(row, 'measure'));
      item.measures.push({ text: measure, done: done ?? false });
    }
  }
  return aspects;
}

function assembleInspection(grid: Grid | undefined, origins: Map<string, string>): Record<string, string> {
  const inspection: Record<string, string> = {};
  for (const row of grid ?? []) {
    const field = INSPECTION_FIELDS[normaliseHeader(row.cells[0] ?? '')];
    const value = row.cells[1] ?? '';
    if (!field || value === '') continue;
    inspection[field] = DATE_FIELDS.has(field) ? normaliseDateText(value) : value;
    origins.set(`inspection.${field}`, `sheet 基本信息, row ${row.number}`);
  }
  return inspection;
}

function assembleOutcomes(
  grid: Grid | undefined,
  origins: Map<string, string>,
): Record<string, unknown>[] | undefined {
  const [headerRow, ...rows] = grid ?? [];
  if (!headerRow) return undefined;
  const { index, label } = mapColumns(headerRow.cells, OUTCOME_COLUMNS);
  return rows.map((row, position) => {
    const outcome: Record<string, unknown> = {};
    for (const field of Object.keys(OUTCOME_COLUMNS) as (keyof typeof OUTCOME_COLUMNS)[]) {
      const column = index[field];
      const text = column === undefined ? '' : (row.cells[column] ?? '');
      if (text === '') continue;
      const numeric = field === 'count' || field === 'amountCny';
      outcome[field] = numeric && text.trim() !== '' && !Number.isNaN(Number(text)) ? Number(text) : text;
      origins.set(
        `outcomes[${position}].${field}`,
        `sheet 整改成效, row ${row.number}, column ${label[field]}`,
      );
    }
    return outcome;
  });
}

function assemble(workbook: Workbook, inspectionOverrides: Partial<PlanInspection>): Assembled {
  const origins = new Map<string, string>();
  const errors: PlanError[] = [];
  const aspects = assembleLedger(workbook.ledger, origins, errors);
  const inspection = { ...assembleInspection(workbook.inspection, origins), ...inspectionOverrides };
  const outcomes = assembleOutcomes(workbook.outcomes, origins);
  return {
    document: { format: PLAN_FORMAT, inspection, aspects, ...(outcomes ? { outcomes } : {}) },
    origins,
    errors,
  };
}

/** The spreadsheet place an error path came from (the nearest recorded ancestor). */
function locate(path: string, origins: Map<string, string>): string {
  for (let candidate = path; candidate; candidate = candidate.replace(/(\.[^.[\]]+|\[\d+\])$/, '')) {
    const origin = origins.get(candidate);
    if (origin) return origin;
    if (!/(\.[^.[\]]+|\[\d+\])$/.test(candidate)) break;
  }
  return path;
}

/**
 * Reads a plan spreadsheet (XLSX, or CSV in UTF-8 with or without BOM; Chinese or English
 * headers). `options.inspection` supplies or overrides inspection fields, which a CSV cannot hold.
 */
export async function parsePlanSpreadsheet(
  bytes: Uint8Array,
  kind: 'xlsx' | 'csv',
  options: { inspection?: Partial<Record<keyof PlanInspection, string>> } = {},
): Promise<PlanResult> {
  let workbook: Workbook;
  try {
    workbook = kind === 'csv' ? readCsv(bytes) : await readXlsx(bytes);
  } catch (error) {
    return {
      ok: false,
      errors: [
        {
          path: '(file)',
          message: `not a readable ${kind.toUpperCase()} file: ${(error as Error).message}`,
          messageZh: `无法读取该 ${kind.toUpperCase()} 文件`,
        },
      ],
    };
  }
  const { document, origins, errors } = assemble(workbook, options.inspection ?? {});
  // Rows that could not be read at all (no header, missing columns) leave nothing to validate.
  if (errors.length > 0 && (document.aspects as unknown[]).length === 0) return { ok: false, errors };
  const result = parsePlanJson(document);
  const located = result.ok
    ? []
    : result.errors.map((error) => ({ ...error, path: locate(error.path, origins) }));
  const all = [...errors, ...located];
  return all.length > 0 || !result.ok ? { ok: false, errors: all } : result;
}

import { PLAN_FORMAT, parsePlanJson } from './json.ts';
import { normaliseDateText, parseDoneMark, parseStatusLabel } from './labels.ts';
import type { PlanError, PlanInspection, PlanOutcome, PlanResult } from './model.ts';
import {
  normaliseName,
  type Row,
  readWorkbook,
  type Sheet,
  UnreadableFile,
  type Workbook,
} from './sheets.ts';

/**
 * Plans as spreadsheets (plan-format.md): one row per measure on the ledger sheet, and the
 * optional sheets 基本信息 (inspection fields) and 整改成效 (outcomes). The rows are assembled into
 * a `rectify.plan/v1` document and validated by parsePlanJson — one set of rules for both
 * formats — and each error is then put back where it came from: `row 14, column 完成时限`.
 *
 * How rows group: an aspect, problem or item is known by its title within its parent. A blank
 * (or merged) title cell continues the one above; consecutive rows with the same title are one
 * entity; the same title coming back after other rows is refused, since it is either a typo or
 * rows out of order, and guessing would silently reorder someone's plan. Item fields (status,
 * leader, dept, deadline, progress, description) may be blank on an item's later rows; a
 * different non-blank value there is refused. Columns the format does not know (序号, 备注 …) are
 * ignored.
 */

/** Where a value came from. `sheet` is absent for the ledger, which every path is about. */
interface Place {
  readonly sheet?: string;
  readonly row: number;
  readonly column?: string;
  /** The column's position (0-based), to sort errors as they appear in the file. */
  readonly columnIndex: number;
  /** Inspection sheet 1, ledger 2, outcomes 3: errors come out in document order. */
  readonly rank: number;
}

const formatPlace = (place: Place) =>
  `${place.sheet ? `sheet ${place.sheet}, ` : ''}row ${place.row}${place.column ? `, column ${place.column}` : ''}`;

const LEDGER_COLUMNS = {
  aspect: ['方面', 'aspect'],
  problem: ['问题', 'problem'],
  item: ['具体表现', '事项', 'item'],
  measure: ['整改措施', '措施', 'measure'],
  measureDone: ['措施完成', '是否完成', 'measuredone'],
  status: ['工作进展', '整改状态', '状态', 'status'],
  leader: ['责任领导', 'leader'],
  // The stable id an admin also sets as the leader's custom:leaderId (two leaders may share a name).
  leaderId: ['责任领导编号', '领导编号', 'leaderid', 'responsibleleaderid'],
  dept: ['责任科室', '责任部门', 'dept', 'department'],
  deadline: ['完成时限', 'deadline'],
  progress: ['整改情况', 'progress'],
  // Not among the format's headers, but 台账 often carry it and the JSON has it.
  description: ['情况说明', 'description'],
} as const;
type LedgerField = keyof typeof LEDGER_COLUMNS;
const LEDGER_REQUIRED: readonly LedgerField[] = [
  'aspect',
  'problem',
  'item',
  'measure',
  'status',
  'leader',
  'dept',
  'deadline',
];

/** Item fields as the document names them, and the column each comes from. */
const ITEM_FIELDS = [
  ['status', 'status'],
  ['responsibleLeader', 'leader'],
  ['responsibleLeaderId', 'leaderId'],
  ['responsibleDept', 'dept'],
  ['deadline', 'deadline'],
  ['progress', 'progress'],
  ['description', 'description'],
] as const satisfies readonly (readonly [string, LedgerField])[];
type ItemField = (typeof ITEM_FIELDS)[number][0];

const OUTCOME_COLUMNS = {
  kind: ['类型', 'kind'],
  count: ['数量', 'count'],
  amountCny: ['金额', 'amountcny', 'amount'],
  itemRef: ['事项', '事项编号', 'itemref'],
  note: ['说明', '备注', 'note'],
} as const;
type OutcomeField = keyof typeof OUTCOME_COLUMNS;
const OUTCOME_REQUIRED: readonly OutcomeField[] = ['kind', 'count'];

const INSPECTION_FIELDS: Readonly<Record<string, keyof PlanInspection>> = {
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
const DATE_FIELDS: ReadonlySet<string> = new Set(['inspectionStart', 'inspectionEnd', 'feedbackDate']);

/** The rows, errors and origins of one import; origins map document paths to places. */
class Reader {
  readonly errors: { error: PlanError; place?: Place }[] = [];
  readonly origins = new Map<string, Place>();

  fail(place: Place, message: string, messageZh: string): void {
    this.errors.push({ error: { path: formatPlace(place), message, messageZh }, place });
  }
}

interface Columns<K extends string> {
  readonly header: Row;
  readonly index: Partial<Record<K, number>>;
  readonly label: Partial<Record<K, string>>;
  /** Which header words the file uses, to name a missing column the same way. */
  readonly chinese: boolean;
}

/**
 * Finds the header row — the one among the first ten that names the most known columns, so a
 * title row above it, or a two-row header whose upper row groups columns, is passed over — and
 * the position of each known column in it.
 */
function findColumns<K extends string>(
  rows: readonly Row[],
  columns: Readonly<Record<K, readonly string[]>>,
  reader: Reader,
  sheet: Pick<Place, 'sheet' | 'rank'>,
): Columns<K> | undefined {
  const fields = Object.entries(columns) as [K, readonly string[]][];
  const match = (row: Row) => {
    const index: Partial<Record<K, number>> = {};
    const label: Partial<Record<K, string>> = {};
    const duplicates: [K, number][] = [];
    row.cells.forEach((text, position) => {
      const name = normaliseName(text);
      const found = fields.find(([, aliases]) => aliases.includes(name));
      if (!found) return;
      const [field] = found;
      if (index[field] === undefined) {
        index[field] = position;
        label[field] = text;
      } else duplicates.push([field, position]);
    });
    return { row, index, label, duplicates, count: Object.keys(index).length };
  };
  let best: ReturnType<typeof match> | undefined;
  for (const row of rows.slice(0, 10)) {
    const candidate = match(row);
    if (candidate.count > (best?.count ?? 0)) best = candidate;
  }
  if (!best) return undefined;
  const { row, index, label, duplicates } = best;
  for (const [field, position] of duplicates) {
    const column = row.cells[position] ?? '';
    reader.fail(
      { ...sheet, row: row.number, column, columnIndex: position },
      `a second ${column} column (the first is column ${label[field]}); keep one`,
      `出现第二个“${column}”列（已有“${label[field]}”列），请只保留一列`,
    );
  }
  const chinese = Object.values<string | undefined>(label).some((text) => /[\u4e00-\u9fff]/.test(text ?? ''));
  return { header: row, index, label, chinese };
}

/** One error per required column the header lacks; true when all are there. */
function requireColumns<K extends string>(
  found: Columns<K>,
  columns: Readonly<Record<K, readonly string[]>>,
  required: readonly K[],
  reader: Reader,
  sheet: Pick<Place, 'sheet' | 'rank'>,
): boolean {
  const missing = required.filter((field) => found.index[field] === undefined);
  for (const field of missing) {
    const [zh, ...others] = columns[field];
    const en = others.find((alias) => /^[a-z]/.test(alias)) ?? field;
    reader.fail(
      { ...sheet, row: found.header.number, column: found.chinese ? zh : en, columnIndex: 1e6 },
      `the header has no ${zh} (${en}) column`,
      `表头缺少“${zh}”（${en}）列`,
    );
  }
  return missing.length === 0;
}

type DraftItem = {
  no: number;
  title: string;
  status: string;
  longTerm: boolean;
  responsibleLeader: string;
  responsibleLeaderId?: string;
  responsibleDept: string;
  deadline: string;
  progress?: string;
  description?: string;
  measures: { text: string; done: boolean }[];
};
type DraftProblem = { no: number; title: string; items: DraftItem[] };
type DraftAspect = { no: number; title: string; problems: DraftProblem[] };

/** Two values of an item field mean the same (status labels by meaning: 已整改 = rectified). */
function sameValue(key: ItemField, a: string, b: string): boolean {
  if (a === b) return true;
  if (key !== 'status') return false;
  const x = parseStatusLabel(a);
  const y = parseStatusLabel(b);
  return x !== undefined && y !== undefined && x.status === y.status && x.longTerm === y.longTerm;
}

function readLedger(sheet: Sheet, reader: Reader): DraftAspect[] {
  const at = { rank: 2 };
  const found = findColumns(sheet.rows, LEDGER_COLUMNS, reader, at);
  if (!found) {
    reader.fail(
      { ...at, row: sheet.rows[0]?.number ?? 1, columnIndex: 0 },
      sheet.rows.length === 0
        ? 'the ledger sheet is empty'
        : 'no header row: expected columns such as 方面, 问题, 具体表现, 整改措施 (aspect, problem, item, measure)',
      sheet.rows.length === 0 ? '台账工作表为空' : '找不到表头行：应包含“方面”“问题”“具体表现”“整改措施”等列',
    );
    return [];
  }
  if (!requireColumns(found, LEDGER_COLUMNS, LEDGER_REQUIRED, reader, at)) return [];
  const { header, index, label } = found;
  const cell = (row: Row, field: LedgerField) => {
    const position = index[field];
    return position === undefined ? '' : (row.cells[position] ?? '');
  };
  const place = (row: Row, field: LedgerField): Place => ({
    ...at,
    row: row.number,
    column: label[field] ?? field,
    columnIndex: index[field] ?? 0,
  });
  const rows = sheet.rows.filter((row) => row.number > header.number);
  if (rows.length === 0) {
    reader.fail(
      { ...at, row: header.number, columnIndex: 0 },
      'the ledger has no rows below its header',
      '台账表头下没有内容',
    );
    return [];
  }

  const aspects: DraftAspect[] = [];
  const seen = new Set<string>();
  let aspect: DraftAspect | undefined;
  let problem: DraftProblem | undefined;
  let item: DraftItem | undefined;
  let itemPath = '';

  /** A title met again after other rows: refused (see the module comment). */
  const repeated = (key: string, row: Row, field: LedgerField): boolean => {
    if (!seen.has(key)) {
      seen.add(key);
      return false;
    }
    reader.fail(
      place(row, field),
      'this title appeared earlier with other rows in between; keep its rows together',
      '该标题此前已出现且中间隔有其他行，请将同一标题的各行放在一起',
    );
    return true;
  };

  for (const row of rows) {
    if ((Object.values(index) as number[]).every((position) => (row.cells[position] ?? '') === '')) continue;
    // Blank title cells continue the row above (as emptied or merged cells do in a 台账).
    const aspectTitle = cell(row, 'aspect') || aspect?.title;
    const problemTitle = cell(row, 'problem') || (aspectTitle === aspect?.title ? problem?.title : undefined);
    const itemTitle = cell(row, 'item') || (problemTitle === problem?.title ? item?.title : undefined);
    if (!aspectTitle || !problemTitle || !itemTitle) {
      reader.fail(
        place(row, !aspectTitle ? 'aspect' : !problemTitle ? 'problem' : 'item'),
        'empty, and there is no row above for it to continue',
        '为空，且上方没有可延续的内容',
      );
      continue;
    }
    if (aspectTitle !== aspect?.title) {
      if (repeated(`\u0000${aspectTitle}`, row, 'aspect')) continue;
      aspect = { no: aspects.length + 1, title: aspectTitle, problems: [] };
      aspects.push(aspect);
      problem = undefined;
      item = undefined;
      reader.origins.set(`aspects[${aspect.no - 1}]`, place(row, 'aspect'));
    }
    const aspectPath = `aspects[${aspect.no - 1}]`;
    if (problemTitle !== problem?.title) {
      if (repeated(`${aspect.no}\u0000${problemTitle}`, row, 'problem')) continue;
      problem = { no: aspect.problems.length + 1, title: problemTitle, items: [] };
      aspect.problems.push(problem);
      item = undefined;
      reader.origins.set(`${aspectPath}.problems[${problem.no - 1}]`, place(row, 'problem'));
    }
    const problemPath = `${aspectPath}.problems[${problem.no - 1}]`;
    if (itemTitle !== item?.title) {
      if (repeated(`${aspect.no}.${problem.no}\u0000${itemTitle}`, row, 'item')) continue;
      item = {
        no: problem.items.length + 1,
        title: itemTitle,
        status: '',
        longTerm: false,
        responsibleLeader: '',
        responsibleDept: '',
        deadline: '',
        measures: [],
      };
      problem.items.push(item);
      itemPath = `${problemPath}.items[${item.no - 1}]`;
      reader.origins.set(itemPath, place(row, 'item'));
      for (const [key, column] of ITEM_FIELDS) reader.origins.set(`${itemPath}.${key}`, place(row, column));
    }
    // Item fields: the first non-blank value counts; a later, different one is refused.
    for (const [key, column] of ITEM_FIELDS) {
      const text = column === 'deadline' ? normaliseDateText(cell(row, column)) : cell(row, column);
      if (text === '') continue;
      const current = item[key] ?? '';
      if (current === '') {
        item[key] = text;
        reader.origins.set(`${itemPath}.${key}`, place(row, column));
      } else if (!sameValue(key, text, current)) {
        reader.fail(
          place(row, column),
          `"${text}" contradicts "${current}" given for the same item above`,
          `“${text}”与同一事项上方填写的“${current}”不一致`,
        );
      }
    }
    const measure = cell(row, 'measure');
    if (measure === '') continue; // this row adds no measure to the item
    const mark = cell(row, 'measureDone');
    const done = parseDoneMark(mark);
    if (done === undefined)
      reader.fail(
        place(row, 'measureDone'),
        `"${mark}" is neither yes nor no (是/否, 已完成/未完成, √/×, yes/no, true/false, 1/0)`,
        `“${mark}”无法识别为是或否（是/否、已完成/未完成、√/×）`,
      );
    const measurePath = `${itemPath}.measures[${item.measures.length}]`;
    reader.origins.set(measurePath, place(row, 'measure'));
    reader.origins.set(`${measurePath}.done`, place(row, 'measureDone'));
    item.measures.push({ text: measure, done: done ?? false });
  }
  return aspects;
}

/** The 基本信息 sheet: field names in the first column, values in the second. */
function readInspection(sheet: Sheet | undefined, reader: Reader): Record<string, string> {
  const inspection: Record<string, string> = {};
  for (const row of sheet?.rows ?? []) {
    // Rows with other labels (a 字段/内容 header, notes) are not fields and are passed over.
    const key = INSPECTION_FIELDS[normaliseName(row.cells[0] ?? '')];
    const value = row.cells[1] ?? '';
    if (!key || value === '') continue;
    inspection[key] = DATE_FIELDS.has(key) ? normaliseDateText(value) : value;
    reader.origins.set(`inspection.${key}`, {
      ...(sheet?.name ? { sheet: sheet.name } : {}),
      row: row.number,
      column: 'B',
      columnIndex: 1,
      rank: 1,
    });
  }
  return inspection;
}

/** "12,650 元" → 12650; text that is not a number stays text, for validation to refuse. */
function numberOf(text: string): number | string {
  const plain = text.normalize('NFKC').replace(/[,\s¥元]/g, '');
  return /^-?\d+(\.\d+)?$/.test(plain) ? Number(plain) : text;
}

/** The 整改成效 sheet: one outcome per row under a header. */
function readOutcomes(sheet: Sheet | undefined, reader: Reader): Record<string, unknown>[] | undefined {
  if (!sheet || sheet.rows.length === 0) return undefined;
  const at = { ...(sheet.name ? { sheet: sheet.name } : {}), rank: 3 };
  const found = findColumns(sheet.rows, OUTCOME_COLUMNS, reader, at);
  if (!found) {
    reader.fail(
      { ...at, row: sheet.rows[0]?.number ?? 1, columnIndex: 0 },
      'no header row: expected columns 类型 (kind) and 数量 (count)',
      '找不到表头行：应包含“类型”“数量”列',
    );
    return undefined;
  }
  if (!requireColumns(found, OUTCOME_COLUMNS, OUTCOME_REQUIRED, reader, at)) return undefined;
  const { header, index, label } = found;
  const fields = Object.keys(OUTCOME_COLUMNS) as OutcomeField[];
  return sheet.rows
    .filter((row) => row.number > header.number)
    .map((row, position) => {
      const outcome: Record<string, unknown> = {};
      reader.origins.set(`outcomes[${position}]`, { ...at, row: row.number, columnIndex: 0 });
      for (const field of fields) {
        const column = index[field];
        const text = column === undefined ? '' : (row.cells[column] ?? '');
        reader.origins.set(`outcomes[${position}].${field}`, {
          ...at,
          row: row.number,
          column: label[field] ?? field,
          columnIndex: column ?? 0,
        });
        if (text !== '') outcome[field] = field === 'count' || field === 'amountCny' ? numberOf(text) : text;
      }
      return outcome;
    });
}

/** The place an error path came from: the nearest ancestor path that has one. */
function locate(path: string, origins: ReadonlyMap<string, Place>): Place | undefined {
  for (let candidate = path; candidate !== ''; ) {
    const place = origins.get(candidate);
    if (place) return place;
    const parent = candidate.replace(/(\.[^.[\]]+|\[\d+\])$/, '');
    if (parent === candidate) break;
    candidate = parent;
  }
  return undefined;
}

const sortKey = (place: Place | undefined) =>
  place ? [place.rank, place.row, place.columnIndex] : [0, 0, 0];
function byPlace(a: { place?: Place }, b: { place?: Place }): number {
  const x = sortKey(a.place);
  const y = sortKey(b.place);
  return (x[0] ?? 0) - (y[0] ?? 0) || (x[1] ?? 0) - (y[1] ?? 0) || (x[2] ?? 0) - (y[2] ?? 0);
}

/** Options for parsePlanSpreadsheet. */
export interface SpreadsheetOptions {
  /** Inspection fields the file lacks (a CSV holds none) or that override its 基本信息 sheet. */
  readonly inspection?: Partial<PlanInspection>;
  /** Outcomes given apart from the file (a CSV holds only the ledger); replaces its 整改成效 sheet. */
  readonly outcomes?: readonly PlanOutcome[];
}

function assemble(workbook: Workbook, options: SpreadsheetOptions, reader: Reader) {
  const aspects = readLedger(workbook.ledger, reader);
  const overrides = Object.entries(options.inspection ?? {}).filter(([, value]) => value !== undefined);
  const inspection = { ...readInspection(workbook.inspection, reader), ...Object.fromEntries(overrides) };
  for (const [key] of overrides) reader.origins.delete(`inspection.${key}`);
  const outcomes = options.outcomes ?? readOutcomes(workbook.outcomes, reader);
  return { format: PLAN_FORMAT, inspection, aspects, ...(outcomes ? { outcomes } : {}) };
}

/**
 * Reads a plan spreadsheet — XLSX, or CSV in UTF-8 with or without a BOM; Chinese or English
 * headers — into the same normalised plan as parsePlanJson. Never throws on bad input: every
 * error names its place (`row 14, column 完成时限`, `sheet 基本信息, row 6, column B`, or
 * `inspection.feedbackDate` for a field given nowhere), in the order of the file.
 */
export async function parsePlanSpreadsheet(
  bytes: Uint8Array,
  kind: 'xlsx' | 'csv',
  options: SpreadsheetOptions = {},
): Promise<PlanResult> {
  let workbook: Workbook;
  try {
    workbook = await readWorkbook(bytes, kind);
  } catch (error) {
    if (!(error instanceof UnreadableFile)) throw error;
    return { ok: false, errors: [{ path: error.place, message: error.message, messageZh: error.messageZh }] };
  }
  const reader = new Reader();
  const document = assemble(workbook, options, reader);
  // A ledger that could not be read at all leaves nothing worth validating.
  if (document.aspects.length === 0) return { ok: false, errors: reader.errors.map(({ error }) => error) };
  const result = parsePlanJson(document);
  if (result.ok && reader.errors.length === 0) return result;
  const located = (result.ok ? [] : result.errors).map((error) => {
    const place = locate(error.path, reader.origins);
    return place ? { error: { ...error, path: formatPlace(place) }, place } : { error };
  });
  return { ok: false, errors: [...reader.errors, ...located].sort(byPlace).map(({ error }) => error) };
}

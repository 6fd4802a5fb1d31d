import { PLAN_FORMAT, parsePlanJson } from './json.ts';
import { normaliseDateText, parseDoneMark, parseStatusLabel } from './labels.ts';
import {
  LEDGER_FIELDS,
  type LedgerField,
  type PlanError,
  type PlanInspection,
  type PlanOutcome,
  type PlanResult,
} from './model.ts';
import {
  formatPlace,
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

/**
 * The header names each column goes by, after normaliseName (so 完成时限（必填） is 完成时限). Offices
 * name the same 台账 columns differently; each name maps to one field only (a test checks it).
 * Names ending in (是/否) match only a header whose bracketed note says 是/否 (see headerKeys).
 */
const LEDGER_COLUMNS = {
  aspect: ['方面', '问题类别', '问题类型', '问题分类', '问题方面', '类别', 'aspect', 'category'],
  problem: [
    '问题',
    '存在问题',
    '反馈问题',
    '问题清单',
    '主要问题',
    '发现问题',
    '巡察发现问题',
    '巡察反馈问题',
    '审计发现问题',
    '审计问题',
    '问题名称',
    'problem',
    'issue',
    'finding',
  ],
  item: [
    '具体表现',
    '事项',
    '具体问题',
    '问题表现',
    '问题描述',
    '主要表现',
    '表现形式',
    '问题具体表现',
    '整改事项',
    '整改任务',
    'item',
  ],
  measure: [
    '整改措施',
    '措施',
    '整改举措',
    '具体措施',
    '整改目标和措施',
    '整改目标及措施',
    '整改措施及目标',
    'measure',
    'measures',
    'action',
  ],
  measureDone: [
    '措施完成',
    '是否完成',
    '措施是否完成',
    '完成与否',
    '是否落实',
    '完成情况(是/否)',
    '完成(是/否)',
    '落实情况(是/否)',
    'measuredone',
    'done',
  ],
  status: [
    '工作进展',
    '整改状态',
    '状态',
    '整改进度',
    '完成状态',
    '进展情况',
    '整改进展',
    '进度',
    '当前状态',
    'status',
  ],
  leader: [
    '责任领导',
    '牵头领导',
    '责任校领导',
    '责任院领导',
    '责任局领导',
    '包保领导',
    'leader',
    'responsibleleader',
  ],
  // The stable id an admin also sets as the leader's custom:leaderId (two leaders may share a name).
  leaderId: [
    '责任领导编号',
    '领导编号',
    '责任领导工号',
    '领导工号',
    '责任领导id',
    '领导id',
    'leaderid',
    'responsibleleaderid',
  ],
  dept: [
    '责任科室',
    '责任部门',
    '责任单位',
    '责任处室',
    '责任股室',
    '整改责任单位',
    '整改责任部门',
    '主责部门',
    '主责单位',
    'dept',
    'department',
    'responsibledept',
  ],
  deadline: [
    '完成时限',
    '整改时限',
    '整改期限',
    '完成期限',
    '时限要求',
    '时限',
    '整改完成时限',
    '计划完成时间',
    '截止时间',
    '截止日期',
    'deadline',
    'duedate',
  ],
  progress: [
    '整改情况',
    '整改成效',
    '整改结果',
    '完成情况说明',
    '整改落实情况',
    '整改进展情况',
    '整改完成情况',
    '落实情况',
    '进展说明',
    'progress',
  ],
  // Not among the format's headers, but 台账 often carry it and the JSON has it. 备注 is not
  // read as it: notes differ row by row, and an item's rows must agree on its description.
  description: ['情况说明', '问题说明', '详细说明', 'description'],
} as const satisfies Record<LedgerField, readonly string[]>;

/**
 * Names that are read only when the file has no column under one of the field's own names: they
 * usually mean that field, but a 台账 often carries them beside it meaning something else
 * (责任人 beside 责任领导 is the department's contact; 完成时间 beside 完成时限 the day it was done).
 * Beside such a column they are ignored, like any unknown column. README.md lists the choices.
 */
const LEDGER_FALLBACK_COLUMNS: Partial<Record<LedgerField, readonly string[]>> = {
  status: ['完成情况'],
  leader: ['分管领导', '分管校领导', '责任人'],
  dept: ['牵头部门', '牵头单位', '牵头科室', '牵头处室'],
  deadline: ['完成时间', '完成日期', '整改完成时间'],
};
/** Every name a ledger column is known by (tests check that no name means two fields). */
export const LEDGER_COLUMN_NAMES = { names: LEDGER_COLUMNS, fallback: LEDGER_FALLBACK_COLUMNS } as const;
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
  kind: ['类型', '成效类型', '种类', 'kind'],
  count: ['数量', '数目', '人数', '件数', '个数', 'count'],
  amountCny: ['金额', '涉及金额', '追缴金额', '退还金额', '清退金额', 'amountcny', 'amount'],
  itemRef: ['事项', '事项编号', '对应事项', '关联事项', 'itemref'],
  note: ['说明', '备注', '具体情况', 'note'],
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

  /** What preview and the import record show: the columns read and the first rows under them. */
  layout: SpreadsheetLayout = { columns: {}, header: [], sample: [] };

  fail(place: Place, message: string, messageZh: string): void {
    this.errors.push({ error: { path: formatPlace(place), message, messageZh }, place });
  }

  /** An error about the options (`columns.deadline`), not a place in the file: it comes first. */
  failOption(path: string, message: string, messageZh: string): void {
    this.errors.push({ error: { path, message, messageZh } });
  }
}

interface Columns<K extends string> {
  readonly header: Row;
  readonly index: Partial<Record<K, number>>;
  readonly label: Partial<Record<K, string>>;
  /** Which header words the file uses, to name a missing column the same way. */
  readonly chinese: boolean;
}

/** A sheet's columns: each field's names, and the names read only when those are absent. */
interface ColumnSet<K extends string> {
  readonly names: Readonly<Record<K, readonly string[]>>;
  readonly fallback?: Partial<Record<K, readonly string[]>>;
}

/** Each name → its field, for one tier of a column set. */
const lookupOf = <K extends string>(names: Partial<Record<K, readonly string[]>>) =>
  new Map<string, K>(
    (Object.entries(names) as [K, readonly string[]][]).flatMap(([field, aliases]) =>
      aliases.map((alias) => [alias, field] as const),
    ),
  );

/**
 * The names a header cell answers to, most specific first. normaliseName drops bracketed notes,
 * but one note decides the meaning: 完成情况（是/否） holds done marks, 完成情况 a status.
 */
function headerKeys(text: string): string[] {
  const name = normaliseName(text);
  return /[([【]\s*是\s*[/、|或]?\s*否\s*[)\]】]/.test(text.normalize('NFKC'))
    ? [`${name}(是/否)`, name]
    : [name];
}

/**
 * Finds the header row — the one among the first ten that names the most known columns, so a
 * title row above it, or a two-row header whose upper row groups columns, is passed over — and
 * the position of each known column in it. Columns mapped by hand (`manual`, field → header text)
 * count toward the choice, take their column first and override detection for their field.
 */
function findColumns<K extends string>(
  rows: readonly Row[],
  columns: ColumnSet<K>,
  reader: Reader,
  sheet: Pick<Place, 'sheet' | 'rank'>,
  manual: Partial<Record<K, string>> = {},
): Columns<K> | undefined {
  const tiers = [lookupOf(columns.names), lookupOf(columns.fallback ?? {})];
  const byHand = Object.entries(manual) as [K, string][];
  const match = (row: Row) => {
    const index: Partial<Record<K, number>> = {};
    const label: Partial<Record<K, string>> = {};
    const duplicates: [K, number][] = [];
    const names = row.cells.map(normaliseName);
    const taken = new Set<number>();
    for (const [field, text] of byHand) {
      const position = names.indexOf(normaliseName(text));
      if (position < 0) continue;
      index[field] = position;
      label[field] = row.cells[position] ?? text;
      taken.add(position);
    }
    for (const tier of tiers) {
      const found = new Set<K>();
      row.cells.forEach((text, position) => {
        if (taken.has(position)) return;
        const field = headerKeys(text)
          .map((key) => tier.get(key))
          .find((candidate) => candidate !== undefined);
        if (field === undefined || field in manual) return;
        if (index[field] === undefined) {
          index[field] = position;
          label[field] = text;
          found.add(field);
          taken.add(position);
        } else if (found.has(field)) duplicates.push([field, position]);
        // else: a fallback name beside the field's own column means something else; ignored.
      });
    }
    return { row, index, label, duplicates, count: Object.keys(index).length };
  };
  let best: ReturnType<typeof match> | undefined;
  for (const row of rows.slice(0, 10)) {
    const candidate = match(row);
    if (candidate.count > (best?.count ?? 0)) best = candidate;
  }
  for (const [field, text] of byHand) {
    const position = best?.index[field];
    if (position === undefined)
      reader.failOption(`columns.${field}`, `no column ${text} in the header row`, `表头行中没有“${text}”列`);
    else if (
      best?.row.cells.some((cell, other) => other !== position && normaliseName(cell) === normaliseName(text))
    )
      reader.failOption(
        `columns.${field}`,
        `more than one column ${text} in the header row; rename one`,
        `表头行中有多个“${text}”列，请重命名其中一列`,
      );
  }
  if (!best) return undefined;
  const { row, index, label, duplicates } = best;
  for (const [field, position] of duplicates) {
    const column = row.cells[position] ?? '';
    reader.fail(
      { ...sheet, row: row.number, column, columnIndex: position },
      `a second ${column} column (the first is column ${label[field]}); keep one, or map one by hand as columns.${field}`,
      `出现第二个“${column}”列（已有“${label[field]}”列），请只保留一列，或用 columns.${field} 指定其一`,
    );
  }
  const chinese = Object.values<string | undefined>(label).some((text) => /[\u4e00-\u9fff]/.test(text ?? ''));
  return { header: row, index, label, chinese };
}

/**
 * One error per required column the header lacks; true when all are there. A field mapped by
 * hand to a column that is not there has its error already (findColumns).
 */
function requireColumns<K extends string>(
  found: Columns<K>,
  columns: ColumnSet<K>,
  required: readonly K[],
  reader: Reader,
  sheet: Pick<Place, 'sheet' | 'rank'>,
  manual: Partial<Record<K, string>> = {},
): boolean {
  const missing = required.filter((field) => found.index[field] === undefined);
  for (const field of missing.filter((field) => !(field in manual))) {
    const [zh, ...others] = columns.names[field];
    const en = others.find((alias) => /^[a-z]/.test(alias)) ?? field;
    reader.fail(
      { ...sheet, row: found.header.number, column: found.chinese ? zh : en, columnIndex: 1e6 },
      `the header has no ${zh} (${en}) column; if the file names it otherwise, map it as columns.${field}`,
      `表头缺少“${zh}”（${en}）列；如文件中该列另有名称，请用 columns.${field} 指定`,
    );
  }
  return missing.length === 0;
}

/**
 * Checks the columns mapped by hand: known fields, a header text each, no two fields on one
 * column. Returns the usable ones; each mistake is an error naming its field.
 */
function manualColumns(
  columns: Readonly<Record<string, string>> | undefined,
  reader: Reader,
): Partial<Record<LedgerField, string>> {
  const usable: Partial<Record<LedgerField, string>> = {};
  const byName = new Map<string, string>();
  for (const [field, text] of Object.entries(columns ?? {})) {
    const path = `columns.${field}`;
    if (!(LEDGER_FIELDS as readonly string[]).includes(field)) {
      reader.failOption(
        path,
        `unknown field ${field}; the fields are ${LEDGER_FIELDS.join(', ')}`,
        `未知字段 ${field}，可用字段为 ${LEDGER_FIELDS.join('、')}`,
      );
      continue;
    }
    const name = typeof text === 'string' ? normaliseName(text) : '';
    if (name === '') {
      reader.failOption(path, 'must name a column of the header row', '须填写表头中的列名');
      continue;
    }
    const other = byName.get(name);
    if (other !== undefined) {
      reader.failOption(
        path,
        `column ${text} is already mapped to ${other}; a column holds one field`,
        `“${text}”列已对应 ${other}，一列只能对应一个字段`,
      );
      continue;
    }
    byName.set(name, field);
    usable[field as LedgerField] = text;
  }
  return usable;
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

const LEDGER_SET: ColumnSet<LedgerField> = { names: LEDGER_COLUMNS, fallback: LEDGER_FALLBACK_COLUMNS };
const OUTCOME_SET: ColumnSet<OutcomeField> = { names: OUTCOME_COLUMNS };
/** Rows a preview shows. */
const SAMPLE_ROWS = 5;

function readLedger(
  sheet: Sheet,
  reader: Reader,
  manual: Partial<Record<LedgerField, string>>,
): DraftAspect[] {
  const at = { rank: 2 };
  const found = findColumns(sheet.rows, LEDGER_SET, reader, at, manual);
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
  const { header, index, label } = found;
  const fields = LEDGER_FIELDS.filter((field) => index[field] !== undefined);
  const isBlank = (row: Row) => fields.every((field) => (row.cells[index[field] ?? 0] ?? '') === '');
  reader.layout = {
    columns: Object.fromEntries(fields.map((field) => [field, label[field] ?? ''])),
    header: header.cells,
    sample: sheet.rows
      .filter((row) => row.number > header.number && !isBlank(row))
      .slice(0, SAMPLE_ROWS)
      .map((row) => Object.fromEntries(fields.map((field) => [field, row.cells[index[field] ?? 0] ?? '']))),
  };
  if (!requireColumns(found, LEDGER_SET, LEDGER_REQUIRED, reader, at, manual)) return [];
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
    if (isBlank(row)) continue;
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
  const found = findColumns(sheet.rows, OUTCOME_SET, reader, at);
  if (!found) {
    reader.fail(
      { ...at, row: sheet.rows[0]?.number ?? 1, columnIndex: 0 },
      'no header row: expected columns 类型 (kind) and 数量 (count)',
      '找不到表头行：应包含“类型”“数量”列',
    );
    return undefined;
  }
  if (!requireColumns(found, OUTCOME_SET, OUTCOME_REQUIRED, reader, at)) return undefined;
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
  /**
   * Ledger columns mapped by hand, field → the header as the file writes it (matched after the
   * same normalisation as known names): for headers the reader does not know, or to choose
   * between two. Overrides detection for those fields.
   */
  readonly columns?: Readonly<Record<string, string>>;
}

/** Which ledger column each field was read from, and what was read: what a preview shows. */
export interface SpreadsheetLayout {
  /** Field → the header text as the file writes it, for every column found (detected or by hand). */
  readonly columns: Partial<Record<LedgerField, string>>;
  /** The header row as read; empty when none was found. */
  readonly header: readonly string[];
  /** The first data rows as read, field → cell text. */
  readonly sample: readonly Partial<Record<LedgerField, string>>[];
}

function assemble(workbook: Workbook, options: SpreadsheetOptions, reader: Reader) {
  const aspects = readLedger(workbook.ledger, reader, manualColumns(options.columns, reader));
  const overrides = Object.entries(options.inspection ?? {}).filter(([, value]) => value !== undefined);
  const inspection = { ...readInspection(workbook.inspection, reader), ...Object.fromEntries(overrides) };
  for (const [key] of overrides) reader.origins.delete(`inspection.${key}`);
  const outcomes = options.outcomes ?? readOutcomes(workbook.outcomes, reader);
  return { format: PLAN_FORMAT, inspection, aspects, ...(outcomes ? { outcomes } : {}) };
}

/**
 * Reads a plan spreadsheet — XLSX, or CSV in UTF-8 with or without a BOM; Chinese or English
 * headers — into the same normalised plan as parsePlanJson, and says which column each field was
 * read from. Never throws on bad input: every error names its place (`row 14, column 完成时限`,
 * `sheet 基本信息, row 6, column B`, `inspection.feedbackDate` for a field given nowhere, or
 * `columns.deadline` for a column mapped by hand), in the order of the file.
 */
export async function readPlanSpreadsheet(
  bytes: Uint8Array,
  kind: 'xlsx' | 'csv',
  options: SpreadsheetOptions = {},
): Promise<{ readonly result: PlanResult; readonly layout: SpreadsheetLayout }> {
  let workbook: Workbook;
  try {
    workbook = await readWorkbook(bytes, kind);
  } catch (error) {
    if (!(error instanceof UnreadableFile)) throw error;
    return {
      result: {
        ok: false,
        errors: [{ path: error.place, message: error.message, messageZh: error.messageZh }],
      },
      layout: new Reader().layout,
    };
  }
  const reader = new Reader();
  const document = assemble(workbook, options, reader);
  const { layout } = reader;
  // A ledger that could not be read at all leaves nothing worth validating.
  if (document.aspects.length === 0)
    return { result: { ok: false, errors: reader.errors.map(({ error }) => error) }, layout };
  const result = parsePlanJson(document);
  if (result.ok && reader.errors.length === 0) return { result, layout };
  const located = (result.ok ? [] : result.errors).map((error) => {
    const place = locate(error.path, reader.origins);
    return place ? { error: { ...error, path: formatPlace(place) }, place } : { error };
  });
  return {
    result: { ok: false, errors: [...reader.errors, ...located].sort(byPlace).map(({ error }) => error) },
    layout,
  };
}

/** readPlanSpreadsheet's plan or errors alone. */
export async function parsePlanSpreadsheet(
  bytes: Uint8Array,
  kind: 'xlsx' | 'csv',
  options: SpreadsheetOptions = {},
): Promise<PlanResult> {
  return (await readPlanSpreadsheet(bytes, kind, options)).result;
}

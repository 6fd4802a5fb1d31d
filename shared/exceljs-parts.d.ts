/**
 * exceljs by the part each use needs. The package's entry (excel.js → lib/exceljs.nodejs.js)
 * loads all of it whatever is used: besides the in-memory Workbook, the streaming reader
 * (unzipper, tmp and some 300 KB of their dependencies) and the streaming writer (archiver and
 * its dependencies). Only the plan import runs exceljs: it reads with the Workbook (`xlsx.load`,
 * domain/plan/sheets.ts); the ledger export and the summary workbook write with write-excel-file
 * (reports/ledger-export.ts, reports/summary-workbook.ts). It imports its part from the file
 * excel.js itself takes it from, so a function's bundle holds only the part it runs; the types are
 * the package's. (What that part still loads but never runs is left out of the bundles by
 * infra/bundling/aliases.ts.)
 *
 * The package declares only its entry: this is the file imported by path, CommonJS whose
 * module.exports is the class, which `import()` gives as `default`.
 */

declare module 'exceljs/lib/doc/workbook.js' {
  import type ExcelJS from 'exceljs';

  const Workbook: typeof ExcelJS.Workbook;
  export default Workbook;
}

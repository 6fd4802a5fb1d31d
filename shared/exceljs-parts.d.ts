/**
 * exceljs by the part each use needs. The package's entry (excel.js → lib/exceljs.nodejs.js)
 * loads all of it whatever is used: besides the in-memory Workbook, the streaming reader
 * (unzipper, tmp and some 300 KB of their dependencies) and the streaming writer (archiver and
 * its dependencies). The plan import reads with the Workbook (`xlsx.load`,
 * domain/plan/sheets.ts), the ledger export writes with it (`xlsx.writeBuffer`,
 * reports/ledger-export.ts), the summary writes with the streaming WorkbookWriter
 * (reports/summary-workbook.ts), and nothing uses the streaming reader. Each imports its part from
 * the file excel.js itself takes it from, so a function's bundle holds only the part it runs; the
 * types are the package's. (What these parts still load but never run is left out of the bundles
 * by infra/bundling/aliases.ts.)
 *
 * The package declares only its entry: these are the two files imported by path. Each is CommonJS
 * whose module.exports is the class, which `import()` gives as `default`.
 */

declare module 'exceljs/lib/doc/workbook.js' {
  import type ExcelJS from 'exceljs';

  const Workbook: typeof ExcelJS.Workbook;
  export default Workbook;
}

declare module 'exceljs/lib/stream/xlsx/workbook-writer.js' {
  import type ExcelJS from 'exceljs';

  const WorkbookWriter: typeof ExcelJS.stream.xlsx.WorkbookWriter;
  export default WorkbookWriter;
}

import { LedgerQuery } from '#shared/api/queries.ts';
import { parseQuery } from '#shared/http/body.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { ledgerCsv, ledgerXlsx } from '#shared/reports/ledger-export.ts';
import { readLedger } from '#shared/services/ledger-view.ts';
import { ledgerStore } from '#shared/store/ledger-store.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * GET /inspections/{inspectionId}/ledger — the ledger (工作台账) the caller may see, as JSON
 * (items, overdue flags, totals), CSV or XLSX; filters `status`, `dept`, `overdue`.
 */
export const handler = httpHandler(
  'getLedger',
  async ({ event, principal, pathParameters, lang: negotiated }) => {
    const { format, lang: asked, ...filter } = parseQuery(event, LedgerQuery);
    const lang = asked ?? negotiated;
    const ledger = await readLedger(
      ledgerStore(),
      principal,
      pathParameters.inspectionId ?? '',
      filter,
      lang,
    );
    const fileName = `${ledger.inspection.title}-台账-${ledger.today}`;
    if (format === 'csv') {
      return {
        status: 200,
        file: {
          data: ledgerCsv(ledger.inspection, ledger.items, lang),
          contentType: 'text/csv; charset=utf-8',
          fileName: `${fileName}.csv`,
        },
      };
    }
    if (format === 'xlsx') {
      const data = await ledgerXlsx(ledger.inspection, ledger.items, lang);
      return { status: 200, file: { data, contentType: XLSX, fileName: `${fileName}.xlsx` } };
    }
    return { status: 200, body: ledger };
  },
);

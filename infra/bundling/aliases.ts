/**
 * Packages that libraries in the function bundles require when they load but that no function
 * ever runs. Each is replaced, at build time only (constructs/service-function.ts passes these as
 * esbuild's `--alias`), by a stand-in in left-out/ with the shape its requirer reads at load time;
 * anything called on a stand-in throws an Error naming the package (left-out/left-out.ts). Code
 * run outside a bundle (the local runtime, tests, the CLI) keeps the real packages.
 *
 * An entry stays only as long as the reason beside it holds. test/infra/bundled-libraries.test.ts
 * bundles the code that uses the bundled libraries with the same options and runs it: XLSX
 * workbooks written (the ledger export and the summary workbook, through write-excel-file) and read
 * (the plan import, domain/plan/xlsx.ts), a DOCX report, and the Tracer.
 *
 * Bytes are what each saves in the bundles that carry the requirer (bench:bundles, minified).
 */
export const LEFT_OUT: Readonly<Record<string, string>> = {
  // --- aws-xray-sdk-core, under the Powertools Tracer: its AWS SDK v2 patcher (patchers/aws_p.js,
  // loaded with the rest) checks the v2 SDK's version with semver in `captureAWS()`. Rectify uses
  // the v3 SDK and captures its clients with `captureAWSv3Client()` (patchers/aws3_p.js), which
  // needs no semver. ~29 KB in every bundle.
  semver: 'left-out/semver.cts',
};

/**
 * Node built-ins that the bundles take through CommonJS instead of an ES import. A bundle is an ES
 * module, and esbuild keeps `import … from "node:http"` as it is; Node then builds the ES module
 * face of the built-in, reading every export, lazy ones included. `node:http`'s include the fetch
 * machinery (undici, compiled on the spot): 19 ms of every cold start, against 3 ms through
 * require(). The stand-in in builtins/ is the built-in itself (`process.getBuiltinModule`), whose
 * properties esbuild reads on use. (An alias also takes the name's subpaths, such as
 * `fs/promises`, so only a built-in without any can be listed.)
 */
export const BUILTINS_BY_REQUIRE: Readonly<Record<string, string>> = {
  'node:http': 'builtins/http.cts',
  http: 'builtins/http.cts',
};

/**
 * The page's only styling. The status filter is CSS alone: hidden radio inputs precede the navigation and
 * the test list, and `:checked ~` rules hide what the chosen filter excludes, so the page needs no script
 * (its Content-Security-Policy forbids them).
 */

/** Verdict classes on each test, and which filter shows them. */
export const FILTERS = [
  { id: 'all', label: 'All', hide: '' },
  { id: 'failed', label: 'Failed', hide: '.test:not(.bad)' },
  { id: 'passed', label: 'Passed', hide: '.test:not(.v-pass)' },
  { id: 'skipped', label: 'Skipped', hide: '.test:not(.v-skip)' },
] as const;

export type FilterId = (typeof FILTERS)[number]['id'];

const filterRules = FILTERS.flatMap((f) => [
  `#show-${f.id}:checked~nav label[for=show-${f.id}]{background:#0969da;color:#fff;border-color:#0969da}`,
  ...(f.hide === '' ? [] : [`#show-${f.id}:checked~main ${f.hide}{display:none}`]),
]).join('\n');

export const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:1.5em;color:#1d1d1f;background:#fff}
h1{font-size:1.4em;margin:0 0 .3em}
h2{font-size:1.1em;margin:1.2em 0 .4em}
a{color:#0969da}
table.meta{border-collapse:collapse;margin:.4em 0}
table.meta th{text-align:left;font-weight:normal;color:#555;padding:.05em 1em .05em 0;vertical-align:top}
table.meta td{font-family:ui-monospace,monospace;word-break:break-all}
.counts{display:flex;gap:.6em;flex-wrap:wrap;margin:.4em 0}
.counts span{padding:.3em .7em;border-radius:6px;background:#f2f2f4}
.counts .lvl{background:none;font-weight:bold;padding-left:0}
.counts b{font-size:1.1em}
.state{padding:.4em .7em;border-radius:6px;margin:.6em 0;border:1px solid}
.baseline{margin:.4em 0}.chg-regression{background:#cf222e;color:#fff}.chg-fix{background:#1a7f37;color:#fff}
.chg-changed{background:#8c959f;color:#fff}
.state.partial{background:#fff8c5;border-color:#d4a72c}.state.done{background:#f6f8fa;border-color:#d0d7de}
input.filter{position:absolute;opacity:0;pointer-events:none}
nav{margin:1em 0 .6em}
nav label{display:inline-block;border:1px solid #d0d7de;border-radius:6px;padding:.2em .8em;margin-right:.3em;
cursor:pointer;user-select:none}
${filterRules}
ul.problems{margin:.3em 0;padding-left:1.2em}
.test{border:1px solid #d0d7de;border-radius:6px;margin:.35em 0;padding:0}
.test.bad{border-color:#f5c2c7;border-left:5px solid #cf222e}
.test>summary{padding:.3em .6em;cursor:pointer;list-style-position:inside}
.test>.body{padding:0 .8em .6em}
.badge{display:inline-block;min-width:4.2em;text-align:center;font:bold 11px/1.7 ui-monospace,monospace;
border-radius:4px;color:#fff;margin-right:.5em;padding:0 .3em}
.pass{background:#1a7f37}.fail{background:#cf222e}.error{background:#8250df}.skip{background:#9a6700}
.miss{background:#6e7781}.none{background:#6e7781}.tag{background:#57606a;margin-left:.5em}
.name{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;word-break:break-all;font-weight:600}
.why{color:#555;margin-left:.5em}.dur,.cnt{color:#6e7781;margin-left:.6em}
.self{margin-left:.5em;color:#8c959f;text-decoration:none}
pre{background:#f6f8fa;border:1px solid #d0d7de;border-radius:6px;padding:.4em .7em;overflow:auto;
margin:.3em 0;white-space:pre-wrap;overflow-wrap:anywhere}
pre.reason{background:#fff5f5;border-color:#f5c2c7}
.omitted{display:block;color:#6e7781;font-style:italic;margin:.2em 0}
ul.checks{list-style:none;padding-left:0;margin:.3em 0}
ul.checks li{margin:.1em 0}
ul.checks .badge{min-width:3.6em;font-size:10px}
.more{color:#6e7781;margin:.2em 0}
.issue{color:#cf222e;font-family:ui-monospace,monospace}
:target{outline:2px solid #0969da}
`;

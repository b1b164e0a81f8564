/**
 * The report's inline stylesheet: system fonts, readable contrast, laptop-width layout and a
 * print stylesheet (citation URLs printed after links, navigation hidden, colours kept).
 */

/** CSS embedded in the report's `<style>` element. */
export const REPORT_CSS = `
:root { color-scheme: light; --fg: #1f2328; --muted: #57606a; --border: #d0d7de; --soft: #f6f8fa; --accent: #0b57a4; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: #fff; color: var(--fg);
  font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", "Liberation Sans", sans-serif; }
main { max-width: 1024px; margin: 0 auto; padding: 32px 32px 56px; }
h1 { font-size: 1.95rem; line-height: 1.2; margin: 0.15em 0 0.35em; }
h2 { font-size: 1.35rem; line-height: 1.3; margin: 2.2em 0 0.7em; padding-bottom: 0.25em; border-bottom: 1px solid var(--border); }
h3 { font-size: 1.05rem; margin: 1.4em 0 0.4em; }
.muted { color: var(--muted); }
h3 .count { font-weight: 400; color: var(--muted); font-size: 0.9em; }
p { margin: 0.5em 0; }
a { color: var(--accent); text-underline-offset: 2px; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 0.86em; }
code { background: var(--soft); border: 1px solid #e4e8ec; border-radius: 4px; padding: 0.05em 0.3em; }
.eyebrow { text-transform: uppercase; letter-spacing: 0.07em; font-size: 0.78rem; font-weight: 600; color: var(--muted); margin: 0; }
.description { max-width: 75ch; color: #2d333a; }
.status-ok { display: inline-block; background: #e7f5ec; color: #14532d; border: 1px solid #a8d8b9; border-radius: 6px; padding: 0.3em 0.75em; font-size: 0.92rem; margin: 0.6em 0 1em; }
.banner { border-radius: 6px; padding: 0.8em 1.1em; margin: 1em 0 1.2em; }
.banner p { margin: 0.3em 0; }
.banner-error { background: #fdecea; border: 1px solid #f1b9b5; border-left: 7px solid #b3261e; color: #5c1410; }
.banner-error strong { color: #8c1d18; font-size: 1.05rem; }
.banner-warn { background: #fff8e1; border: 1px solid #f0d68a; border-left: 7px solid #9a6700; color: #4d3800; }
.banner-warn ul { margin: 0.3em 0 0; padding-left: 1.2em; }
table { border-collapse: collapse; font-size: 0.93rem; }
table.kv th { text-align: left; font-weight: 600; color: var(--muted); padding: 0.22em 1.4em 0.22em 0; vertical-align: top; white-space: nowrap; }
table.kv td { padding: 0.22em 0; vertical-align: top; }
table.data { width: 100%; }
table.data th, table.data td { border-bottom: 1px solid var(--border); padding: 0.42em 0.7em; text-align: left; vertical-align: top; }
table.data thead th { border-bottom: 2px solid #afb8c1; font-weight: 600; background: var(--soft); }
table.data tbody tr:nth-child(even) > * { background: #fafbfc; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.summary { width: auto; min-width: 60%; }
nav.toc { font-size: 0.9rem; margin: 1.2em 0 0; padding: 0.5em 0; border-top: 1px solid var(--border); border-bottom: 1px solid var(--border); }
nav.toc a { margin-right: 1.1em; text-decoration: none; }
nav.toc a:hover { text-decoration: underline; }
figure { margin: 0.8em 0 1.2em; }
figure svg { display: block; max-width: 100%; height: auto; }
figure.animation-figure img { display: block; max-width: 100%; height: auto; image-rendering: auto; border: 1px solid var(--border); }
figcaption { color: var(--muted); font-size: 0.88rem; margin-top: 0.45em; }
ul.legend { list-style: none; padding: 0; margin: 0 0 0.4em; display: flex; flex-wrap: wrap; gap: 0.25em 1.3em; font-size: 0.92rem; }
ul.legend li { display: inline-flex; align-items: center; }
.swatch { display: inline-block; width: 24px; height: 0; border-top: 3px solid; margin-right: 0.45em; }
.swatch.dashed { border-top-style: dashed; }
.none { color: var(--muted); font-style: italic; }
ol.rules { padding-left: 1.5em; margin: 0.3em 0; }
ol.rules > li { margin: 0 0 0.85em; padding-left: 0.2em; }
.sentence { margin: 0; }
ul.evidence { list-style: none; margin: 0.15em 0 0; padding: 0; font-size: 0.87rem; color: #3b434b; }
ul.evidence li { margin: 0.1em 0; }
.kb-id { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 0.92em; background: #eef3f8; color: #24425f; border-radius: 4px; padding: 0.05em 0.35em; margin-right: 0.35em; }
.no-evidence { color: #8c1d18; }
.sign { white-space: nowrap; font-weight: 600; }
.sign-inc { color: #1b7837; }
.sign-dec { color: #c62828; }
.sign-mix { color: #5b5b5b; }
footer { margin-top: 3em; padding-top: 0.4em; border-top: 2px solid var(--border); font-size: 0.93rem; }
footer h2 { border: none; margin-top: 0.8em; }
details { margin: 0.8em 0; }
summary { cursor: pointer; color: var(--accent); }
pre { overflow: auto; max-height: 420px; background: var(--soft); border: 1px solid var(--border); border-radius: 6px; padding: 0.9em 1em; font-size: 0.8rem; line-height: 1.4; }
.generated { color: var(--muted); font-size: 0.85rem; margin-top: 1.5em; }
@media (max-width: 700px) { main { padding: 16px; } table.summary { min-width: 100%; } }
@media print {
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  body { font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  nav.toc { display: none; }
  h2 { break-after: avoid; }
  figure, .banner, table.kv, ol.rules > li, tr { break-inside: avoid; }
  a { color: inherit; }
  a.cite::after { content: " <" attr(href) ">"; font-size: 0.85em; color: #444; word-break: break-all; }
  pre { max-height: none; white-space: pre-wrap; }
}
`;

/**
 * uPlot's stylesheet (uplot/dist/uPlot.min.css, MIT, © Leon Sorokin) and the chart's own few rules, adopted
 * as a constructed stylesheet when the first chart mounts. Importing the .css file would make esbuild emit a
 * separate .css file that a lazily loaded chunk never links by itself; a constructed sheet needs no <style>
 * element, so a strict Content-Security-Policy (no 'unsafe-inline' styles) allows it.
 */
const UPLOT_CSS = `
.uplot, .uplot *, .uplot *::before, .uplot *::after {box-sizing: border-box;}
.uplot {font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif;
  line-height: 1.5; width: min-content;}
.u-title {text-align: center; font-size: 18px; font-weight: bold;}
.u-wrap {position: relative; user-select: none;}
.u-over, .u-under {position: absolute;}
.u-under {overflow: hidden;}
.uplot canvas {display: block; position: relative; width: 100%; height: 100%;}
.u-axis {position: absolute;}
.u-legend {font-size: 14px; margin: auto; text-align: center;}
.u-inline {display: block;}
.u-inline * {display: inline-block;}
.u-inline tr {margin-right: 16px;}
.u-legend th {font-weight: 600;}
.u-legend th > * {vertical-align: middle; display: inline-block;}
.u-legend .u-marker {width: 1em; height: 1em; margin-right: 4px; background-clip: padding-box !important;}
.u-inline.u-live th::after {content: ":"; vertical-align: middle;}
.u-inline:not(.u-live) .u-value {display: none;}
.u-series > * {padding: 4px;}
.u-series th {cursor: pointer;}
.u-legend .u-off > * {opacity: 0.3;}
.u-select {background: rgba(0,0,0,0.07); position: absolute; pointer-events: none;}
.u-cursor-x, .u-cursor-y {position: absolute; left: 0; top: 0; pointer-events: none; will-change: transform;}
.u-hz .u-cursor-x, .u-vt .u-cursor-y {height: 100%; border-right: 1px dashed #607D8B;}
.u-hz .u-cursor-y, .u-vt .u-cursor-x {width: 100%; border-bottom: 1px dashed #607D8B;}
.u-cursor-pt {position: absolute; top: 0; left: 0; border-radius: 50%; border: 0 solid; pointer-events: none;
  will-change: transform; background-clip: padding-box !important;}
.u-axis.u-off, .u-select.u-off, .u-cursor-x.u-off, .u-cursor-y.u-off, .u-cursor-pt.u-off {display: none;}
`;

const CHART_CSS = `
.ec-line-chart {margin: 0; min-width: 0;}
.ec-line-chart-title {font-weight: 600; margin-bottom: 4px;}
.ec-line-chart-plot {width: 100%; min-width: 0; overflow: hidden;}
.ec-line-chart .u-legend {color: #1f2328;}
.ec-line-chart-empty {margin: 4px 0 0; color: #57606a;}
.ec-line-chart .ec-visually-hidden {position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0;
  overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0;}
`;

let adopted = false;

/** Adds the chart styles to the document once. */
export function adoptChartStyles(doc: Document = document): void {
  if (adopted) return;
  adopted = true;
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(UPLOT_CSS + CHART_CSS);
  doc.adoptedStyleSheets = [...doc.adoptedStyleSheets, sheet];
}

/**
 * Figures for notebooks and reports. In a tslab cell:
 *   import * as svd from "../dist/index";
 *   const { viz } = svd;
 *   await viz.display(viz.psfGrid(psfs));          // PNG panels
 *   viz.display(viz.mtfCurves([...]));             // Vega-Lite v5
 *   viz.useNotebookProgress();                     // library progress bars as live outputs
 * Every helper returns a MimeBundle; `saveFigure(bundle, "fig.svg" | "fig.png")` exports without a browser.
 */
export * from "./mime";
export * from "./colormap";
export * from "./raster";
export * from "./png";
export * from "./panels";
export * from "./images";
export * from "./vegalite";
export * from "./plotly";
export * from "./tables";
export * from "./live";
export * from "./training";
export * from "./export";

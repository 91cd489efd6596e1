/**
 * Figures for notebooks and reports. In a tslab cell:
 *   import * as svd from "../dist/index";
 *   const { viz } = svd;
 *   await viz.display(viz.psfGrid(psfs, { field: viz.fieldAxesOf(psfFile) }));  // panels, field axes in mm
 *   viz.display(viz.mtfCurves([...]));             // Vega-Lite v5
 *   viz.useNotebookProgress();                     // library progress bars as live outputs
 * Every helper returns a MimeBundle in the house style (./style: paper sizes, fonts, channel palette);
 * `saveFigure(bundle, "fig.svg" | "fig.png")` exports without a browser, text and axes as vector marks.
 */
export * from "./mime";
export * from "./style";
export * from "./colormap";
export * from "./raster";
export * from "./png";
export * from "./panels";
export * from "./field";
export * from "./images";
export * from "./vegalite";
export * from "./plotly";
export * from "./tables";
export * from "./live";
export * from "./export";

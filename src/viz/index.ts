/**
 * Figures for notebooks and reports. In a tslab cell:
 *   import * as svd from "../dist/index";
 *   const { viz } = svd;
 *   await viz.display(viz.psfGrid(psfs));          // PNG panels
 *   viz.display(viz.mtfCurves([...]));             // Vega-Lite v5
 *   viz.useNotebookProgress();                     // library progress bars as live outputs
 * Every helper returns a MimeBundle; `saveFigure(bundle, "fig.svg" | "fig.png")` exports without a browser.
 */
export {
  inNotebook,
  display,
  liveDisplay,
  escapeHtml,
  MIME,
  type MimeData,
  type MimeBundle,
  LiveDisplay,
} from "./mime";
export { colormapTable, type ColormapName, COLORMAPS } from "./colormap";
export {
  displayRange,
  toRaster,
  cropRaster,
  upscaleRaster,
  type TensorLike,
  type ImageInput,
  type Raster,
  type ScaleOptions,
} from "./raster";
export { rasterToPng, svgToPng, pngDataUri } from "./png";
export { panelsBundle, type ColorbarSpec, type Outline, type Panel, type PanelLayout } from "./panels";
export {
  imageFigure,
  compareImages,
  psfGrid,
  coefficientMaps,
  basisPsfs,
  type ImageFigureOptions,
  type Crop,
  type CompareOptions,
  type PsfGridOptions,
  type MapsOptions,
} from "./images";
export {
  vegaLite,
  lineChartSpec,
  lineChart,
  mtfCurves,
  explainedVariance,
  fieldHeatmap,
  lossCurveSpec,
  vegaLiteToSvg,
  type VegaLiteSpec,
  type Series,
  type LineOptions,
  type MtfCurve,
  type LossPoint,
} from "./vegalite";
export { plotly, surface, plotlyLines, type PlotlyFigure } from "./plotly";
export { metricTable, type Cell, type TableOptions } from "./tables";
export { useNotebookProgress, liveCurve, notebookProgress, LiveCurve } from "./live";
export { figureToSvg, figureToPng, saveFigure } from "./export";
export { trainingCurves, trainingCurvesSpec, DEFAULT_TRAINING_PANELS, type TrainingPanel, type TrainingCurveOptions } from "./training";

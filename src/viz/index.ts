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
export {
  POINTS_PER_INCH,
  CSS_PX_PER_INCH,
  FIGURE_WIDTH_IN,
  FONT_PT,
  FONT_FAMILY,
  LINE_PT,
  CHANNEL_PALETTE,
  CHANNEL_ORDER,
  CATEGORY_PALETTE,
  NEUTRAL,
  COLORMAP,
  ptToPx,
  widthInches,
  channelColor,
  channelScale,
  chartSize,
  vegaLiteConfig,
  type FigureWidth,
  type ChannelName,
} from "./style";
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
export { rasterToPng, svgToPng, svgToPngAtDpi, pngDataUri } from "./png";
export { panelsBundle, panelsToSvg, formatTick, linearTicks, logTicks, type ColorbarSpec, type Outline, type Panel, type PanelLayout, type GridAxis } from "./panels";
export { fieldAxesOf, indexAxes, fieldAxisTitles, type FieldAxes, type FieldAxesOptions, type FieldUnit, type PsfGridGeometry } from "./field";
export {
  imageFigure,
  compareImages,
  sharedDisplayRange,
  psfGrid,
  coefficientMaps,
  basisPsfs,
  fidelityLabel,
  type FidelityLabel,
  type ImageFigureOptions,
  type Crop,
  type CompareOptions,
  type PsfGridOptions,
  type PsfGridAxis,
  type MapsOptions,
} from "./images";
export {
  vegaLite,
  styledSpec,
  seriesColorScale,
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
  type MtfDirection,
  type LossPoint,
} from "./vegalite";
export { plotly, surface, plotlyLines, plotlyColorscale, type PlotlyFigure } from "./plotly";
export { metricTable, type Cell, type TableOptions } from "./tables";
export { useNotebookProgress, liveCurve, notebookProgress, LiveCurve } from "./live";
export { figureToSvg, figureToPng, saveFigure, EXPORT_DPI } from "./export";
export { trainingCurves, trainingCurvesSpec, DEFAULT_TRAINING_PANELS, type TrainingPanel, type TrainingCurveOptions } from "./training";

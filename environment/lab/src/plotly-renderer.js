// A JupyterLab mime renderer for Plotly figures (application/vnd.plotly.v1+json), drawn with
// plotly.js-dist-min. The bundle {data, layout, config?, frames?} is what src/viz/plotly.ts emits.
import { Widget } from "@lumino/widgets";

export const PLOTLY_MIME = "application/vnd.plotly.v1+json";

// Plotly sizes an autosized figure to its container; an output area has no height of its own, so a
// figure without layout.height would shrink to whatever minimum the container has. Figures that
// give no height get this one (Plotly's own default); the width follows the notebook's.
export const DEFAULT_HEIGHT_PX = 450;

// plotly.js is ~4 MB: load it on first use, as its own webpack chunk.
let plotlyPromise = null;

function loadPlotly() {
  if (!plotlyPromise) plotlyPromise = import("plotly.js-dist-min").then((m) => m.default || m);
  return plotlyPromise;
}

class PlotlyWidget extends Widget {
  constructor(options) {
    super();
    this.mimeType = options.mimeType;
    this.addClass("svd-plotly-output");
    this.node.style.width = "100%";
  }

  async renderModel(model) {
    const fig = model.data[this.mimeType] || {};
    const Plotly = await loadPlotly();
    const layout = { ...(fig.layout || {}) };
    const height = typeof layout.height === "number" && layout.height > 0 ? layout.height : DEFAULT_HEIGHT_PX;
    this.node.style.height = `${height}px`;
    // Without an explicit width, autosize to the output area (and follow it on resize, below).
    if (typeof layout.width !== "number") layout.autosize = true;
    const config = { responsive: true, displaylogo: false, ...(fig.config || {}) };
    await Plotly.react(this.node, fig.data || [], layout, config);
    this._plotly = Plotly;
  }

  onAfterShow() {
    this._resize();
  }

  onResize() {
    this._resize();
  }

  _resize() {
    if (this._plotly && this.isVisible && this.node.offsetWidth > 0) this._plotly.Plots.resize(this.node);
  }

  dispose() {
    if (this._plotly && !this.isDisposed) this._plotly.purge(this.node);
    super.dispose();
  }
}

const rendererFactory = {
  safe: true,
  mimeTypes: [PLOTLY_MIME],
  createRenderer: (options) => new PlotlyWidget(options),
};

export default {
  id: "svd-lab:plotly",
  name: "svd-lab:plotly",
  rendererFactory,
  rank: 0,
  dataType: "json",
  documentWidgetFactoryOptions: [],
};

// A JupyterLab mime renderer for Plotly figures (application/vnd.plotly.v1+json), drawn with
// plotly.js-dist-min. The bundle {data, layout, config?, frames?} is what src/viz/plotly.ts emits.
import { Widget } from "@lumino/widgets";

export const PLOTLY_MIME = "application/vnd.plotly.v1+json";

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
    this.node.style.minHeight = "50px";
  }

  async renderModel(model) {
    const fig = model.data[this.mimeType] || {};
    const Plotly = await loadPlotly();
    const layout = { ...(fig.layout || {}) };
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

// Entry point of the svd JupyterLab front end: registers the 4.5.x core plugins we ship plus two
// mime renderers (Vega 5 from JupyterLab, Plotly from ./plotly-renderer.js) and starts the app.
// The page (templates/index.html) carries the server's page config; PageConfig reads it.
import "../build/style.js";
import { JupyterLab } from "@jupyterlab/application";
import plotlyExtension from "./plotly-renderer";

// Plugins we leave out: language-server plugins need the jupyter-lsp server extension, which the
// Debian server lacks; the news announcements would phone home (and show a toast) on every start.
const EXCLUDED_PLUGINS = [/:language-server/, /^@jupyterlab\/apputils-extension:announcements$/];

function pluginsOf(mod) {
  let exported = Object.prototype.hasOwnProperty.call(mod, "__esModule") ? mod.default : mod;
  if (!Array.isArray(exported)) exported = [exported];
  return exported.filter((p) => !EXCLUDED_PLUGINS.some((re) => re.test(p.id)));
}

async function main() {
  // Keep this list in sync with src/extensions.json (which drives schema/theme/CSS collection).
  const pluginModules = [
    require("@jupyterlab/application-extension"),
    require("@jupyterlab/apputils-extension"),
    require("@jupyterlab/codemirror-extension"),
    require("@jupyterlab/completer-extension"),
    require("@jupyterlab/console-extension"),
    require("@jupyterlab/docmanager-extension"),
    require("@jupyterlab/documentsearch-extension"),
    require("@jupyterlab/filebrowser-extension"),
    require("@jupyterlab/fileeditor-extension"),
    require("@jupyterlab/inspector-extension"),
    require("@jupyterlab/launcher-extension"),
    require("@jupyterlab/mainmenu-extension"),
    require("@jupyterlab/markedparser-extension"),
    require("@jupyterlab/metadataform-extension"),
    require("@jupyterlab/notebook-extension"),
    require("@jupyterlab/rendermime-extension"),
    require("@jupyterlab/running-extension"),
    require("@jupyterlab/shortcuts-extension"),
    require("@jupyterlab/statusbar-extension"),
    require("@jupyterlab/theme-light-extension"),
    require("@jupyterlab/toc-extension"),
    require("@jupyterlab/tooltip-extension"),
    require("@jupyterlab/translation-extension"),
    require("@jupyterlab/ui-components-extension"),
  ];
  const mimeExtensions = [
    require("@jupyterlab/json-extension"),
    require("@jupyterlab/vega5-extension"),
    plotlyExtension,
  ];
  const lab = new JupyterLab({ mimeExtensions });
  lab.registerPlugins(pluginModules.flatMap(pluginsOf));
  await lab.start();
  await lab.restored;
  // For the browser test (test/browser): the app object to run commands, and a ready marker.
  window.svdLab = lab;
  document.body.dataset.svdLabReady = "true";
}

window.addEventListener("load", () => {
  main().catch((err) => {
    console.error("svd lab failed to start", err);
    document.body.dataset.svdLabError = String(err && err.stack ? err.stack : err);
  });
});

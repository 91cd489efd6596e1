// Webpack build of the svd JupyterLab front end (dev mode ~15 s, production ~2 min on 2 cores).
// Output: build/bundle.js (+ assets), build/schemas/ (settings schemas), build/themes/ (theme CSS);
// environment/lab/server.py serves these three folders.
const path = require("path");
const webpack = require("webpack");
const svgToDataUri = require("mini-svg-data-uri");
const { Build } = require("@jupyterlab/builder");
const { extensionPackages } = require("./src/extensions.json");

const buildDir = path.resolve(__dirname, "build");

// Copies each extension's settings schemas and themes, and writes build/style.js importing their CSS.
const themeConfigs = Build.ensureAssets({ packageNames: extensionPackages, output: buildDir });

module.exports = (env, argv) => {
  const mode = (argv && argv.mode) || "development";
  return [
    {
      mode,
      entry: "./src/index.js",
      output: {
        path: buildDir,
        filename: "bundle.js",
        // Assets are fetched relative to the script, whatever the server's base URL.
        publicPath: "auto",
      },
      bail: true,
      devtool: mode === "production" ? false : "source-map",
      performance: { hints: false },
      stats: "errors-warnings",
      module: {
        rules: [
          { test: /\.raw\.css$/, type: "asset/source" },
          { test: /(?<!\.raw)\.css$/, use: [require.resolve("style-loader"), require.resolve("css-loader")] },
          { test: /\.(txt|md)$/, type: "asset/source" },
          { test: /\.(jpg|png|gif|woff2?|ttf|eot)(\?v=\d+\.\d+\.\d+)?$/, type: "asset/resource" },
          // SVG icons: data URIs inside CSS, raw source when imported from JS (JupyterLab's LabIcon).
          {
            test: /\.svg(\?v=\d+\.\d+\.\d+)?$/,
            issuer: /\.css$/,
            type: "asset",
            generator: { dataUrl: (content) => svgToDataUri(content.toString()) },
          },
          { test: /\.svg(\?v=\d+\.\d+\.\d+)?$/, issuer: /\.js$/, type: "asset/source" },
          { test: /\.m?js$/, type: "javascript/auto", resolve: { fullySpecified: false } },
        ],
      },
      resolve: { fallback: { path: require.resolve("path-browserify"), url: false, buffer: false, crypto: false } },
      plugins: [
        new webpack.ProvidePlugin({ process: "process/browser" }),
        new webpack.DefinePlugin({ "process.env.NODE_ENV": JSON.stringify(mode) }),
      ],
    },
    ...themeConfigs.map((c) => ({ ...c, stats: "errors-warnings" })),
  ];
};

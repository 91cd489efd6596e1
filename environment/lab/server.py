"""Serve the svd JupyterLab front end (environment/lab/build) with Debian's jupyter-server.

Run with /usr/bin/python3 (the Python that has jupyter_server 1.23 and jupyterlab_server 2.16):
    JUPYTER_PATH=<repo>/.jupyter-local /usr/bin/python3 environment/lab/server.py \
        --ServerApp.ip=127.0.0.1 --ServerApp.port=8888 --ServerApp.root_dir=<repo>
tools/lab.ts does this for `npm run lab` and the browser test.
"""
import os

from jupyterlab_server import LabServerApp

from server_api import api_handlers

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD = os.path.join(HERE, "build")
REPO = os.path.dirname(os.path.dirname(HERE))
STATE = os.path.join(REPO, ".jupyter-local", "lab")


class SvdLabApp(LabServerApp):
    # Run as a script, the extension's module is __main__; naming it after the module and exposing
    # _jupyter_server_extension_points below avoids jupyter-server's KeyError on the app name.
    name = __name__
    app_name = "svd lab"
    extension_url = "/lab"
    default_url = "/lab"
    app_url = "/lab"
    load_other_extensions = False
    static_dir = BUILD
    templates_dir = os.path.join(HERE, "templates")
    schemas_dir = os.path.join(BUILD, "schemas")
    themes_dir = os.path.join(BUILD, "themes")
    # overrides.json: whole notebooks stay rendered (windowingMode "none": figures below the fold are
    # in the page, which the browser test checks), and no update/news checks from an offline lab.
    app_settings_dir = os.path.join(HERE, "app-settings")
    user_settings_dir = os.path.join(STATE, "user-settings")
    workspaces_dir = os.path.join(STATE, "workspaces")

    def initialize_handlers(self):
        # The front end reads the token from the page config (PageConfig.getToken) for its REST and
        # WebSocket calls; JupyterLab's own LabApp does the same.
        page_config = self.serverapp.web_app.settings.setdefault("page_config_data", {})
        page_config["token"] = self.serverapp.token
        page_config["appName"] = "svd lab"
        super().initialize_handlers()
        # /api/me and /api/events/subscribe, which jupyter-server 1.23 lacks (see server_api.py).
        self.handlers.extend(api_handlers())


def _jupyter_server_extension_points():
    return [{"module": __name__, "app": SvdLabApp}]


if __name__ == "__main__":
    SvdLabApp.launch_instance()

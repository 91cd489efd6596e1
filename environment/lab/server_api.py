"""The two REST/WebSocket endpoints JupyterLab 4 expects from jupyter-server 2 that Debian's
jupyter-server 1.23 lacks; without them every page load logs 404s (GET /api/me, WebSocket
/api/events/subscribe).

- /api/me: the identity and permissions of the user (JupyterLab's UserManager shows it, and the
  collaboration-free lab only needs a name). 1.23 has no identity provider: the user is the one
  the token authenticates, named after the OS account.
- /api/events/subscribe: the event bus WebSocket. 1.23 has no event bus, so no event ever arrives;
  the socket stays open (with jupyter-server's keep-alive pings) so the client does not retry.
"""
import getpass
import json

from jupyter_server.base.handlers import APIHandler, JupyterHandler
from jupyter_server.base.zmqhandlers import WebSocketMixin
from tornado import web
from tornado.websocket import WebSocketHandler


def _identity():
    try:
        name = getpass.getuser()
    except Exception:  # no passwd entry (containers): a fixed name is as good
        name = "user"
    initials = "".join(part[0] for part in name.replace("_", " ").split()[:2]).upper() or "U"
    return {
        "username": name,
        "name": name,
        "display_name": name,
        "initials": initials,
        "avatar_url": None,
        "color": None,
    }


class IdentityHandler(APIHandler):
    @web.authenticated
    def get(self):
        # The client asks for permissions per resource (?permissions={"contents": ["read"], ...});
        # the token holder may do everything the server serves, so grant each action asked for.
        asked = self.get_argument("permissions", "{}")
        try:
            wanted = json.loads(asked)
        except ValueError:
            raise web.HTTPError(400, f"permissions: expected a JSON object, found {asked!r}")
        if not isinstance(wanted, dict):
            raise web.HTTPError(400, f"permissions: expected a JSON object, found {asked!r}")
        permissions = {resource: list(actions) for resource, actions in wanted.items()}
        self.finish(json.dumps({"identity": _identity(), "permissions": permissions}))


class EventsSubscribeHandler(WebSocketMixin, WebSocketHandler, JupyterHandler):
    def set_default_headers(self):
        # JupyterHandler's headers (CSP and the like) are for pages, not for a WebSocket upgrade.
        pass

    async def get(self, *args, **kwargs):
        if self.get_current_user() is None:
            raise web.HTTPError(403)
        await super().get(*args, **kwargs)

    def on_message(self, message):
        # Clients only listen on this socket; emitting events is a POST to /api/events (absent).
        pass


def api_handlers():
    return [
        (r"/api/me", IdentityHandler),
        (r"/api/events/subscribe", EventsSubscribeHandler),
    ]

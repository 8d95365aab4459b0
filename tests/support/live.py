"""The app served over real HTTP from a thread (werkzeug), for tests that need a socket."""

from __future__ import annotations

import http.client
import threading
from typing import Any
from urllib.parse import urlencode

from flask import Flask
from werkzeug.serving import make_server

from tests import factories


class LiveApp:
    """Serve `wsgi` (the app, or a wrapper around it) on a free port until `stop`."""

    def __init__(self, wsgi: Flask | Any) -> None:
        self.server = make_server("127.0.0.1", 0, wsgi, threaded=True)
        self.port = self.server.port
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()

    def sign_in(self, email: str) -> str:
        """Sign in through the form; the Cookie header to send afterwards."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        body = urlencode({"email": email, "password": factories.PASSWORD})
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        connection.request("POST", "/login", body=body, headers=headers)
        response = connection.getresponse()
        assert response.status == 302
        cookies = [v for k, v in response.getheaders() if k.lower() == "set-cookie"]
        connection.close()
        return "; ".join(c.split(";", 1)[0] for c in cookies)

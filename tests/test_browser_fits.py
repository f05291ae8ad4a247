"""tests.browser.fits measures the width once the page's stylesheet is in: a page can be in the DOM before it is
styled (under load, a click's new page often is), and measured then it is wider than it will be."""
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.browser import fits

pytestmark = pytest.mark.browser

PAGE = """<!doctype html><html><head><meta name="viewport" content="width=device-width">
<link rel="stylesheet" href="/slow.css"></head>
<body><div class="box"><div style="width:600px">una fila ancha</div></div></body></html>"""
STYLE = "body { margin: 0 } .box { width: 300px; overflow: hidden }"


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the name http.server calls
        if self.path == "/slow.css":
            time.sleep(1)  # in the server's thread: the browser has the page long before its styles
            body, kind = STYLE, "text/css"
        else:
            body, kind = PAGE, "text/html; charset=utf-8"
        data = body.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def slow_styles(chromium):
    """A 360 px page whose stylesheet (which makes it fit) arrives a second after the page."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    context = chromium.new_context(viewport={"width": 360, "height": 740},
                                   base_url=f"http://127.0.0.1:{server.server_port}")
    page = context.new_page()
    yield page
    context.close()
    server.shutdown()
    server.server_close()


def test_the_width_is_measured_once_the_stylesheet_is_in(slow_styles):
    slow_styles.goto("/", wait_until="domcontentloaded")
    assert fits(slow_styles)
    assert slow_styles.evaluate("document.documentElement.scrollWidth") == 360


def test_a_page_wider_than_the_phone_does_not_fit(slow_styles):
    slow_styles.goto("/", wait_until="load")
    slow_styles.add_style_tag(content=".box { width: 500px }")
    assert not fits(slow_styles)

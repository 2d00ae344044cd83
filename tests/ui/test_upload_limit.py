"""Reflex's /_upload endpoint gets a body-size ceiling before anything is spooled to disk."""

from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from portal_app.ui.upload_limit import MAX_UPLOAD_REQUEST_BYTES, limit_uploads


async def _accept(request):
    body = await request.body()
    return PlainTextResponse(f"reçu {len(body)}")


app = limit_uploads(
    Starlette(routes=[Route("/_upload", _accept, methods=["POST"]), Route("/x", _accept, methods=["POST"])])
)
client = TestClient(app)


def test_an_upload_within_the_limit_reaches_the_handler():
    answer = client.post("/_upload", content=b"a" * 1000)
    assert answer.status_code == 200 and answer.text == "reçu 1000"


def test_an_upload_announced_too_large_is_refused_before_reading():
    answer = client.post("/_upload", content=b"a", headers={"content-length": str(MAX_UPLOAD_REQUEST_BYTES + 1)})
    assert answer.status_code == 413


def test_other_routes_are_untouched():
    assert client.post("/x", content=b"abc").text == "reçu 3"

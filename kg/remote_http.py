"""HTTP and credentials for the remote SPARQL stores of :mod:`kg.push` and :mod:`kg.remote`.

**Credentials** come ONLY from the environment: ``KEHOACH_REMOTE_USER`` and
``KEHOACH_REMOTE_PASSWORD`` (``KEHOACH_REMOTE_AUTH=basic`` to send basic auth on queries; pushes answer
whichever challenge the store sends, digest for Virtuoso). They are never a command-line option,
never printed or logged, and masked (:func:`mask`) in every error message these modules produce.

Pushes use ``urllib.request`` (SPARQLWrapper cannot send a Graph Store PUT) through an opener of their
own (:func:`auth_opener`: digest and basic auth handlers); that opener is never installed globally.
"""

from __future__ import annotations

import os
import re
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kg.errors import KehoachError

ENV_USER, ENV_PASSWORD, ENV_AUTH = "KEHOACH_REMOTE_USER", "KEHOACH_REMOTE_PASSWORD", "KEHOACH_REMOTE_AUTH"
DEFAULT_TIMEOUT = 60.0
USER_AGENT = "kehoach-kg (https://w3id.org/kehoach)"


class RemoteError(KehoachError):
    """A remote store could not be reached, refused a request or answered something unreadable."""


# -- credentials ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Credentials:
    """A user and password read from the environment; the password never shows in a repr."""

    user: str
    password: str = field(repr=False)

    def mask(self, text: str) -> str:
        """``text`` with the password (and ``user:password`` pairs) replaced by ``***``.

        >>> Credentials("dba", "s3cret").mask("http://dba:s3cret@host/ said s3cret")
        'http://***@host/ said ***'
        """
        for secret in (f"{self.user}:{self.password}", self.password):
            if secret:
                text = text.replace(secret, "***")
        return text


def credentials(environ: Mapping[str, str] | None = None) -> Credentials | None:
    """The credentials in ``KEHOACH_REMOTE_USER`` / ``KEHOACH_REMOTE_PASSWORD``, or None.

    >>> credentials({"KEHOACH_REMOTE_USER": "dba", "KEHOACH_REMOTE_PASSWORD": "x"})
    Credentials(user='dba')
    >>> credentials({}) is None
    True
    """
    env = os.environ if environ is None else environ
    user, password = env.get(ENV_USER, ""), env.get(ENV_PASSWORD, "")
    if not user and not password:
        return None
    if not user or not password:
        raise RemoteError(f"set both {ENV_USER} and {ENV_PASSWORD}, or neither")
    return Credentials(user, password)


def mask(text: str, creds: Credentials | None) -> str:
    """``text`` with the user-info of every URL, and the credentials ``creds`` if any, replaced by ``***``.

    >>> mask("cannot reach http://dba:s3cret@host/sparql", None)
    'cannot reach http://***@host/sparql'
    """
    text = re.sub(r"(?<=://)[^/@\s]*@", "***@", text)  # user-info in any URL
    return creds.mask(text) if creds else text


# -- urllib, for pushes ---------------------------------------------------------------------------


class _DigestUpFront(urllib.request.HTTPDigestAuthHandler):
    """Digest auth that, once challenged, authenticates every later request up front.

    urllib answers a challenge by sending the request again; but a store that refuses a large PUT
    (401) closes the connection before reading its body, and the upload dies with a broken pipe
    before the challenge can be read. So :func:`kg.push.push` first draws the challenge with a body-less
    request, and this handler signs each PUT with it (the nonce count rises per request, RFC 7616).
    """

    def __init__(self, manager: urllib.request.HTTPPasswordMgr) -> None:
        super().__init__(manager)
        self.challenge: dict[str, str] | None = None

    def retry_http_digest_auth(self, req: urllib.request.Request, auth: str) -> Any:
        items = [item for item in urllib.request.parse_http_list(auth.split(" ", 1)[-1]) if item]
        self.challenge = urllib.request.parse_keqv_list(items)
        return super().retry_http_digest_auth(req, auth)  # type: ignore[misc]

    def http_request(self, req: urllib.request.Request) -> urllib.request.Request:
        if self.challenge and not req.has_header("Authorization"):
            signed = self.get_authorization(req, self.challenge)
            if signed:
                req.add_unredirected_header("Authorization", f"Digest {signed}")
        return req

    https_request = http_request


class _BasicUpFront(urllib.request.HTTPBasicAuthHandler):
    """Basic auth that, once the store has asked for it, is sent up front with every request."""

    def retry_http_basic_auth(self, host: str, req: urllib.request.Request, realm: str) -> Any:
        if isinstance(self.passwd, urllib.request.HTTPPasswordMgrWithPriorAuth):
            self.passwd.update_authenticated(req.full_url, True)  # before: the answer may be an HTTPError
        return super().retry_http_basic_auth(host, req, realm)  # type: ignore[misc]

    def http_response(self, req: urllib.request.Request, response: Any) -> Any:
        return response  # urllib would stop sending up front after any non-2xx answer (HEAD: 501)

    https_response = http_response


def auth_opener(creds: Credentials | None, url: str) -> urllib.request.OpenerDirector:
    """An opener of its own (never installed globally) answering digest or basic challenges of ``url``."""
    handlers: list[urllib.request.BaseHandler] = []
    if creds:
        manager = urllib.request.HTTPPasswordMgrWithPriorAuth()
        manager.add_password(None, url, creds.user, creds.password)  # type: ignore[arg-type]
        handlers += [_DigestUpFront(manager), _BasicUpFront(manager)]
    return urllib.request.build_opener(*handlers)


def probe(opener: urllib.request.OpenerDirector, url: str, timeout: float) -> None:
    """A body-less HEAD to ``url``: draws the store's auth challenge and checks the credentials.

    Raises HTTPError only for 401/403 (credentials refused); any other answer (404, 501: HEAD not
    implemented, as in Virtuoso) is fine, since it came after the authentication.
    """
    request = urllib.request.Request(url, method="HEAD", headers={"User-Agent": USER_AGENT})
    try:
        with opener.open(request, timeout=timeout) as response:
            response.read()
    except urllib.error.HTTPError as error:
        if error.code in (401, 403):
            raise


def error_text(error: urllib.error.HTTPError) -> str:
    """The status of a refused request and the store's message (Virtuoso's ``<xmp>``), on one line."""
    try:
        body = error.read(4096).decode("utf-8", "replace")
    except OSError:
        body = ""
    found = re.search(r"<xmp>(.*?)</xmp>", body, re.S)  # Virtuoso puts the message there
    text = found.group(1) if found else re.sub(r"<[^>]+>", " ", body)
    text = " ".join(text.split())[:300]
    return f"HTTP {error.code} {error.reason}" + (f": {text}" if text else "")

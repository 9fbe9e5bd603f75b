"""Scrubbing secrets from text a server may have echoed: every form, any number."""

from __future__ import annotations

import json
import pickle
import uuid
from urllib.parse import quote

import pytest

from aiobyte import _config
from aiobyte._secrets import MaskedHeaders, Secret, Secrets

SECRET = 'se"cr/et+val\u00fce-' + uuid.uuid4().hex


@pytest.mark.parametrize(
    "form",
    [
        SECRET,
        json.dumps(SECRET)[1:-1],  # JSON-escaped
        json.dumps(SECRET, ensure_ascii=False)[1:-1],
        json.dumps(SECRET)[1:-1].replace("/", "\\/"),  # JSON with an escaped solidus
        quote(SECRET, safe=""),  # percent-encoded, in an echoed query
    ],
)
def test_a_secret_is_scrubbed_in_every_form_an_echo_gives_it(form: str) -> None:
    secrets = Secrets([SECRET])
    text = f"the request was {{client_secret: {form}}} and nothing else"
    assert secrets.scrub(text) == "the request was {client_secret: ***} and nothing else"
    assert secrets.scrub_bytes(text.encode()) == secrets.scrub(text).encode()


def test_a_short_secret_is_masked_only_where_it_stands_alone() -> None:
    secrets = Secrets(["t", "abc"])
    assert secrets.scrub("could not connect: token t, key abc") == (
        "could not connect: token ***, key ***"
    )


def test_the_longest_form_is_masked_first() -> None:
    secrets = Secrets(["password-long", "airbyte:password-long"])
    assert secrets.scrub("user airbyte:password-long") == "user ***"


def test_every_remembered_token_is_scrubbed_however_many() -> None:
    secrets = Secrets(["client-secret-value"])
    tokens = [f"eyJ{uuid.uuid4().hex}.{uuid.uuid4().hex}.sig" for _ in range(1200)]
    for token in tokens:
        secrets.learn(token)
    remembered = tokens[-_config.SECRETS_REMEMBERED :]
    echoed = " ".join(f"'Bearer {t}'" for t in remembered[:5] + remembered[-5:])
    scrubbed = secrets.scrub(echoed + " client-secret-value")
    assert scrubbed == " ".join(["'Bearer ***'"] * 10) + " ***"
    assert secrets.scrub_bytes(echoed.encode()) == " ".join(["'Bearer ***'"] * 10).encode()
    assert tokens[0] not in secrets  # memory is bounded: the oldest are forgotten


def test_holders_of_secrets_never_show_them() -> None:
    assert "value" not in repr(Secret("value")) + str(Secret("value"))
    assert Secret(b"raw").reveal() == b"raw"
    headers = MaskedHeaders({"Accept": "application/json", "Authorization": "Bearer tok"})
    assert "tok" not in repr(headers)
    assert headers["Authorization"] == "Bearer tok"  # what is sent is unchanged
    with pytest.raises(TypeError):
        pickle.dumps(Secret("value"))
    assert "s3cr3t" not in repr(Secrets(["s3cr3t"]))

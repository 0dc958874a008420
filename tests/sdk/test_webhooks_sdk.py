"""The official ``codat-platform`` SDK manages webhook consumers on our server, and its
typed errors carry our 400s."""

from __future__ import annotations

import pytest
from codat_platform import CodatPlatform
from codat_platform.models import errors


@pytest.fixture(params=["sqlite"])
def backend(request: pytest.FixtureRequest) -> str:
    """SQLite only: the wire format is the same on either engine
    (delivery's SQL runs on both engines in tests/webhooks)."""
    return str(request.param)


def test_the_sdk_creates_lists_and_deletes_consumers(codat: CodatPlatform) -> None:
    made = codat.webhooks.create_consumer(
        request={
            "url": "https://hooks.example.com/codat",
            "event_types": ["connection.connected", "read.completed"],
            "company_tags": ["region:uk"],
        }
    )
    assert made.id
    assert made.url == "https://hooks.example.com/codat"
    assert made.event_types == ["connection.connected", "read.completed"]
    assert made.company_tags == ["region:uk"]
    assert made.disabled is False
    listed = codat.webhooks.list_consumers().results
    assert listed is not None
    assert [c.id for c in listed] == [made.id]

    with pytest.raises(errors.ErrorMessage) as bad:
        codat.webhooks.create_consumer(
            request={"url": "https://hooks.example.com", "event_types": ["DatasetDataChanged"]}
        )
    assert bad.value.data.status_code == 400
    assert "Unknown event type" in str(bad.value.data.error)

    codat.webhooks.delete_consumer(request={"webhook_id": made.id})
    assert codat.webhooks.list_consumers().results == []
    with pytest.raises(errors.ErrorMessage) as missing:
        codat.webhooks.delete_consumer(request={"webhook_id": made.id})
    assert missing.value.data.status_code == 404

from __future__ import annotations

import pytest

from ledgerport.connectors.registry import ConnectorRegistry, RegistryError, discover
from ledgerport.connectors.spec import Branding, Connector, DataTypeSupport, NoAuth
from ledgerport.domain.enums import DataType, FeatureState, FeatureType, SourceType


def _connector(key: str, **kwargs: object) -> Connector:
    return Connector(
        key=key,
        name=key.upper(),
        source_type=SourceType.ACCOUNTING,
        auth=NoAuth(),
        branding=Branding(colour="#000", initials="X"),
        **kwargs,  # type: ignore[arg-type]
    )


def test_builtins_cover_the_seed_platforms() -> None:
    registry = discover()
    assert {c.key for c in registry} >= {"pdvj", "akxx", "qhyg", "pqsw", "knfz", "gbol", "mqjo"}
    assert registry.get("gbol") is not None
    assert registry.get("zzzz") is None


def test_duplicate_and_malformed_keys_fail_at_start_up() -> None:
    with pytest.raises(RegistryError, match="Two connectors"):
        ConnectorRegistry([_connector("abcd"), _connector("abcd")])
    for bad in ("ABCD", "abc", "abcde", "ab1d"):
        with pytest.raises(RegistryError, match="four lower-case letters"):
            ConnectorRegistry([_connector(bad)])


def test_feature_state_comes_from_the_declaration() -> None:
    connector = _connector(
        "abcd",
        supports=(DataTypeSupport(DataType.INVOICES, (FeatureType.GET,), FeatureState.BETA),),
    )
    assert connector.feature_state(DataType.INVOICES, FeatureType.GET) is FeatureState.BETA
    assert (
        connector.feature_state(DataType.INVOICES, FeatureType.POST) is FeatureState.NOT_IMPLEMENTED
    )
    assert connector.feature_state(DataType.BILLS, FeatureType.GET) is FeatureState.NOT_IMPLEMENTED


def test_integration_ids_are_stable() -> None:
    assert _connector("abcd").integration_id == _connector("abcd").integration_id
    assert _connector("abcd").integration_id != _connector("abce").integration_id
    assert _connector("abcd").integration_id != _connector("abcd").source_id

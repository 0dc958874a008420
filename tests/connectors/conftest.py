from tests.api.conftest import api_key, app_client, client, services, settings  # noqa: F401

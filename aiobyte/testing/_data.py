"""Realistic connector data for seeding the fake and for benchmarks.

The configurations follow the shapes of real connector specifications (the
``source-postgres``, ``destination-bigquery``, … schemas of the Airbyte API): nested
``oneOf`` objects such as ``ssl_mode`` or ``tunnel_method``, arrays, optional fields
left out now and then, and secrets masked as the server masks them when it answers.
Every configuration follows its connector's schema.

Everything here is deterministic given a :class:`random.Random`.
"""

from __future__ import annotations

import functools
import random
import uuid
from collections.abc import Callable
from typing import Any

from aiobyte import connectors

__all__ = [
    "CATALOG_VERSION",
    "CONFIGURATION_KINDS",
    "DEFINITION_IDS",
    "DESTINATION_KINDS",
    "SOURCE_KINDS",
    "catalog",
    "catalog_definition",
    "catalog_streams",
    "secret_coordinates",
    "connector_type",
    "definition_id",
    "sample_configuration",
    "sample_name",
    "sample_streams",
]

JSON = dict[str, Any]

#: How the server answers a secret field: it never sends the secret back.
MASK = "**********"

_HOSTS = [
    "db.internal.example.com",
    "analytics-replica.prod.example.net",
    "10.12.0.45",
    "warehouse-1.eu-west-1.rds.amazonaws.com",
    "pg-main.c7x2lqz8.us-east-1.rds.amazonaws.com",
]
_DATABASES = ["analytics", "app_production", "billing", "crm", "events", "inventory"]
_SCHEMAS = ["public", "sales", "marketing", "finance", "staging", "audit", "raw"]
_USERS = ["airbyte", "etl_reader", "replicator", "svc_airbyte", "readonly"]
_DATES = [
    "2021-01-01T00:00:00Z",
    "2022-06-15T00:00:00Z",
    "2023-03-01T00:00:00Z",
    "2024-01-01T00:00:00Z",
]
_TEAMS = ["Analytics", "Growth", "Finance", "Marketing", "Data Platform", "Sales Ops", "Product"]
_STREAMS = {
    "database": ["users", "orders", "order_items", "products", "invoices", "payments", "accounts"],
    "s3": ["events", "clicks", "page_views", "exports"],
    "google-ads": ["campaigns", "ad_groups", "ad_group_ads", "customer", "keyword_view"],
    "github": ["commits", "issues", "pull_requests", "repositories", "releases", "stargazers"],
    "shopify": ["orders", "customers", "products", "transactions", "fulfillments"],
    "salesforce": ["Account", "Contact", "Lead", "Opportunity", "Task", "User"],
    "google-analytics": ["daily_active_users", "pages", "devices", "locations", "website_overview"],
}

#: Connector definition ids of the Airbyte catalog (the same on Cloud and self-managed).
DEFINITION_IDS: dict[str, str] = {
    "source-postgres": "decd338e-5647-4c0b-adf4-da0e75f5a750",
    "source-mysql": "435bb9a5-7887-4809-aa58-28c27df0d7ad",
    "source-s3": "69589781-7828-43c5-9f63-8925b1c1ccc2",
    "source-google-ads": "253487c0-2246-43ba-a21f-5116b20a2c50",
    "source-github": "ef69ef6e-aa7f-4af1-a01d-ef775033524e",
    "source-shopify": "9da77001-af33-4bcd-be46-6252bf9342b9",
    "source-salesforce": "b117307c-14b6-41aa-9422-947e34922962",
    "source-google-analytics-data-api": "3cc2eafd-84aa-4dca-93af-322d9dfeec1a",
    "destination-bigquery": "22f6c74f-5699-40ff-833c-4a879ea40133",
    "destination-snowflake": "424892c4-daac-4491-b35d-c6688ba547ba",
    "destination-postgres": "25c5221d-dce2-4163-ade9-739ef790f503",
    "destination-s3": "4816b78f-1489-44c1-9060-4b19d5fa9362",
}


#: The image tag the fake gives the definitions of Airbyte's catalog.
CATALOG_VERSION = "1.0.0"


def definition_id(kind: str) -> str:
    """The definition id of ``"source-postgres"`` & co: the catalog's where this release
    knows it, else a stable one made from the name."""
    known = DEFINITION_IDS.get(kind)
    return known or str(uuid.uuid5(uuid.NAMESPACE_URL, f"airbyte:{kind}"))


@functools.lru_cache(maxsize=2)
def catalog(actor: str) -> dict[str, str]:
    """``{definition id: kind}`` of every connector of ``actor`` (``"source"`` or
    ``"destination"``) that ``aiobyte.connectors`` describes, i.e. every one of the spec."""
    return {
        definition_id(f"{actor}-{name}"): f"{actor}-{name}"
        for name in connectors.connectors(actor)  # type: ignore[arg-type]
    }


def catalog_definition(kind: str) -> JSON:
    """A catalog connector (``"source-postgres"``) as a ``DefinitionResponse``."""
    actor, _, name = kind.partition("-")
    return {
        "id": definition_id(kind),
        "name": name.replace("-", " ").title(),
        "dockerRepository": f"airbyte/{kind}",
        "dockerImageTag": CATALOG_VERSION,
        "documentationUrl": f"https://docs.airbyte.com/integrations/{actor}s/{name}",
    }


def _secret_walk(actor: str, connector: str, hide: Callable[[str], Any]) -> Callable[[Any], Any]:
    """A copy-maker of configurations with each secret value (a key the connector's schema
    marks ``airbyte_secret``, or named like one; not null, not a boolean, not an object)
    replaced by ``hide(path)``."""
    names: frozenset[str] = frozenset()
    if connectors.is_known(actor, connector):  # type: ignore[arg-type]
        paths = connectors.secret_paths(actor, connector)
        names = frozenset(p.rpartition(".")[2].removesuffix("[]") for p in paths)

    def replace(value: Any, path: str = "") -> Any:
        if isinstance(value, list):
            return [replace(v, f"{path}[{i}]") for i, v in enumerate(value)]
        if not isinstance(value, dict):
            return value
        out: JSON = {}
        for key, sub in value.items():
            here = f"{path}.{key}" if path else str(key)
            secret = key in names or connectors.is_secret_name(str(key))
            if secret and sub is not None and not isinstance(sub, (bool, dict, list)):
                out[key] = hide(here)
            else:
                out[key] = replace(sub, here)
        return out

    return replace


def secret_coordinates(
    actor: str, connector: str, workspace_id: str, actor_id: str
) -> Callable[[Any], Any]:
    """What ``includeSecretCoordinates=true`` makes of a configuration: each secret (a key
    the connector's schema marks ``airbyte_secret``, or named like one) replaced by
    ``{"_secret": "<coordinate>"}``, where the server's secret store keeps it."""

    def coordinate(path: str) -> JSON:
        unique = uuid.uuid5(uuid.NAMESPACE_URL, f"{actor_id}:{path}")
        return {"_secret": f"airbyte_workspace_{workspace_id}_secret_{unique}_v1"}

    return _secret_walk(actor, connector, coordinate)


def masked_secrets(actor: str, connector: str) -> Callable[[Any], Any]:
    """How the server shows a stored configuration: each secret as ``"**********"``.

    Seen in answers of the public API (``'personal_access_token': '**********'`` in a
    listed source, airbyte-api-python-sdk#86): secrets are never given back.
    """
    return _secret_walk(actor, connector, lambda _: connectors.SERVER_MASK)


def keep_stored_secrets(stored: Any, given: Any) -> Any:
    """``given`` with each ``"**********"`` that stands where ``stored`` has a value
    replaced by that value: a configuration read back (masked) and sent again keeps its
    secrets, as on the server. Anything else is taken as given."""
    if isinstance(given, dict) and isinstance(stored, dict):
        out: JSON = {}
        for key, value in given.items():
            if value == connectors.SERVER_MASK and key in stored:
                out[key] = stored[key]
            else:
                out[key] = keep_stored_secrets(stored.get(key), value)
        return out
    if isinstance(given, list) and isinstance(stored, list):
        return [
            keep_stored_secrets(stored[i] if i < len(stored) else None, value)
            for i, value in enumerate(given)
        ]
    return given


def _maybe(rng: random.Random, value: Any, p: float = 0.5) -> Any:
    """``value`` with probability ``p``, else ``None`` (an optional field left unset)."""
    return value if rng.random() < p else None


def _tunnel(rng: random.Random) -> JSON:
    kind = rng.choice(["NO_TUNNEL", "NO_TUNNEL", "SSH_KEY_AUTH", "SSH_PASSWORD_AUTH"])
    if kind == "NO_TUNNEL":
        return {"tunnel_method": "NO_TUNNEL"}
    tunnel: JSON = {
        "tunnel_method": kind,
        "tunnel_host": f"bastion-{rng.randint(1, 9)}.example.com",
        "tunnel_port": 22,
        "tunnel_user": rng.choice(["ubuntu", "ec2-user", "airbyte"]),
    }
    tunnel["ssh_key" if kind == "SSH_KEY_AUTH" else "tunnel_user_password"] = MASK
    return tunnel


def _ssl(rng: random.Random, modes: list[str]) -> JSON:
    mode = rng.choice(modes)
    ssl: JSON = {"mode": mode}
    if mode.startswith("verify"):
        ssl.update(
            ca_certificate=MASK,
            client_certificate=_maybe(rng, MASK),
            client_key=_maybe(rng, MASK),
            client_key_password=None,
        )
    return ssl


def _source_postgres(rng: random.Random) -> JSON:
    method = rng.choice(["CDC", "Xmin", "Standard"])
    replication: JSON = {"method": method}
    if method == "CDC":
        replication.update(
            plugin="pgoutput",
            replication_slot=f"airbyte_slot_{rng.randint(1, 99)}",
            publication="airbyte_publication",
            initial_waiting_seconds=rng.choice([300, 1200, 3600]),
            queue_size=10000,
            lsn_commit_behaviour="After loading Data in the destination",
            heartbeat_action_query="",
            invalid_cdc_cursor_position_behavior=rng.choice(["Fail sync", "Re-sync data"]),
            initial_load_timeout_hours=8,
        )
    return {
        "sourceType": "postgres",
        "host": rng.choice(_HOSTS),
        "port": 5432,
        "database": rng.choice(_DATABASES),
        "schemas": rng.sample(_SCHEMAS, rng.randint(1, 3)),
        "username": rng.choice(_USERS),
        "password": MASK,
        "jdbc_url_params": _maybe(rng, "connectTimeout=30&socketTimeout=600", 0.3),
        "ssl_mode": _ssl(
            rng, ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"]
        ),
        "replication_method": replication,
        "tunnel_method": _tunnel(rng),
        "entra_service_principal_auth": False,
        "entra_client_id": None,
        "entra_tenant_id": None,
    }


def _source_mysql(rng: random.Random) -> JSON:
    method = rng.choice(["STANDARD", "CDC"])
    replication: JSON = {"method": method}
    if method == "CDC":
        replication.update(
            initial_load_timeout_hours=8,
            invalid_cdc_cursor_position_behavior="Fail sync",
            server_timezone=rng.choice(["UTC", "America/New_York", "Europe/Berlin"]),
        )
    return {
        "sourceType": "mysql",
        "host": rng.choice(_HOSTS),
        "port": 3306,
        "database": rng.choice(_DATABASES),
        "username": rng.choice(_USERS),
        "password": MASK,
        "jdbc_url_params": _maybe(rng, "useCursorFetch=true", 0.3),
        "ssl_mode": _ssl(rng, ["preferred", "required", "verify_ca", "verify_identity"]),
        "replication_method": replication,
        "tunnel_method": _tunnel(rng),
        "check_privileges": rng.random() < 0.8,
        "checkpoint_target_interval_seconds": 300,
        "max_db_connections": _maybe(rng, rng.choice([4, 8, 16])),
    }


def _s3_format(rng: random.Random) -> JSON:
    filetype = rng.choice(["csv", "jsonl", "parquet", "avro"])
    if filetype == "csv":
        return {
            "filetype": "csv",
            "delimiter": rng.choice([",", ";", "\t"]),
            "quote_char": '"',
            "escape_char": None,
            "encoding": "utf8",
            "double_quote": True,
            "null_values": ["", "NULL"],
            "strings_can_be_null": True,
            "skip_rows_before_header": 0,
            "skip_rows_after_header": 0,
            "header_definition": {"header_definition_type": "From CSV"},
            "true_values": ["y", "yes", "t", "true", "on", "1"],
            "false_values": ["n", "no", "f", "false", "off", "0"],
            "ignore_errors_on_fields_mismatch": False,
        }
    if filetype == "parquet":
        return {"filetype": "parquet", "decimal_as_float": rng.random() < 0.5}
    if filetype == "avro":
        return {"filetype": "avro", "double_as_string": False}
    return {"filetype": "jsonl"}


def _source_s3(rng: random.Random) -> JSON:
    streams = [
        {
            "name": name,
            "globs": [f"{name}/**/*.{rng.choice(['csv', 'jsonl', 'parquet'])}"],
            "validation_policy": "Emit Record",
            "days_to_sync_if_history_is_full": 3,
            "schemaless": False,
            "input_schema": None,
            "recent_n_files_to_read_for_schema_discovery": _maybe(rng, 10),
            "format": _s3_format(rng),
        }
        for name in rng.sample(_STREAMS["s3"], rng.randint(1, 2))
    ]
    return {
        "sourceType": "s3",
        "bucket": f"acme-{rng.choice(['raw', 'exports', 'lake'])}-{rng.randint(100, 999)}",
        "region_name": rng.choice(["us-east-1", "eu-west-1", "us-west-2"]),
        "aws_access_key_id": MASK,
        "aws_secret_access_key": MASK,
        "role_arn": None,
        "endpoint": "",
        # The schema wants microseconds; non-zero ones, which a datetime keeps when it is
        # written back (the official SDK turns ".000000Z" into "Z").
        "start_date": rng.choice(_DATES).replace("Z", ".500000Z"),
        "delivery_method": {"delivery_type": "use_records_transfer"},
        "streams": streams,
    }


def _source_google_ads(rng: random.Random) -> JSON:
    customers = [str(rng.randint(10**9, 10**10 - 1)) for _ in range(rng.randint(1, 3))]
    return {
        "sourceType": "google-ads",
        "credentials": {
            "developer_token": MASK,
            "client_id": f"{rng.randint(10**11, 10**12 - 1)}.apps.googleusercontent.com",
            "client_secret": MASK,
            "refresh_token": MASK,
            "access_token": None,
        },
        "customer_id": ",".join(customers),
        "customer_status_filter": rng.choice([[], ["ENABLED"], ["ENABLED", "SUSPENDED"]]),
        "start_date": rng.choice(_DATES)[:10],
        "end_date": None,
        "conversion_window_days": rng.choice([7, 14, 30]),
        "custom_queries_array": [
            {
                "query": "SELECT campaign.id, campaign.name, metrics.clicks FROM campaign",
                "table_name": "campaign_clicks",
            }
        ],
    }


def _source_github(rng: random.Random) -> JSON:
    repos = [f"acme/{name}" for name in rng.sample(["api", "web", "infra", "data", "mobile"], 2)]
    # The OAuth variant; the personal-access-token one has too few keys for benchmarks.
    credentials: JSON = {
        "option_title": "OAuth Credentials",
        "access_token": MASK,
        "client_id": MASK,
        "client_secret": MASK,
    }
    return {
        "sourceType": "github",
        "credentials": credentials,
        "repositories": repos,
        "branches": [f"{repos[0]}/main"],
        "api_url": "https://api.github.com/",
        "start_date": rng.choice(_DATES),
        "max_waiting_time": 10,
    }


def _source_shopify(rng: random.Random) -> JSON:
    credentials: JSON
    if rng.random() < 0.5:
        credentials = {"auth_method": "api_password", "api_password": MASK}
    else:
        credentials = {
            "auth_method": "oauth2.0",
            "client_id": MASK,
            "client_secret": MASK,
            "access_token": MASK,
        }
    return {
        "sourceType": "shopify",
        "shop": f"acme-{rng.choice(['store', 'outlet', 'eu', 'us'])}",
        "credentials": credentials,
        "start_date": rng.choice(_DATES)[:10],
        "bulk_window_in_days": rng.choice([7, 30, 60]),
        "fetch_transactions_user_id": False,
        "job_checkpoint_interval": 100000,
        "job_product_variants_include_pres_prices": True,
        "job_termination_threshold": 7200,
    }


def _source_salesforce(rng: random.Random) -> JSON:
    return {
        "sourceType": "salesforce",
        "auth_type": "Client",
        "client_id": f"3MVG9{rng.getrandbits(80):020x}",
        "client_secret": MASK,
        "refresh_token": MASK,
        "is_sandbox": rng.random() < 0.2,
        "start_date": _maybe(rng, rng.choice(_DATES)),
        "force_use_bulk_api": False,
        "stream_slice_step": rng.choice(["P30D", "P7D", "PT12H"]),
        "streams_criteria": [{"criteria": "starts with", "value": rng.choice(["Account", "Opp"])}],
    }


def _source_google_analytics(rng: random.Random) -> JSON:
    return {
        "sourceType": "google-analytics-data-api",
        "credentials": {
            "auth_type": "Service",
            "credentials_json": MASK,
        },
        "property_ids": [str(rng.randint(10**8, 10**9 - 1))],
        "date_ranges_start_date": rng.choice(_DATES)[:10],
        "date_ranges_end_date": None,
        "window_in_days": 1,
        "lookback_window": 2,
        "keep_empty_rows": False,
        "convert_conversions_event": False,
        "custom_reports_array": [
            {
                "name": "engaged_sessions_by_country",
                "dimensions": ["date", "country"],
                "metrics": ["engagedSessions", "engagementRate"],
                "metricFilter": {
                    "filter_type": "filter",
                    "filter": {
                        "filter_name": "numericFilter",
                        "operation": ["GREATER_THAN"],
                        "value": {"value_type": "doubleValue", "value": round(rng.random(), 3)},
                    },
                    "field_name": "engagementRate",
                },
                "cohortSpec": {"enabled": "false"},
            }
        ],
    }


def _destination_bigquery(rng: random.Random) -> JSON:
    loading: JSON
    if rng.random() < 0.5:
        loading = {"method": "Standard"}
    else:
        loading = {
            "method": "GCS Staging",
            "gcs_bucket_name": f"airbyte-staging-{rng.randint(100, 999)}",
            "gcs_bucket_path": "data_sync/staging",
            "keep_files_in_gcs-bucket": "Delete all tmp files from GCS",
            "credential": {
                "credential_type": "HMAC_KEY",
                "hmac_key_access_id": MASK,
                "hmac_key_secret": MASK,
            },
        }
    return {
        "destinationType": "bigquery",
        "project_id": f"acme-analytics-{rng.randint(1000, 9999)}",
        "dataset_id": rng.choice(["airbyte", "raw", "analytics"]),
        "dataset_location": rng.choice(["US", "EU", "europe-west1"]),
        "credentials_json": MASK,
        "loading_method": loading,
        "raw_data_dataset": _maybe(rng, "airbyte_internal"),
        "disable_type_dedupe": False,
        "cdc_deletion_mode": "Hard delete",
    }


def _destination_snowflake(rng: random.Random) -> JSON:
    credentials: JSON
    if rng.random() < 0.5:
        credentials = {"auth_type": "Username and Password", "password": MASK}
    else:
        credentials = {
            "auth_type": "Key Pair Authentication",
            "private_key": MASK,
            "private_key_password": None,
        }
    return {
        "destinationType": "snowflake",
        "host": f"acme-{rng.randint(10000, 99999)}.snowflakecomputing.com",
        "role": "AIRBYTE_ROLE",
        "warehouse": rng.choice(["AIRBYTE_WAREHOUSE", "LOADING_WH"]),
        "database": "AIRBYTE_DATABASE",
        "schema": "AIRBYTE_SCHEMA",
        "username": "AIRBYTE_USER",
        "credentials": credentials,
        "jdbc_url_params": None,
        "raw_data_schema": None,
        "disable_type_dedupe": False,
        "retention_period_days": rng.choice([1, 7, 30]),
        "cdc_deletion_mode": "Hard delete",
    }


def _destination_postgres(rng: random.Random) -> JSON:
    return {
        "destinationType": "postgres",
        "host": rng.choice(_HOSTS),
        "port": 5432,
        "database": "warehouse",
        "schema": rng.choice(["public", "airbyte"]),
        "username": rng.choice(_USERS),
        "password": MASK,
        "ssl": False,
        "ssl_mode": {"mode": rng.choice(["disable", "prefer", "require"])},
        "jdbc_url_params": None,
        "raw_data_schema": None,
        "tunnel_method": _tunnel(rng),
        "disable_type_dedupe": False,
        "drop_cascade": False,
        "unconstrained_number": False,
    }


def _destination_s3(rng: random.Random) -> JSON:
    return {
        "destinationType": "s3",
        "s3_bucket_name": f"acme-lake-{rng.randint(100, 999)}",
        "s3_bucket_path": "airbyte/${NAMESPACE}",
        "s3_bucket_region": rng.choice(["us-east-1", "eu-west-1"]),
        "access_key_id": MASK,
        "secret_access_key": MASK,
        "role_arn": None,
        "s3_endpoint": "",
        "s3_path_format": "${NAMESPACE}/${STREAM_NAME}/${YEAR}_${MONTH}_${DAY}_${EPOCH}_",
        "file_name_pattern": "{date}",
        "format": {
            "format_type": "Parquet",
            "compression_codec": "SNAPPY",
            "block_size_mb": 128,
            "max_padding_size_mb": 8,
            "page_size_kb": 1024,
            "dictionary_page_size_kb": 1024,
            "dictionary_encoding": True,
        },
    }


_GENERATORS: dict[str, Callable[[random.Random], JSON]] = {
    "source-postgres": _source_postgres,
    "source-mysql": _source_mysql,
    "source-s3": _source_s3,
    "source-google-ads": _source_google_ads,
    "source-github": _source_github,
    "source-shopify": _source_shopify,
    "source-salesforce": _source_salesforce,
    "source-google-analytics-data-api": _source_google_analytics,
    "destination-bigquery": _destination_bigquery,
    "destination-snowflake": _destination_snowflake,
    "destination-postgres": _destination_postgres,
    "destination-s3": _destination_s3,
}

#: Every kind :func:`sample_configuration` knows, named like the connector specs.
CONFIGURATION_KINDS: list[str] = list(_GENERATORS)
#: The source kinds, in a stable order.
SOURCE_KINDS: list[str] = [k for k in CONFIGURATION_KINDS if k.startswith("source-")]
#: The destination kinds, in a stable order.
DESTINATION_KINDS: list[str] = [k for k in CONFIGURATION_KINDS if k.startswith("destination-")]


def connector_type(kind: str) -> str:
    """The ``sourceType``/``destinationType`` of a kind: ``"source-postgres"`` -> ``"postgres"``."""
    return kind.split("-", 1)[1]


def sample_configuration(kind: str | None = None, *, rng: random.Random | None = None) -> JSON:
    """A realistic connector configuration, as the API answers it (secrets masked).

    ``kind`` is one of :data:`CONFIGURATION_KINDS` (a bare type such as ``"postgres"``
    means the source of that type); ``None`` picks one at random. The result has 10 to
    60 keys counted at every depth, with nested objects, arrays, numbers and booleans
    (no nulls: an unset optional field is left out), follows the connector's schema,
    and includes ``sourceType``/``destinationType`` as the API's own
    configuration schemas do. Deterministic given ``rng``.
    """
    rng = rng if rng is not None else random.Random()
    if kind is None:
        kind = rng.choice(CONFIGURATION_KINDS)
    elif kind not in _GENERATORS:
        for prefix in ("source-", "destination-"):
            if prefix + kind in _GENERATORS:
                kind = prefix + kind
                break
        else:
            raise ValueError(f"unknown configuration kind {kind!r}; known: {CONFIGURATION_KINDS}")
    configuration: JSON = _without_nulls(_GENERATORS[kind](rng))
    return configuration


def _without_nulls(value: Any) -> Any:
    """``value`` without the keys set to ``None``: an optional field left unset is absent
    (the connector schemas type those fields without ``null``)."""
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


def sample_name(kind: str, rng: random.Random) -> str:
    """A plausible display name for a connector, e.g. ``"Finance Postgres"``."""
    label = connector_type(kind).replace("-data-api", "").replace("-", " ").title()
    return f"{rng.choice(_TEAMS)} {label}"


def catalog_streams(source_type: str) -> list[str]:
    """The streams a source of that type offers (what ``GET /streams`` answers)."""
    if source_type.startswith("google-analytics"):
        return _STREAMS["google-analytics"]
    return _STREAMS.get(source_type, _STREAMS["database"])


def sample_streams(source_type: str, rng: random.Random) -> list[JSON]:
    """Stream configurations of a connection, as ``configurations.streams`` answers them:
    a few of the source's streams."""
    offered = catalog_streams(source_type)
    database = offered is _STREAMS["database"]
    names = rng.sample(offered, min(len(offered), rng.randint(2, 4)))
    streams: list[JSON] = []
    for name in names:
        mode = rng.choice(
            ["incremental_deduped_history", "incremental_append", "full_refresh_overwrite"]
        )
        stream: JSON = {"name": name, "syncMode": mode}
        if mode.startswith("incremental"):
            stream["cursorField"] = ["updated_at"]
        if mode == "incremental_deduped_history":
            stream["primaryKey"] = [["id"]]
        if database:
            stream["namespace"] = "public"
        streams.append(stream)
    return streams

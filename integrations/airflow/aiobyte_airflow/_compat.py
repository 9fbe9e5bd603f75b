"""Names that moved between Airflow 3 releases: the Task SDK's where it has them."""

from __future__ import annotations

try:  # Airflow 3.1+
    from airflow.sdk import conf
except ImportError:  # Airflow 3.0
    from airflow.configuration import conf  # type: ignore[no-redef]

try:  # Airflow 3.1+
    from airflow.sdk.exceptions import AirflowException, AirflowSensorTimeout
except ImportError:  # Airflow 3.0
    from airflow.exceptions import (  # type: ignore[no-redef]
        AirflowException,
        AirflowSensorTimeout,
    )

__all__ = ["AirflowException", "AirflowSensorTimeout", "conf"]

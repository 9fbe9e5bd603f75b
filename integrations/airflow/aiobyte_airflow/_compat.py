"""Names that moved between Airflow 3 releases: the Task SDK's where it has them.

Tested on Airflow 3.3; the fallbacks are the 3.0 locations of the same names.
"""

from __future__ import annotations

try:  # Airflow 3.1+
    from airflow.sdk import BaseHook, BaseOperator, BaseSensorOperator, PokeReturnValue, conf
except ImportError:  # Airflow 3.0
    from airflow.configuration import conf  # type: ignore
    from airflow.hooks.base import BaseHook  # type: ignore
    from airflow.models.baseoperator import BaseOperator  # type: ignore
    from airflow.sensors.base import (  # type: ignore
        BaseSensorOperator,
        PokeReturnValue,
    )

try:  # Airflow 3.1+
    from airflow.sdk.exceptions import AirflowException, AirflowSensorTimeout
except ImportError:  # Airflow 3.0
    from airflow.exceptions import (  # type: ignore
        AirflowException,
        AirflowSensorTimeout,
    )

__all__ = [
    "AirflowException",
    "AirflowSensorTimeout",
    "BaseHook",
    "BaseOperator",
    "BaseSensorOperator",
    "PokeReturnValue",
    "conf",
]

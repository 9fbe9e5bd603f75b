"""Generated typed models, one module per connector (import from aiobyte.connectors)."""

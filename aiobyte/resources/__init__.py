"""One module per API resource: build the request, call the transport, decode."""

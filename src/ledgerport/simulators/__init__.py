"""Local stand-ins of vendor APIs, built from their published specs (land with the
real-connector issues). Imported only by the CLI and tests."""

"""The domain model: frozen pydantic models, content-file loaders, hook specifications."""

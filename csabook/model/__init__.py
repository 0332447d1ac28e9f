"""The data model and its loading: schema, strict readers, the layered loader, the read log."""

"""Environment flags, media files and JSON Schema models used by the server and ML backends."""

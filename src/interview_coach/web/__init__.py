"""HTTP: server-rendered pages and the JSON API."""

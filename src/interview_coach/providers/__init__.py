"""``interview-coach providers check``: smoke checks of the AI providers the settings configure."""

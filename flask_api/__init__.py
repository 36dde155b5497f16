"""The Flask API: deployable on its own (see flask_api/README.md), run in development by devtool."""

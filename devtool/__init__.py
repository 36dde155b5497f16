"""devtool: run a Flask API and a React/Vite UI together, wired correctly, and prove the wiring."""

__version__ = "0.1.0"

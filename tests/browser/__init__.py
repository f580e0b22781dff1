"""Real-browser tests of the built report website (headless Chromium)."""

"""Browser tests: the served app driven through Debian's Chromium with Playwright."""

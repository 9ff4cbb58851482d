"""The house styles shipped with briefing: each folder is one (see `house.style`). Installed
as the package data `pipeline.styles`."""

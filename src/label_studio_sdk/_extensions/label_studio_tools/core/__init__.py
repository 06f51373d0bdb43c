"""Label config parsing and the helpers it shares with the rest of the tools package."""
